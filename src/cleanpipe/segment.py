"""Plain text to title and paragraphs."""

import re

from cleanpipe.document import Document

_SPACE_RUN = re.compile(r"[ \t\v\f]+")
# What _SPACE_RUN changes: runs of two or more, and single tabs, VTs and FFs. A single
# space stays as it is, so matching it (once per word) would only cost time.
_SPACE_RUN_TO_FOLD = re.compile(r"[ \t\v\f]{2,}|[\t\v\f]")


def split_paragraphs(doc: Document) -> Document:
    """Split ``doc.text`` into paragraphs, one per non-empty line, whitespace folded.

    A plain-text scrape (``title_in_text``) gives its first non-empty line to the title.
    """
    # One pass over the whole text: the pattern never spans a newline, so this is _fold
    # line by line, at a fraction of the calls.
    text = doc.text
    if "  " in text or "\t" in text or "\v" in text or "\f" in text:  # substring scans are C-speed, the regex is not
        text = _SPACE_RUN_TO_FOLD.sub(" ", text)
    paragraphs = [line.strip() for line in text.split("\n")]
    paragraphs = [p for p in paragraphs if p]
    if doc.title_in_text and paragraphs:
        doc.title = paragraphs.pop(0)
    elif doc.title is not None:
        doc.title = _fold(doc.title.replace("\n", " ")) or None
    doc.paragraphs = paragraphs
    doc.text = ""
    return doc


def _fold(line: str) -> str:
    """Collapse runs of horizontal whitespace and strip the ends."""
    return _SPACE_RUN.sub(" ", line).strip()
