"""The two benchmarks' metrics on tiny hand-made inputs, worked out by hand."""

from collections import Counter

import pytest

from cleanpipe.scoring import (
    Score,
    SnippetCounts,
    shingle_precision_recall,
    shingle_score,
    shingles,
    snippet_counts,
    snippet_score,
)


def test_shingles_are_overlapping_four_word_windows_of_word_tokens():
    assert shingles("One, two; three four five!") == Counter({"One two three four": 1, "two three four five": 1})


def test_a_text_shorter_than_a_shingle_is_one_shingle_and_empty_text_none():
    assert shingles("just two") == Counter({"just two": 1})
    assert shingles("  ... ") == Counter()


def test_repeated_shingles_count_as_a_multiset():
    assert shingles("a b c d a b c d")["a b c d"] == 2


def test_precision_and_recall_of_a_partial_extraction():
    # gold has 3 shingles; the prediction has 2 of them and 1 of its own
    true = "w1 w2 w3 w4 w5 w6"
    predicted = "w2 w3 w4 w5 w6 extra"
    assert shingle_precision_recall(true, predicted) == (pytest.approx(2 / 3), pytest.approx(2 / 3))
    assert shingle_precision_recall(true, "w1 w2 w3 w4") == (1.0, pytest.approx(1 / 3))


def test_case_is_kept_and_punctuation_ignored():
    assert shingle_precision_recall("The cat sat down", "the cat sat down") == (0.0, 0.0)
    assert shingle_precision_recall("The cat sat down", "The cat, sat... down!") == (1.0, 1.0)


def test_nothing_predicted_and_nothing_true_is_perfect_but_a_miss_is_zero():
    assert shingle_precision_recall("", "") == (1.0, 1.0)
    assert shingle_precision_recall("a b c d", "") == (0.0, 0.0)
    assert shingle_precision_recall("", "a b c d") == (0.0, 0.0)


def test_corpus_score_averages_pages_then_takes_the_harmonic_mean():
    score = shingle_score([("a b c d e", "a b c d"), ("a b c d", "x y z w")])
    # page 1: P 1, R 1/2; page 2: P 0, R 0
    assert (score.precision, score.recall, score.pages) == (0.5, 0.25, 2)
    assert score.f1 == pytest.approx(2 * 0.5 * 0.25 / 0.75)


def test_snippets_are_found_with_whitespace_collapsed():
    counts = snippet_counts("Main  text\nacross lines. Share this", ["text across lines", "missing"], ["Share this", "Imprint"])
    assert counts == SnippetCounts(true_positives=1, false_negatives=1, false_positives=1, true_negatives=1)


def test_no_output_misses_every_wanted_snippet_and_avoids_every_unwanted_one():
    assert snippet_counts(None, ["a", "b"], ["c"]) == SnippetCounts(0, 2, 0, 1)


def test_snippet_score_sums_counts_over_pages():
    total = SnippetCounts(3, 1, 1, 2) + SnippetCounts(1, 1, 0, 3)
    score = snippet_score(total, pages=2)
    assert (score.precision, score.recall) == (pytest.approx(4 / 5), pytest.approx(4 / 6))
    assert score.pages == 2


def test_f1_of_nothing_is_zero():
    assert Score(0.0, 0.0, 0).f1 == 0.0
