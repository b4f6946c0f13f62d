"""HTML to main text and metadata, with trafilatura."""

import trafilatura

from cleanpipe import reasons
from cleanpipe.document import Document
from cleanpipe.errors import Rejected


def extract_html(doc: Document) -> Document:
    """Replace an HTML document's markup by its main text; fill title, url and date.

    Metadata given by the input (a JSONL record's own title or url) wins over the page's.
    Plain-text documents pass through unchanged.

    Raises:
        Rejected: ``no_content`` when trafilatura finds no main text.
    """
    if doc.kind != "html":
        return doc
    result = trafilatura.bare_extraction(
        doc.text,
        url=doc.url,
        with_metadata=True,
        include_comments=False,  # reader comments are not the article
        include_tables=True,  # tables in news are content (results, polls, figures)
    )
    if result is None or not (result.text or "").strip():
        raise Rejected(reasons.NO_CONTENT, "trafilatura found no main text")
    doc.text = result.text
    doc.title = doc.title or result.title
    doc.url = doc.url or result.url
    doc.published = doc.published or result.date
    doc.kind = "text"
    return doc
