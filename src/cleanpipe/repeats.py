"""Source repeats: a paragraph that recurs in many documents of one source is site chrome.

Rules catch junk by its wording; a feed brings outlets and wordings no rule has seen. What
every outlet's chrome has in common is that it repeats: the same newsletter promo, footer,
cookie sentence or "follow us" line stands in story after story of one site, while story
text does not (CCNet and Dolma remove web boilerplate the same way). So the commit of a run
counts, per source, in how many distinct kept articles each paragraph occurs, and removes
the paragraphs that reach the threshold, with the rule ``structure.source-repeat``.

- **Source**: the URL's host without ``www.`` when the record has a URL, else the folder
  of the raw file (``en/daily-gazette/``); a JSONL feed's lines without URLs share their
  file's folder.
- **Near-verbatim**: paragraphs are compared casefolded, punctuation dropped and every run
  of digits read as one digit, so "Comments (12)" and "Comments (3)", or a footer whose
  year changes, are one paragraph.
- **Counted after duplicates**: near-duplicate copies of one story are rejected before the
  count, so a story republished three times does not read as chrome.
- **Deterministic**: the count covers the whole run (plus earlier runs, from
  ``state/repeat-<G>.npz``) before any article is changed, so the output does not depend on
  how the run was split into batches. Articles written by earlier runs are not rewritten.
"""

import hashlib
import re
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from cleanpipe.segment import SENTENCE_ENDS, is_byline

SOURCE_REPEAT = "structure.source-repeat"

_WORD = re.compile(r"[^\W_]+")
_DIGITS = re.compile(r"\d+")


def source_group(source: str, url: str | None) -> str:
    """The source a document belongs to: its URL's host, else its raw file's folder.

    Args:
        source: the record's source (``path`` or ``path#N``).
        url: the record's URL, or None.

    Returns:
        ``"host:example.com"`` or ``"folder:en/daily-gazette"`` (``"folder:"`` at the top).
    """
    if url:
        host = url.split("://", 1)[-1].split("/", 1)[0].split("@")[-1].split(":")[0].lower()
        if host:
            return "host:" + host.removeprefix("www.")
    path = source.partition("#")[0]
    return "folder:" + path.rpartition("/")[0]


def normalise(paragraph: str) -> str:
    """A paragraph as repeats compare it: casefolded, punctuation dropped, digit runs as ``0``."""
    folded = paragraph.casefold()
    try:
        # Most Western European text is Latin-1 once casefolded: one byte table does the regex's work
        # (every paragraph of every article is keyed, so this is ~18 % of the keys' cost)
        raw = folded.encode("latin-1")
    except UnicodeEncodeError:
        return _DIGITS.sub("0", " ".join(_WORD.findall(folded)))  # digit runs never cross a space
    raw = b" ".join(raw.translate(_LATIN1_WORD_BYTES).split())
    return (_ZERO_RUN.sub(b"0", raw) if b"00" in raw else raw).decode("latin-1")


# A Latin-1 byte as normalise keeps it: a decimal digit as "0", a letter or other digit as
# itself, anything else (punctuation, symbols, spaces) as a space.
_LATIN1_WORD_BYTES = bytes(48 if chr(b).isdecimal() else b if chr(b).isalnum() else 32 for b in range(256))
_ZERO_RUN = re.compile(rb"0{2,}")


# A labelled line ("More from the Weather Desk: Why fog is thicker near rivers", "Earlier in
# court: ...", "Рекомендуємо: ...", "Просмотров: 1 047") has a second key, for its label
# alone: a site puts its teaser or counter label before a different headline or number in
# every story, so the label is what repeats. A label goes only at the paragraph threshold
# (``source_repeat_min_docs``), never at the lower one for lines: two stories may share a
# subheading's or a caption's label ("Pictured: ...").
_LABEL_MAX_WORDS = 5  # "More from the Weather Desk", "Potrebbe interessarti anche"
_LABELLED_MAX_WORDS = 20  # what follows: a headline, a name or a number, not a paragraph of prose


def label_of(paragraph: str) -> str | None:
    """The normalised label of a labelled line (a short label, a colon, a headline with no sentence end), or None."""
    if not is_line(paragraph):
        return None
    label, colon, rest = paragraph.partition(": ")
    label = normalise(label)
    if not colon or not label or not rest.strip() or len(label.split()) > _LABEL_MAX_WORDS or len(rest.split()) > _LABELLED_MAX_WORDS:
        return None
    return label


def _key(prefix: bytes, text: str) -> int:
    """A non-zero 63-bit key for ``text`` under a group's prefix."""
    digest = hashlib.blake2b(prefix + text.encode("utf-8"), digest_size=8).digest()
    return (int.from_bytes(digest, "little") >> 1) or 1


def paragraph_keys(group: str, paragraphs: list[str]) -> list[int]:
    """One 63-bit key per paragraph, for ``(group, normalised paragraph)``.

    A paragraph with no letter or digit gets key 0, which is never counted.
    """
    prefix = group.encode("utf-8") + b"\0"
    return [_key(prefix, text) if (text := normalise(paragraph)) else 0 for paragraph in paragraphs]


def label_keys(group: str, paragraphs: list[str]) -> list[int]:
    """One 63-bit key per paragraph for ``(group, label)`` when it is a labelled line (:func:`label_of`), else 0."""
    prefix = group.encode("utf-8") + b"\0label\0"
    return [_key(prefix, label) if (label := label_of(paragraph)) else 0 for paragraph in paragraphs]


def group_key(group: str) -> int:
    """A 63-bit key for a source group."""
    return int.from_bytes(hashlib.blake2b(group.encode("utf-8"), digest_size=8).digest(), "little") >> 1


class RepeatCounts:
    """In how many distinct articles of its source each paragraph key occurs, across runs.

    Counts are kept as sorted numpy arrays (about 20 bytes a distinct paragraph), so a run
    of 100,000 articles holds a few tens of MB, not a dict of millions of entries.
    """

    def __init__(self) -> None:
        self._keys = [np.zeros(0, np.int64)]
        self._groups = [np.zeros(0, np.int64)]
        self._counts = [np.zeros(0, np.int64)]
        self._group_keys = [np.zeros(0, np.int64)]
        self._group_docs = [np.zeros(0, np.int64)]

    def add_article(self, group: int, keys: list[int]) -> None:
        """Count one kept article: each distinct non-zero key once."""
        self.add_batch(np.array([group], np.int64), np.array([len(keys)], np.int64), np.array(keys, np.int64))

    def add_batch(self, groups: np.ndarray, counts: np.ndarray, keys: np.ndarray, documents: bool = True) -> None:
        """Count kept articles at once: article i has group ``groups[i]`` and the next ``counts[i]`` keys.

        ``documents=False`` counts more keys of articles already counted (their labels' keys)."""
        article = np.repeat(np.arange(len(groups)), counts)
        pairs = np.unique(np.stack([article, keys], axis=1)[keys != 0], axis=0)  # each key once an article
        self._keys.append(pairs[:, 1])
        self._groups.append(groups[pairs[:, 0]])
        self._counts.append(np.ones(len(pairs), np.int64))
        if documents:
            self._group_keys.append(groups)
            self._group_docs.append(np.ones(len(groups), np.int64))

    def load_segment(self, path: str | Path) -> None:
        """Add the counts an earlier generation saved."""
        with np.load(path) as segment:
            self._keys.append(segment["keys"])
            self._groups.append(segment["groups"])
            self._counts.append(segment["counts"])
            self._group_keys.append(segment["group_keys"])
            self._group_docs.append(segment["group_docs"])

    def _merged(self) -> tuple[np.ndarray, ...]:
        """Keys, groups and counts summed per key; group keys and documents summed per group."""
        keys, first, inverse = np.unique(np.concatenate(self._keys), return_index=True, return_inverse=True)
        counts = np.bincount(inverse, weights=np.concatenate(self._counts), minlength=len(keys)).astype(np.int64)
        groups = np.concatenate(self._groups)[first]
        group_keys, group_inverse = np.unique(np.concatenate(self._group_keys), return_inverse=True)
        group_docs = np.bincount(group_inverse, weights=np.concatenate(self._group_docs),
                                 minlength=len(group_keys)).astype(np.int64)
        return keys, groups, counts, group_keys, group_docs

    def repeated(self, min_docs: int, min_share: float, line_min_docs: int = 0) -> "Repeated":
        """Keys found in at least ``min_docs`` articles and ``min_share`` of their source's articles.

        Args:
            min_docs: the fewest distinct articles a chrome paragraph occurs in (0: none is).
            min_share: the least share of the source's articles it occurs in.
            line_min_docs: the fewest for a paragraph that is a line, not a sentence (see
                :func:`is_line`); 0 or more than ``min_docs``: lines count like the rest.

        Returns:
            The keys to remove.
        """
        if min_docs <= 0:
            return Repeated(frozenset(), frozenset())
        keys, groups, counts, group_keys, group_docs = self._merged()
        docs_of_group = group_docs[np.searchsorted(group_keys, groups)] if len(keys) else np.zeros(0, np.int64)
        shared = counts >= min_share * docs_of_group
        chosen = frozenset(int(k) for k in keys[shared & (counts >= min_docs)])
        lines = frozenset()
        if 0 < line_min_docs < min_docs:
            lines = frozenset(int(k) for k in keys[shared & (counts >= line_min_docs)]) - chosen
        return Repeated(chosen, lines)

    def save_segment(self, path: str | Path) -> None:
        """Write these counts, merged, as a ``state/repeat-<G>.npz`` segment (temporary name, then renamed)."""
        keys, groups, counts, group_keys, group_docs = self._merged()
        path = Path(path)
        tmp = path.with_name(f".{path.name}.tmp")
        with open(tmp, "wb") as handle:
            np.savez(handle, keys=keys, groups=groups, counts=counts, group_keys=group_keys, group_docs=group_docs)
        tmp.replace(path)

    def __add__(self, other: "RepeatCounts") -> "RepeatCounts":
        both = RepeatCounts()
        for name in ("_keys", "_groups", "_counts", "_group_keys", "_group_docs"):
            setattr(both, name, getattr(self, name) + getattr(other, name))
        return both


@dataclass(frozen=True)
class Repeated:
    """The paragraph keys that are a source's chrome: any paragraph, or only a line."""

    paragraphs: frozenset[int]  # repeated often enough to go whatever they are
    lines: frozenset[int]  # repeated often enough to go when they are a line, not a sentence

    def __bool__(self) -> bool:
        return bool(self.paragraphs or self.lines)

    def __contains__(self, key: int) -> bool:
        return key in self.paragraphs or key in self.lines

    def takes(self, key: int, paragraph: str, label: int = 0, promo: Callable[[str], bool] | None = None) -> bool:
        """Whether the paragraph with this key (and this label key, 0: none) goes (never a byline: the same
        author signs many stories). At the lines' threshold a sentence goes too when ``promo`` says it
        speaks the outlet's pitch (a consent word: "Hazte Amigo del Museo: entrada gratuita ...")."""
        return (key in self.paragraphs
                or (key in self.lines and (is_line(paragraph) or (promo is not None and promo(paragraph))))
                or (label != 0 and label in self.paragraphs)) and not is_byline(paragraph)


# A line, not a sentence: it does not end like one ("Partager sur Facebook Twitter WhatsApp",
# "Lees het volledige artikel op example.nl"), or it is a copyright notice ("© 2024 X. All
# rights reserved."). Two stories of one outlet may repeat a background sentence word for
# word ("The bridge was built in 1962."); a repeated label or button is the outlet's chrome.
_LINE_MAX_CHARS = 200


def is_line(paragraph: str) -> bool:
    """Short, and either not ending like a sentence or a copyright notice."""
    return len(paragraph) <= _LINE_MAX_CHARS and (not paragraph.rstrip().endswith(SENTENCE_ENDS) or "©" in paragraph)


def strip_repeats(record: dict, keys: list[int], origins: list[int], repeated: Repeated,
                  labels: list[int] | None = None, promo: Callable[[str], bool] | None = None) -> list[str] | None:
    """Remove a record's paragraphs whose keys are repeated; record each removal.

    Args:
        record: an article record; its ``text`` and ``removed`` are rewritten in place.
        keys: the key of each of its paragraphs, in order.
        origins: each paragraph's index in the body before stripping (``removed[].para``).
        repeated: keys from :meth:`RepeatCounts.repeated`.
        labels: each paragraph's label key (:func:`label_keys`; None: no labels).
        promo: whether a sentence is an outlet's pitch (see :meth:`Repeated.takes`; None: none is).

    Returns:
        The paragraphs left when something was removed, else None (the record is unchanged).
    """
    labels = labels or [0] * len(keys)
    if not repeated or not any(k in repeated or (label and label in repeated.paragraphs) for k, label in zip(keys, labels)):
        return None
    paragraphs = record["text"].split("\n\n")
    if not any(repeated.takes(k, p, label, promo) for k, p, label in zip(keys, paragraphs, labels)):
        return None
    kept = []
    removed = record["removed"]
    for paragraph, key, origin, label in zip(paragraphs, keys, origins, labels):
        if repeated.takes(key, paragraph, label, promo):
            removed.append({"rule": SOURCE_REPEAT, "text": paragraph, "para": origin})
        else:
            kept.append(paragraph)
    removed.sort(key=lambda removal: removal["para"])  # stable: document order, as strip leaves it
    record["text"] = "\n\n".join(kept)
    return kept
