"""HTML to main text and metadata, with trafilatura, under a per-document time limit."""

import threading
from collections.abc import Callable

import trafilatura

from cleanpipe import reasons
from cleanpipe.document import Document
from cleanpipe.errors import Rejected

# trafilatura's options, chosen on bench/quality.py (see bench/results/quality.md).
EXTRACT_OPTIONS = {
    "include_comments": False,  # reader comments are not the article
    "include_tables": True,  # tables in news are content (results, polls, figures)
}

# Dates from the page's markup and metadata only. htmldate's extensive search (trafilatura's
# default) falls back to parsing free text with dateparser: 1.6 s on some pages, half of
# all extraction time on the benchmark pages, for dates it guesses (8 of 100 pages there,
# "1996-01-01" among them); on the other 92 the date is the same (bench/results/throughput.md).
DATE_OPTIONS = {"extensive_search": False, "original_date": True}


def extract_html(doc: Document, timeout_seconds: float = 0.0) -> Document:
    """Replace an HTML document's markup by its main text; fill title, url and date.

    Metadata given by the input (a JSONL record's own title or url) wins over the page's.
    Plain-text documents pass through unchanged.

    Args:
        doc: a decoded document.
        timeout_seconds: give up on a page whose extraction takes longer than this
            (``Config.extract_timeout_seconds``); 0 means no limit.

    Returns:
        The document with its main text in ``text`` and ``kind`` set to "text".

    Raises:
        Rejected: ``no_content`` when trafilatura finds no main text; ``extract_timeout``
            when it has not finished within ``timeout_seconds``.
    """
    if doc.kind != "html":
        return doc
    html, url = doc.text, doc.url
    result = call_with_deadline(
        lambda: trafilatura.bare_extraction(html, url=url, with_metadata=True, date_extraction_params=DATE_OPTIONS,
                                            **EXTRACT_OPTIONS),
        timeout_seconds,
    )
    if result is None or not (result.text or "").strip():
        raise Rejected(reasons.NO_CONTENT, "trafilatura found no main text")
    doc.text = result.text
    doc.title = doc.title or result.title
    doc.url = doc.url or result.url
    doc.published = doc.published or result.date
    doc.kind = "text"
    return doc


def call_with_deadline(work: Callable[[], object], timeout_seconds: float) -> object:
    """Run ``work()`` and return its result, or reject when it takes over ``timeout_seconds``.

    The work runs in a daemon thread that the caller waits on with a timeout. Unlike a
    signal alarm (main thread only) this works in Prefect's worker threads and in worker
    processes alike. Python cannot kill a thread, so a page that overruns is abandoned,
    not stopped: its thread runs on in the background until trafilatura returns, sharing
    the CPU, and never keeps the process from exiting. The batch moves on at once.

    Raises:
        Rejected: ``extract_timeout`` when the deadline passes first.
        Exception: whatever ``work`` raised, re-raised in the caller's thread.
    """
    if not timeout_seconds:
        return work()
    outcome: dict = {}

    def run() -> None:
        try:
            outcome["result"] = work()
        except BaseException as exc:  # handed to the caller, who decides what it means
            outcome["error"] = exc

    worker = threading.Thread(target=run, name="cleanpipe-extract", daemon=True)
    worker.start()
    worker.join(timeout_seconds)
    if worker.is_alive():
        raise Rejected(reasons.EXTRACT_TIMEOUT, f"extraction still running after {timeout_seconds:g} s; page abandoned")
    if "error" in outcome:
        raise outcome["error"]
    return outcome["result"]
