"""The whole pipeline: golden documents, every bad input's reason, accounting, determinism."""

import json
import shutil

import jsonschema
import pytest
from importlib import resources

from cleanpipe import reasons
from cleanpipe.config import Config
from cleanpipe.errors import AbortRun
from cleanpipe.pipeline import plan_batches, run

from conftest import FIXTURES, GOLDEN

MIXED = FIXTURES / "raw_mixed"

# What each fixture file must become: an article, or a reject with this reason.
EXPECTED_OUTCOME = {
    "binary.txt": reasons.BINARY,
    "broken.txt.gz": reasons.TRUNCATED,
    "empty.txt": reasons.EMPTY,
    "feed.jsonl#1": "article",
    "feed.jsonl#2": reasons.MALFORMED_JSON,
    "feed.jsonl#3": reasons.MISSING_TEXT,
    "good.txt": "article",
    "legacy-cp1252.txt": "article",
    "mojibake.txt": "article",
    "notes.md": reasons.UNSUPPORTED,
    "page.html": "article",
    "short.txt": reasons.TOO_SHORT,
}


def read_parts(folder):
    return [json.loads(line) for part in sorted(folder.glob("part-*.jsonl")) for line in part.read_text("utf-8").splitlines()]


def schema(name):
    return json.loads((resources.files("cleanpipe") / "schema" / f"{name}.schema.json").read_text("utf-8"))


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


@pytest.fixture(scope="module")
def mixed_run(tmp_path_factory):
    clean = tmp_path_factory.mktemp("clean")
    summary = run(MIXED, clean, Config(batch_files=4), run_id="test")
    return clean, summary


def test_every_input_ends_in_exactly_one_place(mixed_run):
    clean, _ = mixed_run
    articles, rejects = read_parts(clean / "articles"), read_parts(clean / "rejects")
    outcomes = {a["source"]: "article" for a in articles}
    for r in rejects:
        assert r["source"] not in outcomes, f"{r['source']} written twice"
        outcomes[r["source"]] = r["reason"]
    assert outcomes == EXPECTED_OUTCOME
    assert len(articles) + len(rejects) == len(EXPECTED_OUTCOME)


def test_records_match_the_published_schemas(mixed_run):
    clean, _ = mixed_run
    for record in read_parts(clean / "articles"):
        jsonschema.validate(record, schema("article"))
    for record in read_parts(clean / "rejects"):
        jsonschema.validate(record, schema("reject"))


def test_repairs_show_in_the_output(mixed_run):
    clean, _ = mixed_run
    by_source = {a["source"]: a for a in read_parts(clean / "articles")}
    assert "The town’s café owners – and the crêperie" in by_source["legacy-cp1252.txt"]["text"]
    assert "didn’t say when the “new plan” would start" in by_source["mojibake.txt"]["text"]
    page = by_source["page.html"]
    assert page["title"] == "Harbour bridge to close for six weeks of repairs"
    assert page["url"] == "https://coastal-gazette.example/news/harbour-bridge-repairs"
    assert page["published"] == "2024-03-12"
    assert "costing £2.4 million" in page["text"]
    assert {r["rule"] for r in page["removed"]} >= {"en.consent.signup-consent", "en.aggregator.read-more-teaser"}
    feed = by_source["feed.jsonl#1"]
    assert (feed["source_id"], feed["url"], feed["published"]) == ("w1", "https://wire.example/1", "2024-05-02")


def test_summary_counts_add_up(mixed_run):
    clean, summary = mixed_run
    assert summary["inputs"] == len(EXPECTED_OUTCOME)
    assert summary["inputs"] == summary["articles"] + summary["rejected"]
    assert summary["rejected"] == sum(summary["rejects"].values())
    assert summary["rejects"][reasons.MALFORMED_JSON] == 1
    assert json.loads((clean / "runs" / "test.json").read_text()) == summary
    written = sorted(p.relative_to(clean).as_posix() for p in clean.glob("*/part-*.jsonl"))
    assert summary["parts"] == written


def test_same_input_gives_byte_identical_output(tmp_path):
    first, second = tmp_path / "a", tmp_path / "b"
    run(MIXED, first, Config(batch_files=3))
    run(MIXED, second, Config(batch_files=3))
    for folder in ("articles", "rejects"):
        names = sorted(p.name for p in (first / folder).iterdir())
        assert names == sorted(p.name for p in (second / folder).iterdir())
        for name in names:
            assert (first / folder / name).read_bytes() == (second / folder / name).read_bytes()


def test_rerun_over_a_smaller_tree_removes_stale_parts(tmp_path):
    raw, clean = tmp_path / "raw", tmp_path / "clean"
    shutil.copytree(MIXED, raw)
    run(raw, clean, Config(batch_files=2))
    for path in sorted(raw.iterdir())[4:]:
        path.unlink()
    summary = run(raw, clean, Config(batch_files=2))
    assert summary["inputs"] == len(read_parts(clean / "articles")) + len(read_parts(clean / "rejects"))


def test_batches_follow_sorted_order_and_limits(tmp_path):
    for name in ["c.txt", "a.txt", "b.txt"]:
        (tmp_path / name).write_bytes(b"x" * 10)
    batches = plan_batches(tmp_path, Config(batch_files=2))
    assert [b.paths for b in batches] == [("a.txt", "b.txt"), ("c.txt",)]
    by_bytes = plan_batches(tmp_path, Config(batch_bytes=15))
    assert [b.paths for b in by_bytes] == [("a.txt",), ("b.txt",), ("c.txt",)]
    assert [b.index for b in by_bytes] == [0, 1, 2]


def test_missing_raw_folder_aborts(tmp_path):
    with pytest.raises(AbortRun, match="raw folder not found"):
        run(tmp_path / "nope", tmp_path / "clean", Config())


def test_a_bug_in_a_stage_becomes_an_internal_error_reject(monkeypatch, tmp_path):
    def boom(doc):
        raise ZeroDivisionError("oops")

    monkeypatch.setattr("cleanpipe.pipeline.split_paragraphs", boom)
    summary = run(MIXED, tmp_path, Config())
    assert summary["articles"] == 0
    reaching_split = [s for s, o in EXPECTED_OUTCOME.items() if o in ("article", reasons.TOO_SHORT)]
    assert summary["rejects"][reasons.INTERNAL_ERROR] == len(reaching_split)
    [detail] = {r["detail"] for r in read_parts(tmp_path / "rejects") if r["reason"] == reasons.INTERNAL_ERROR}
    assert detail.startswith("ZeroDivisionError: oops")
