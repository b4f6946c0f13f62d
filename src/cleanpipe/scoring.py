"""Extraction quality metrics of the two public benchmarks, computed as their authors publish them.

- ScrapingHub article-extraction-benchmark: ``\\w+`` tokens (case kept), multisets of
  overlapping 4-token shingles, precision and recall per page, averaged over pages; F1 is
  the harmonic mean of the two averages.
- trafilatura's evaluation: whitespace collapsed; a ``with`` snippet found in the output is
  a true positive (else a false negative), a ``without`` snippet found is a false positive
  (else a true negative); counts are summed over the corpus.
"""

import re
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass

_TOKEN = re.compile(r"\w+")
SHINGLE_SIZE = 4  # the ScrapingHub benchmark's n


def shingles(text: str, size: int = SHINGLE_SIZE) -> Counter:
    """Multiset of overlapping ``size``-token shingles; a text shorter than ``size`` is one shingle."""
    tokens = _TOKEN.findall(text or "")
    return Counter(" ".join(tokens[i : i + size]) for i in range(max(1, len(tokens) - size + 1)) if tokens)


def shingle_precision_recall(true: str, predicted: str) -> tuple[float, float]:
    """One page's ScrapingHub precision and recall of ``predicted`` against ``true``.

    Args:
        true: the gold article body.
        predicted: the extracted text ("" when nothing was extracted).

    Returns:
        (precision, recall): both 1.0 when neither text has a shingle the other lacks,
        both 0.0 when they share none.
    """
    true_shingles, predicted_shingles = shingles(true), shingles(predicted)
    shared = sum((true_shingles & predicted_shingles).values())
    extra = sum((predicted_shingles - true_shingles).values())
    missed = sum((true_shingles - predicted_shingles).values())
    if extra == missed == 0:
        return 1.0, 1.0
    if shared == 0:
        return 0.0, 0.0
    return shared / (shared + extra), shared / (shared + missed)


@dataclass(frozen=True)
class Score:
    """A corpus score: precision, recall, their harmonic mean, and how many pages it covers."""

    precision: float
    recall: float
    pages: int

    @property
    def f1(self) -> float:
        """Harmonic mean of precision and recall (0 when both are 0)."""
        total = self.precision + self.recall
        return 2 * self.precision * self.recall / total if total else 0.0


def shingle_score(pairs: Iterable[tuple[str, str]]) -> Score:
    """ScrapingHub corpus score: per-page precision and recall averaged over pages.

    Args:
        pairs: (gold body, extracted text) per page.

    Returns:
        The averaged precision and recall, with F1 as their harmonic mean.
    """
    per_page = [shingle_precision_recall(true, predicted) for true, predicted in pairs]
    if not per_page:
        return Score(0.0, 0.0, 0)
    return Score(
        precision=sum(p for p, _ in per_page) / len(per_page),
        recall=sum(r for _, r in per_page) / len(per_page),
        pages=len(per_page),
    )


@dataclass(frozen=True)
class SnippetCounts:
    """trafilatura-eval confusion counts, summable over pages."""

    true_positives: int = 0
    false_negatives: int = 0
    false_positives: int = 0
    true_negatives: int = 0

    def __add__(self, other: "SnippetCounts") -> "SnippetCounts":
        return SnippetCounts(
            self.true_positives + other.true_positives,
            self.false_negatives + other.false_negatives,
            self.false_positives + other.false_positives,
            self.true_negatives + other.true_negatives,
        )


def _collapse(text: str) -> str:
    """Fold every run of whitespace to one space."""
    return " ".join(text.split())


def snippet_counts(text: str | None, wanted: Iterable[str], unwanted: Iterable[str]) -> SnippetCounts:
    """Count one page's snippets found in the extracted ``text`` (None: nothing extracted).

    Args:
        text: the extracted text, or None when the extractor gave nothing.
        wanted: the page's ``with`` snippets (must appear).
        unwanted: the page's ``without`` snippets (must not appear).

    Returns:
        The page's true/false positives and negatives.
    """
    haystack = _collapse(text or "")
    found_wanted = [_collapse(s) in haystack for s in wanted]
    found_unwanted = [_collapse(s) in haystack for s in unwanted]
    return SnippetCounts(
        true_positives=sum(found_wanted),
        false_negatives=len(found_wanted) - sum(found_wanted),
        false_positives=sum(found_unwanted),
        true_negatives=len(found_unwanted) - sum(found_unwanted),
    )


def snippet_score(counts: SnippetCounts, pages: int) -> Score:
    """trafilatura-eval corpus score from summed counts (precision = tp / (tp + fp), recall = tp / (tp + fn))."""
    tp, fp, fn = counts.true_positives, counts.false_positives, counts.false_negatives
    return Score(
        precision=tp / (tp + fp) if tp + fp else 0.0,
        recall=tp / (tp + fn) if tp + fn else 0.0,
        pages=pages,
    )
