"""The records that flow through the pipeline: a Document being cleaned, or a Reject."""

import hashlib
from dataclasses import dataclass, field


@dataclass(slots=True)
class Document:
    """One input document as the stages see it; each stage fills in or rewrites fields.

    ``text`` holds whatever the current stage works on: HTML markup before extraction,
    then plain text; after ``split`` the body lives in ``paragraphs``.
    """

    source: str
    kind: str  # "text" or "html"
    raw: bytes | None = None  # undecoded input; None when the input was already a string
    title_in_text: bool = False  # plain-text scrape: the first non-empty line is the title
    from_html: bool = False  # the text was extracted from a page (kind is "text" after extraction)
    text: str = ""
    title: str | None = None
    url: str | None = None
    published: str | None = None
    source_id: str | None = None
    encoding: str | None = None
    paragraphs: list[str] = field(default_factory=list)
    removed: list[dict] = field(default_factory=list)
    origins: list[int] = field(default_factory=list)  # after strip: each paragraph's index before stripping
    language: str | None = None
    language_score: float | None = None

    @property
    def id(self) -> str:
        """Stable id: derived from the source path alone, so re-runs and edits keep it."""
        return document_id(self.source)

    def to_record(self) -> dict:
        """The clean-article record, in the documented key order."""
        return {
            "id": self.id,
            "source": self.source,
            "source_id": self.source_id,
            "url": self.url,
            "published": self.published,
            "title": self.title,
            "text": "\n\n".join(self.paragraphs),
            "language": self.language,
            "language_score": self.language_score,
            "removed": self.removed,
        }


@dataclass(frozen=True, slots=True)
class Reject:
    """An input that did not become an article, with a stable reason code."""

    source: str
    reason: str
    detail: str = ""

    def to_record(self) -> dict:
        """The reject record, in the documented key order."""
        return {
            "id": document_id(self.source),
            "source": self.source,
            "reason": self.reason,
            "detail": self.detail,
        }


def document_id(source: str) -> str:
    """First 16 hex digits of the SHA-256 of the source string."""
    return hashlib.sha256(source.encode("utf-8")).hexdigest()[:16]
