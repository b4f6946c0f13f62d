"""Scoring against a gold set: tiny hand-made cases, and the dev set through the real pipeline."""

import importlib.util
import json

import pytest

from cleanpipe.cli import main
from cleanpipe.config import Config
from cleanpipe.evaluate import GoldError, load_gold, load_output, missed_goals, score
from cleanpipe.ingest import run

from conftest import TESTS

DEVSET = TESTS / "devset"


def write_gold(path, documents):
    path.write_text("".join(json.dumps(d, ensure_ascii=False) + "\n" for d in documents), "utf-8")
    return path


def write_output(folder, records):
    (folder / "articles").mkdir(parents=True, exist_ok=True)
    lines = [json.dumps({"title": None, "language": "en", **r}, ensure_ascii=False) for r in records]
    (folder / "articles" / "part-00000.jsonl").write_text("\n".join(lines) + "\n", "utf-8")
    return folder


GOLD = [
    {"source": "a.txt", "title": "Bridge to close", "language": "en", "paragraphs": [
        {"text": "Play Video", "label": "boilerplate", "family": "video"},
        {"text": "The bridge closes on Monday.", "label": "content"},
        {"text": "Crews at work (Image: Getty)", "label": "content", "clean": "Crews at work",
         "fragments": [{"text": "(Image: Getty)", "family": "credit"}]},
        {"text": "Credit card borrowing rose.", "label": "trap", "family": "credit"},
    ]},
    {"source": "b.txt", "title": "Rovers win", "language": "en", "paragraphs": [
        {"text": "Rovers won 2-1.", "label": "content"},
        {"text": "Advertisement", "label": "boilerplate", "family": "share"},
    ]},
]


def test_a_perfect_output_scores_one_everywhere(tmp_path):
    out = write_output(tmp_path, [
        {"source": "a.txt", "title": "Bridge to close",
         "text": "The bridge closes on Monday.\n\nCrews at work\n\nCredit card borrowing rose."},
        {"source": "b.txt", "title": "Rovers win", "text": "Rovers won 2-1."},
    ])
    report = score(GOLD, load_output(out))
    assert {name: m["rate"] for name, m in report["overall"].items()} == {
        "boilerplate_removed": 1.0, "content_recall": 1.0, "exact_documents": 1.0,
        "language_accuracy": 1.0, "title_accuracy": 1.0, "traps_kept": 1.0}
    assert report["overall"]["boilerplate_removed"]["total"] == 3  # two lines and one fragment
    assert report["documents"] == []
    assert missed_goals(report) == []


def test_junk_left_traps_lost_and_metadata_are_counted(tmp_path):
    out = write_output(tmp_path, [
        # the fragment stayed, the trap went, the video label stayed, wrong language
        {"source": "a.txt", "title": "Bridge to close", "language": "de",
         "text": "Play Video\n\nThe bridge closes on Monday.\n\nCrews at work (Image: Getty)"},
        # a trimmed remnant of a junk line is still junk; the title is wrong
        {"source": "b.txt", "title": "Rovers", "text": "Rovers won 2-1.\n\nAdvert"},
    ])
    report = score(GOLD, load_output(out))
    overall = report["overall"]
    assert (overall["boilerplate_removed"]["hit"], overall["boilerplate_removed"]["total"]) == (0, 3)
    assert (overall["content_recall"]["hit"], overall["content_recall"]["total"]) == (2, 4)
    assert (overall["traps_kept"]["hit"], overall["traps_kept"]["total"]) == (0, 1)
    assert overall["exact_documents"]["hit"] == 0
    assert overall["language_accuracy"]["hit"] == 1 and overall["title_accuracy"]["hit"] == 1
    assert report["by_family"]["credit"]["boilerplate_removed"]["rate"] == 0.0
    assert report["by_family"]["credit"]["traps_kept"]["rate"] == 0.0
    a = next(d for d in report["documents"] if d["source"] == "a.txt")
    assert a["lost"] == ["Crews at work", "Credit card borrowing rose."]
    assert a["left"] == ["[video] Play Video", "[credit] (Image: Getty)"]
    assert set(missed_goals(report)) == {
        "content_recall 0.5000 < 0.995", "boilerplate_removed 0.0000 < 0.98",
        "traps_kept 0.0000 < 1.0", "exact_documents 0.0000 < 0.9", "language_accuracy 0.5000 < 1.0"}


def test_a_document_missing_from_the_output_loses_its_content(tmp_path):
    report = score(GOLD, load_output(write_output(tmp_path, [{"source": "b.txt", "title": "Rovers win", "text": "Rovers won 2-1."}])))
    assert report["documents_missing"] == 1
    assert report["overall"]["content_recall"]["hit"] == 1
    assert report["overall"]["exact_documents"]["hit"] == 1


def test_content_that_repeats_must_be_kept_as_often_as_it_occurs(tmp_path):
    gold = [{"source": "c.txt", "title": None, "paragraphs": [
        {"text": "Yes.", "label": "content"}, {"text": "Yes.", "label": "content"}]}]
    report = score(gold, load_output(write_output(tmp_path, [{"source": "c.txt", "text": "Yes."}])))
    assert report["overall"]["content_recall"]["hit"] == 1
    assert "language_accuracy" not in report["overall"]  # the gold did not say


@pytest.mark.parametrize("line, message", [
    ("not json", "not JSON"),
    ('{"paragraphs": []}', "string 'source'"),
    ('{"source": "a", "paragraphs": [{"text": "x", "label": "junk"}]}', "'label' must be"),
    ('{"source": "a", "paragraphs": [{"text": "x", "label": "trap"}]}', "needs a 'family'"),
    ('{"source": "a", "paragraphs": [{"text": "x", "label": "content", "fragments": [{"text": "y"}]}]}', "fragment"),
])
def test_a_malformed_gold_line_is_refused_with_its_line_number(tmp_path, line, message):
    path = tmp_path / "gold.jsonl"
    path.write_text('{"source": "ok", "paragraphs": []}\n' + line + "\n", "utf-8")
    with pytest.raises(GoldError, match=rf"gold.jsonl:2: .*{message}"):
        load_gold(path)


@pytest.mark.parametrize("folder", [DEVSET, TESTS / "heldout", TESTS / "heldout2", *(TESTS / f"tuneset{n}" for n in ("", 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12))],
                         ids=["devset", "heldout", "heldout2", "tuneset", "tuneset2", "tuneset3", "tuneset4", "tuneset5", "tuneset6",
                              "tuneset7", "tuneset8", "tuneset9", "tuneset10", "tuneset11", "tuneset12"])
def test_set_sources_build_the_committed_raw_files_and_gold(folder):
    spec = importlib.util.spec_from_file_location("devset_build", DEVSET / "build.py")
    build = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(build)
    raws, gold = build.build(folder)
    assert (folder / "gold.jsonl").read_text("utf-8") == gold
    committed = {p.relative_to(folder / "raw").as_posix() for p in (folder / "raw").rglob("*.txt")}
    assert committed == set(raws)
    for relative, text in raws.items():
        assert (folder / "raw" / relative).read_text("utf-8") == text


@pytest.fixture(scope="module")
def devset_output(tmp_path_factory):
    out = tmp_path_factory.mktemp("devset-clean")
    run(DEVSET / "raw", out, Config(), run_id="devset")
    return out


def test_devset_through_the_pipeline_meets_the_held_out_goals(devset_output):
    gold = load_gold(DEVSET / "gold.jsonl")
    report = score(gold, load_output(devset_output))
    assert report["documents_missing"] == 0
    assert missed_goals(report) == [], report["documents"]
    assert report["overall"]["title_accuracy"]["rate"] == 1.0
    assert report["overall"]["language_accuracy"]["rate"] == 1.0
    # the set covers every family and every shipped language, traps included
    assert set(report["by_language"]) == set(Config().languages)
    assert set(report["by_family"]) == {"aggregator", "consent", "credit", "share", "video"}
    for family, measures in report["by_family"].items():
        assert measures["boilerplate_removed"]["total"] >= 5, family
        assert measures["traps_kept"]["rate"] == 1.0, family


def test_eval_command_prints_the_scores_and_checks_the_goals(devset_output, tmp_path, capsys):
    assert main(["eval", str(DEVSET / "gold.jsonl"), str(devset_output), "--goals"]) == 0
    printed = capsys.readouterr().out
    assert "content_recall" in printed and "by family:" in printed
    empty = tmp_path / "empty"
    empty.mkdir()
    assert main(["eval", str(DEVSET / "gold.jsonl"), str(empty), "--goals"]) == 1
    assert "goal missed: content_recall 0.0000" in capsys.readouterr().err
    assert main(["eval", str(DEVSET / "gold.jsonl"), str(devset_output), "--json"]) == 0
    assert json.loads(capsys.readouterr().out)["documents_scored"] == len(load_gold(DEVSET / "gold.jsonl"))
    bad = tmp_path / "bad.jsonl"
    bad.write_text("[]\n", "utf-8")
    assert main(["eval", str(bad), str(devset_output)]) == 2

