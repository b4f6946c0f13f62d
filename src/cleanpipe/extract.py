"""HTML to main text and metadata, with trafilatura, under a per-document time limit."""

import threading
from collections.abc import Callable

import trafilatura
from htmldate import find_date
from trafilatura.metadata import examine_meta, extract_meta_json, extract_title, extract_url
from trafilatura.settings import Document as TrafilaturaDocument
from trafilatura.utils import load_html

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

# JSON-LD blocks longer than this are left out of the metadata search. Title, URL and date
# sit in blocks of a few KB (the largest of 1,658 blocks on 1,581 benchmark and corpus
# pages but one was 37 KB); the exception, a live blog's 840 KB of updates, cost trafilatura's
# JSON-LD reader 1 s, 5% of all extraction time on the 1,000 pages of `make bench`.
MAX_JSON_LD_CHARS = 100_000
_JSON_LD = './/script[@type="application/ld+json" or @type="application/settings+json"]'


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
    result, meta = call_with_deadline(lambda: _extract(html, url), timeout_seconds)
    if result is None or not (result.text or "").strip():
        raise Rejected(reasons.NO_CONTENT, "trafilatura found no main text")
    doc.text = result.text
    doc.title = doc.title or meta.title
    doc.url = doc.url or meta.url
    doc.published = doc.published or meta.date
    doc.kind = "text"
    doc.from_html = True
    return doc


def _extract(html: str, url: str | None):
    """Parse once; (trafilatura's main-text result, the page's title/url/date), or (None, None)."""
    tree = load_html(html)
    if tree is None:
        return None, None
    meta = page_metadata(tree, url)  # bare_extraction works on a copy of the tree
    return trafilatura.bare_extraction(tree, url=url, **EXTRACT_OPTIONS), meta


def page_metadata(tree, url: str | None) -> TrafilaturaDocument:
    """Title, URL and date of a parsed page, as ``trafilatura.extract_metadata`` finds them.

    The same steps in the same order (meta tags, JSON-LD, the title heuristics, the
    canonical URL, htmldate) without the fields cleanpipe does not keep (author, site
    name, categories, tags, licence), which cost most of its ~8 ms a page. Of JSON-LD
    trafilatura takes only a title the meta tags lack, so it is read only then.
    """
    meta = examine_meta(tree)
    if not meta.title:
        meta = _title_from_json_ld(tree, meta)
    meta.title = meta.title or extract_title(tree)
    meta.url = meta.url or extract_url(tree, url)
    meta.date = find_date(tree, **DATE_OPTIONS, url=meta.url)
    meta.clean_and_trim()
    return meta


def _title_from_json_ld(tree, meta: TrafilaturaDocument) -> TrafilaturaDocument:
    """trafilatura's JSON-LD reading, over the blocks no longer than ``MAX_JSON_LD_CHARS``."""
    oversized = [(script, script.text) for script in tree.xpath(_JSON_LD)
                 if script.text and len(script.text) > MAX_JSON_LD_CHARS]
    for script, _ in oversized:
        script.text = None  # trafilatura's reader skips empty blocks
    try:
        return extract_meta_json(tree, meta)
    except Exception:  # noqa: BLE001 - trafilatura logs and ignores bugs in its JSON-LD parser too
        return meta
    finally:
        for script, text in oversized:
            script.text = text  # extraction may still want the block as a last-resort source of text


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
