"""ROUGE-LSum as the Fundus paper scores extractors, with one paragraph per "sentence".

The Fundus evaluation (dobbersc/fundus-evaluation, ``scorers.score_rouge_lsum``; paper:
Dallabetta et al. 2024, arXiv:2403.15279) scores each article with Google's ``rouge-score``:
``RougeScorer(["rougeLsum"], use_stemmer=False)``, ``score(reference, hypothesis)``, both
bodies being their paragraphs joined; it reports per-article precision, recall and F-measure,
each averaged over articles (``analysis.compute_rouge_lsum_scraper_summary``: mean x 100).
ROUGE-LSum is the summary-level LCS of Lin (2004), "ROUGE: A Package for Automatic Evaluation
of Summaries", section 3.2: for each reference sentence, the union of its longest common
subsequences with every candidate sentence; hits over reference tokens is recall, over
candidate tokens precision (``rouge_score.rouge_scorer._summary_level_lcs``, which clips
repeated tokens as ROUGE 1.5.5 does).

Two deliberate differences from the paper's call, both because our pages are in many languages:

- Tokens: ``rouge-score``'s default tokenizer keeps only ``[a-z0-9]+`` after lowercasing, so
  "Zürich" becomes "z", "rich" and Chinese, Japanese, Cyrillic or Greek text has no tokens at
  all. ``UnicodeTokenizer`` lowercases and keeps runs of Unicode letters and digits instead
  (identical tokens on ASCII text), and makes each Han, Hiragana or Katakana character a token,
  since those scripts put no spaces between words.
- Sentences: the paper passes ``split_summaries=True``, which splits the joined paragraphs
  into sentences with NLTK's English Punkt model (a download this machine cannot make, and
  wrong for most of our languages). Here each paragraph is one sentence (``split_summaries``
  False: the texts are split on newlines), as issue 12 asks.
"""

import re
from dataclasses import dataclass
from statistics import fmean

from rouge_score import rouge_scorer

# One token per character in scripts written without spaces between words, else runs of
# letters and digits (``[^\W_]``: a word character that is not the underscore).
_TOKEN = re.compile(r"[\u3040-\u30ff\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff]|[^\W_]+")
_SPACES = re.compile(r"\s+")


class UnicodeTokenizer:
    """``rouge-score`` tokenizer: lowercased letter-and-digit runs, one token per CJK character."""

    def tokenize(self, text: str) -> list[str]:
        """The tokens of ``text``, in order."""
        return _TOKEN.findall(text.lower())


_scorer = rouge_scorer.RougeScorer(["rougeLsum"], use_stemmer=False, split_summaries=False,
                                   tokenizer=UnicodeTokenizer())


@dataclass(frozen=True)
class PageScore:
    """One page's ROUGE-LSum precision, recall and F-measure (0 to 1)."""

    precision: float
    recall: float
    fmeasure: float


@dataclass(frozen=True)
class CorpusScore:
    """Per-page ROUGE-LSum precision, recall and F-measure, each averaged over pages, as the paper reports."""

    precision: float
    recall: float
    fmeasure: float
    pages: int


def paragraphs_of(text: str) -> list[str]:
    """The non-empty lines of an extracted text, whitespace runs folded to one space."""
    return [folded for line in text.split("\n") if (folded := _SPACES.sub(" ", line).strip())]


def page_score(gold_paragraphs: list[str], predicted_paragraphs: list[str]) -> PageScore:
    """ROUGE-LSum of one page, each paragraph a sentence; 0 when either side has no token."""
    gold = "\n".join(_SPACES.sub(" ", p).strip() for p in gold_paragraphs)
    predicted = "\n".join(_SPACES.sub(" ", p).strip() for p in predicted_paragraphs)
    score = _scorer.score(gold, predicted)["rougeLsum"]
    return PageScore(score.precision, score.recall, score.fmeasure)


def corpus_score(pages: list[PageScore]) -> CorpusScore:
    """Mean precision, recall and F-measure over pages (the F is the mean of per-page F's)."""
    if not pages:
        return CorpusScore(0.0, 0.0, 0.0, 0)
    return CorpusScore(fmean(p.precision for p in pages), fmean(p.recall for p in pages),
                       fmean(p.fmeasure for p in pages), len(pages))
