"""The stage list and the batch loop: golden documents, batching, a bug never stops a batch."""

import json

import pytest

from cleanpipe import reasons
from cleanpipe.config import Config
from cleanpipe.pipeline import body_problem, split_batches

from conftest import FIXTURES, GOLDEN

MIXED = FIXTURES / "raw_mixed"


@pytest.mark.parametrize("expected_path", sorted(GOLDEN.glob("*.expected.json")), ids=lambda p: p.name)
def test_golden(expected_path, clean_file):
    name = expected_path.name.replace(".expected.json", "")
    [source] = [p.name for p in GOLDEN.glob(f"{name}.input.*")]
    articles, rejects, _ = clean_file(GOLDEN, source)
    assert rejects == []
    expected = json.loads(expected_path.read_text("utf-8"))
    assert {k: articles[0][k] for k in expected} == expected


def test_golden_example_scrape(clean_file):
    """The scrape the project began from, checked by its defining properties too."""
    [article], _, _ = clean_file(GOLDEN, "express-video-consent-source.input.txt")
    assert article["title"] == "Putin begs for talks as Russian troops humiliatingly outfought – delegation in Belarus"
    assert article["text"].startswith("Minister of Defence of Ukraine Oleksii Reznikov has tweeted")
    assert article["text"].endswith("Turkish officials told local media that no decision had been made to do so.")
    assert article["language"] == "en"
    assert [r["rule"].split(".")[1] for r in article["removed"]] == ["video", "consent", "aggregator"]
    assert "\n\n" in article["text"] and "\n\n\n" not in article["text"]


def test_batches_follow_given_order_and_limits():
    paths = ["a.txt", "b.txt", "c.txt"]
    sizes = dict.fromkeys(paths, 10)
    assert [b.paths for b in split_batches(paths, sizes, Config(batch_files=2))] == [("a.txt", "b.txt"), ("c.txt",)]
    by_bytes = split_batches(paths, sizes, Config(batch_bytes=15))
    assert [b.paths for b in by_bytes] == [("a.txt",), ("b.txt",), ("c.txt",)]
    assert [b.index for b in by_bytes] == [0, 1, 2]


def test_a_bug_in_a_stage_becomes_an_internal_error_reject(monkeypatch, clean_file):
    def boom(doc):
        raise ZeroDivisionError("oops")

    monkeypatch.setattr("cleanpipe.pipeline.split_paragraphs", boom)
    articles, rejects, stats = clean_file(MIXED, "good.txt")
    assert articles == [] and stats.rejects == {reasons.INTERNAL_ERROR: 1}
    assert rejects[0]["detail"].startswith("ZeroDivisionError: oops (at test_pipeline.py:")


@pytest.mark.parametrize(
    "keep, drop, outcome",
    [((), (), "article"), (("en",), (), "article"), (("de", "fr"), (), reasons.UNWANTED_LANGUAGE),
     ((), ("en",), reasons.UNWANTED_LANGUAGE)],
)
def test_language_filter(clean_file, keep, drop, outcome):
    articles, rejects, _ = clean_file(MIXED, "good.txt", Config(keep_languages=keep, drop_languages=drop))
    assert (articles[0]["language"] if articles else rejects[0]["reason"]) == ("en" if outcome == "article" else outcome)


def test_disabled_family_keeps_its_junk(clean_file):
    [kept], _, _ = clean_file(MIXED, "good.txt", Config(disabled_families=("aggregator",)))
    [stripped], _, _ = clean_file(MIXED, "good.txt", Config())
    assert kept["text"].endswith("Source: Read Full Article") and not stripped["text"].endswith("Read Full Article")
    assert all(r["rule"].split(".")[1] != "aggregator" for r in kept["removed"])


PAYWALL_LEFT = [  # what a paywall leaves once its buttons' chrome words are cut: one sentence of pitch among links
    "Offre découverte : 1 € le premier mois, puis 7,90 € par mois. Résiliable à tout moment.",
    "Déjà abonné ? Se connecter",
    "Voir toutes nos offres",
    "Retour à l'accueil",
]
BRIEF = [  # a news brief of three short sentences, just over min_chars
    "Police closed the coast road at Harwick on Monday morning after a lorry shed its load of timber.",
    "No one was hurt. The road reopened shortly after noon, the county council said.",
    "Drivers were asked to avoid the area.",
]


def test_a_pitch_among_buttons_is_boilerplate_only_but_a_short_brief_is_an_article():
    config = Config()
    problem = body_problem(PAYWALL_LEFT * 2, True, 100, config.min_sentence_words, config.min_prose_words)
    assert problem is not None and problem[0] == reasons.BOILERPLATE_ONLY
    assert body_problem(BRIEF, True, 100, config.min_sentence_words, config.min_prose_words) is None
    # the check is off at 0, and a body with min_prose_words in sentences is kept whatever else it holds
    assert body_problem(PAYWALL_LEFT * 2, True, 100, config.min_sentence_words, 0) is None
    assert body_problem(PAYWALL_LEFT * 2 + BRIEF, True, 100, config.min_sentence_words, config.min_prose_words) is None


def test_a_page_not_found_scrape_is_a_boilerplate_only_reject(clean_file):
    """A "page not found" is one sentence of apology among links (one sentence was enough before
    min_prose_words): a reject, not an article."""
    articles, rejects, _ = clean_file(FIXTURES / "walls", "page-not-found.txt")
    assert articles == []
    assert [r["reason"] for r in rejects] == [reasons.BOILERPLATE_ONLY]


def test_a_run_is_split_into_min_batches_of_64_files_or_more():
    paths = [f"{n:05d}.txt" for n in range(3000)]
    sizes = dict.fromkeys(paths, 10)
    assert [len(b.paths) for b in split_batches(paths, sizes, Config())] == [375] * 8  # not 1024, 1024, 952
    ten_thousand = [f"{n:05d}.txt" for n in range(10000)]
    assert [len(b.paths) for b in split_batches(ten_thousand, dict.fromkeys(ten_thousand, 10), Config())][:2] == [1024, 1024]
    assert [len(b.paths) for b in split_batches(paths[:200], sizes, Config())] == [64, 64, 64, 8]  # never under 64 by this
    assert len(split_batches(paths, sizes, Config(min_batches=1))) == 3  # batch_files alone


@pytest.mark.parametrize("name", ["ja-news.txt", "zh-news.txt"])
def test_a_story_in_a_script_without_spaces_is_an_article_not_boilerplate_only(clean_file, name):
    """Counting spaces saw one word in each Chinese or Japanese paragraph, and every such story
    was rejected as boilerplate only ("no paragraph reads as a sentence of 8+ words")."""
    articles, rejects, _ = clean_file(FIXTURES / "unspaced", name)
    assert rejects == []
    assert [a["source"] for a in articles] == [name]
    assert articles[0]["text"].endswith("。")


@pytest.mark.parametrize("name, language", [("zh-brief.txt", "zh-cn"), ("ja-brief.txt", "ja")])
def test_a_three_sentence_chinese_or_japanese_brief_is_long_enough(clean_file, name, language):
    """80 characters of Chinese or Japanese say what 240 letters do: min_chars counts each three times."""
    articles, rejects, _ = clean_file(FIXTURES / "unspaced", name)
    assert rejects == [] and [(a["source"], a["language"]) for a in articles] == [(name, language)]
    assert len(articles[0]["text"]) < Config().min_chars


def test_a_single_chinese_line_is_still_too_short():
    config = Config()
    line = ["市政府十五日宣布老桥下月起封闭维修。"]  # 17 characters and a full stop: 52 weighted
    problem = body_problem(line, False, config.min_chars, config.min_sentence_words, config.min_prose_words)
    assert problem == (reasons.TOO_SHORT, f"18 characters (52 counting a Chinese or Japanese character as 3)"
                                          f" after cleaning < {config.min_chars}")
