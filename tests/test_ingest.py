"""Runs over folders: every input in one place, accounting, determinism, incremental runs,
duplicates, the lock, and crash safety under kill -9."""

import numpy as np
import json
import os
import shutil
import signal
import subprocess
import sys
import time
from importlib import resources

import jsonschema
import pytest

from cleanpipe import reasons
from cleanpipe.config import Config
from cleanpipe.errors import AbortRun
from cleanpipe.ingest import committed_generation, load_ledger, run, run_lock

from conftest import FIXTURES, TESTS

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

STORY = (
    "The {place} harbour swing bridge will close to all traffic from Monday while engineers replace "
    "the corroded bearings that have kept it stuck half-open twice this winter. The council said the "
    "work, costing {cost} million pounds, could not wait until the autumn because a further failure "
    "would leave the bridge jammed during the summer season, when thousands of vehicles cross it."
)


def read_parts(folder):
    return [json.loads(line) for part in sorted(folder.glob("part-*.jsonl")) for line in part.read_text("utf-8").splitlines()]


def part_bytes(clean):
    return {p.relative_to(clean).as_posix(): p.read_bytes() for p in sorted(clean.glob("*/part-*.jsonl"))}


def schema(name):
    return json.loads((resources.files("cleanpipe") / "schema" / f"{name}.schema.json").read_text("utf-8"))


def add_up(summary):
    return summary["articles"] + summary["rejected"] + summary["duplicates"] + summary["skipped_unchanged"]


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
    assert summary["inputs_seen"] == len(EXPECTED_OUTCOME) == add_up(summary)
    assert summary["rejected"] == sum(summary["rejects"].values())
    assert summary["rejects"][reasons.MALFORMED_JSON] == 1
    assert json.loads((clean / "runs" / "test.json").read_text()) == summary
    assert summary["parts"] == sorted(part_bytes(clean))
    ledger = load_ledger(clean)
    assert sum(e["inputs"] for e in ledger.values()) == len(EXPECTED_OUTCOME)
    assert ledger["feed.jsonl"]["inputs"] == 3


def test_summary_says_where_the_run_time_went(tmp_path):
    before = time.time()
    summary = run(MIXED, tmp_path, Config(batch_files=4))
    after = time.time()
    phases = summary["phase_seconds"]
    assert list(phases) == ["plan", "batches", "duplicates", "commit"]
    assert all(seconds >= 0 for seconds in phases.values()) and phases["batches"] > 0
    # plan and batches split the seconds before the commit; the commit's two follow
    assert phases["plan"] + phases["batches"] == pytest.approx(summary["seconds"], abs=0.005)  # each rounded to ms
    assert before <= summary["finished_at"] <= after
    again = run(MIXED, tmp_path, Config())  # nothing to do: nothing to commit, the phases still add up
    assert again["phase_seconds"]["duplicates"] == 0 and set(again["phase_seconds"]) == set(phases)


def test_same_tree_gives_byte_identical_output_whatever_the_batching(tmp_path):
    run(MIXED, tmp_path / "a", Config(batch_files=3))
    run(MIXED, tmp_path / "b", Config(batch_files=3))
    assert part_bytes(tmp_path / "a") == part_bytes(tmp_path / "b")
    run(MIXED, tmp_path / "c", Config(batch_files=100))
    records = lambda clean: sorted(read_parts(clean / "articles"), key=lambda r: r["source"])  # noqa: E731
    assert records(tmp_path / "a") == records(tmp_path / "c")


def test_unchanged_tree_is_a_no_op(tmp_path):
    raw, clean = tmp_path / "raw", tmp_path / "clean"
    shutil.copytree(MIXED, raw)
    run(raw, clean, Config())
    before = part_bytes(clean)
    again = run(raw, clean, Config())
    assert (again["inputs_seen"], again["skipped_unchanged"], again["articles"]) == (12, 12, 0)
    assert again["parts"] == [] and committed_generation(clean) == 1
    assert part_bytes(clean) == before


def test_touched_but_unchanged_file_is_not_reprocessed(tmp_path):
    raw, clean = tmp_path / "raw", tmp_path / "clean"
    shutil.copytree(MIXED, raw)
    run(raw, clean, Config())
    os.utime(raw / "good.txt", ns=(1, 1))
    summary = run(raw, clean, Config())
    assert summary["skipped_unchanged"] == 12 and summary["articles"] == 0
    assert load_ledger(clean)["good.txt"]["mtime_ns"] == 1
    assert run(raw, clean, Config())["skipped_unchanged_files"] == 10  # the new stamp is known


def test_new_and_changed_files_only_and_the_later_part_supersedes(tmp_path):
    raw, clean = tmp_path / "raw", tmp_path / "clean"
    shutil.copytree(MIXED, raw)
    run(raw, clean, Config())
    (raw / "good.txt").write_text("Bridge reopens\n\n" + STORY.format(place="Old", cost="2.4") + "\n", "utf-8")
    (raw / "new.txt").write_text("Ferry fares\n\n" + STORY.format(place="Ferry", cost="9").replace("bridge", "ferry").replace("bearings", "engines")[::-1] + "\n", "utf-8")
    summary = run(raw, clean, Config())
    assert summary["generation"] == 2
    assert summary["skipped_unchanged"] == 11 and summary["inputs_seen"] == 13 == add_up(summary)
    versions = [r for r in read_parts(clean / "articles") if r["source"] == "good.txt"]
    assert [v["title"] for v in versions] == ["Harbour bridge to close for repairs", "Bridge reopens"]
    assert sorted(part_bytes(clean))[-1].startswith("rejects/part-00002-") or sorted(part_bytes(clean))[-2].startswith("articles/part-00002-")
    assert load_ledger(clean)["good.txt"]["generation"] == 2


def test_exact_and_near_duplicates_across_runs_keep_the_first(tmp_path):
    raw, clean = tmp_path / "raw", tmp_path / "clean"
    raw.mkdir()
    # a news-length story (~250 words): near duplicates are judged on shingles, so length matters
    original = "\n\n".join(STORY.format(place=p, cost=c) for p, c in [("Kingsport", "2.4"), ("Eastbay", "3"), ("Northwick", "1.1"), ("Hollow", "7")])
    (raw / "a-original.txt").write_text(f"Bridge to close\n\n{original}\n", "utf-8")
    (raw / "b-copy.txt").write_text(f"BRIDGE TO CLOSE!\n\n{original.upper()}\n\nSource: Read Full Article\n", "utf-8")
    (raw / "c-other.txt").write_text("Ferry\n\n" + " ".join(reversed(original.split())) + "\n", "utf-8")
    first = run(raw, clean, Config())
    assert (first["articles"], first["duplicates"]) == (2, 1)
    assert first["inputs_seen"] == add_up(first) == 3
    edited = original.replace("twice this winter", "two times this winter", 1) + " A spokesman declined to comment."
    (raw / "d-later-near-copy.txt").write_text(f"Bridge shut\n\n{edited}\n", "utf-8")
    second = run(raw, clean, Config())
    assert (second["articles"], second["duplicates"], second["skipped_unchanged"]) == (0, 1, 3)
    rejects = {r["source"]: r for r in read_parts(clean / "rejects")}
    kept_id = {r["source"]: r["id"] for r in read_parts(clean / "articles")}["a-original.txt"]
    assert rejects["b-copy.txt"]["reason"] == reasons.DUPLICATE
    assert rejects["b-copy.txt"]["duplicate_of"] == kept_id and rejects["b-copy.txt"]["detail"].startswith("exact")
    assert rejects["d-later-near-copy.txt"]["duplicate_of"] == kept_id
    assert rejects["d-later-near-copy.txt"]["detail"].startswith("near")
    for record in rejects.values():
        jsonschema.validate(record, schema("reject"))


def test_one_run_at_a_time(tmp_path):
    with run_lock(tmp_path):
        with pytest.raises(AbortRun, match=f"pid {os.getpid()}"):
            run(MIXED, tmp_path, Config())
    assert run(MIXED, tmp_path, Config())["articles"] == 5  # released on exit


def test_missing_raw_folder_aborts(tmp_path):
    with pytest.raises(AbortRun, match="raw folder not found"):
        run(tmp_path / "nope", tmp_path / "clean", Config())


# --- crash safety -------------------------------------------------------------------

def _crash_tree(folder):
    """40 small inputs, one batch each, so a run passes through many observable steps."""
    folder.mkdir()
    shutil.copytree(MIXED, folder / "mixed")
    for n in range(30):
        story = STORY.format(place=f"Port {n}", cost=n) + f" Story number {n} has its own ending, {n * 7} words long."
        (folder / f"story-{n:02d}.txt").write_text(f"Story {n}\n\n{' '.join(reversed(story.split())) if n % 2 else story}\n", "utf-8")
    (folder / "story-dup.txt").write_text("Copy\n\n" + STORY.format(place="Port 0", cost=0) + " Story number 0 has its own ending, 0 words long.\n", "utf-8")


def _cleanpipe(raw, clean, crash_at=0):
    """A real `cleanpipe run` subprocess; with crash_at=N it kill -9s itself at its Nth rename."""
    cmd = [sys.executable, str(TESTS / "crash_run.py"), "run", str(raw), str(clean), "--no-prefect", "--batch-files", "1"]
    env = {**os.environ, "CRASH_AT_REPLACE": str(crash_at)}
    return subprocess.run(cmd, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True, timeout=180)


@pytest.fixture(scope="module")
def crash_raw(tmp_path_factory):
    raw = tmp_path_factory.mktemp("crash") / "raw"
    _crash_tree(raw)
    reference = raw.parent / "reference"
    done = _cleanpipe(raw, reference)
    assert done.returncode == 0, done.stderr
    renames = int(done.stderr.split("renames ")[-1])
    return raw, part_bytes(reference), renames


# Kill points as fractions of the run's renames: the plan, staging batches, writing final
# parts, the segments and HEAD (the last renames), and the summary written after HEAD.
@pytest.mark.parametrize("fraction", [0.0, 0.2, 0.45, 0.8, 0.9, 0.96, 1.0])
def test_kill_9_then_rerun_equals_one_uninterrupted_run(crash_raw, tmp_path, fraction):
    raw, reference, renames = crash_raw
    clean = tmp_path / "clean"
    crash_at = max(1, round(fraction * renames))
    victim = _cleanpipe(raw, clean, crash_at=crash_at)
    assert victim.returncode == -signal.SIGKILL, f"not killed at rename {crash_at} of {renames}"
    rerun = _cleanpipe(raw, clean)
    assert rerun.returncode == 0, rerun.stderr
    assert part_bytes(clean) == reference
    for part in clean.glob("*/part-*.jsonl"):
        for line in part.read_bytes().splitlines():
            json.loads(line)  # no partial line
    assert not list(clean.glob("**/.*.tmp*")) and not (clean / "state" / "plan.json").exists()
    summary = json.loads(sorted((clean / "runs").glob("*.json"))[-1].read_text())
    assert summary["inputs_seen"] == add_up(summary)
    assert sum(e["inputs"] for e in load_ledger(clean).values()) == summary["inputs_seen"]


def test_an_edited_input_is_not_a_duplicate_of_its_own_earlier_version(tmp_path):
    raw, clean = tmp_path / "raw", tmp_path / "clean"
    raw.mkdir()
    story = "\n\n".join(STORY.format(place=p, cost=c) for p, c in [("Kingsport", "2.4"), ("Eastbay", "3"), ("Northwick", "1.1")])
    (raw / "story.txt").write_text(f"Bridge to close\n\n{story}\n", "utf-8")
    run(raw, clean, Config())
    (raw / "story.txt").write_text(f"Bridge to close\n\n{story.replace('Monday', 'Tuesday', 1)}\n", "utf-8")
    second = run(raw, clean, Config())
    assert (second["articles"], second["duplicates"]) == (1, 0)
    (raw / "copy.txt").write_text(f"Copy\n\n{story.replace('Monday', 'Tuesday', 1)}\n", "utf-8")
    third = run(raw, clean, Config())
    assert (third["articles"], third["duplicates"]) == (0, 1)  # the copy still is one


def test_a_retried_commit_after_the_commit_point_is_safe(tmp_path, monkeypatch):
    from cleanpipe import ingest
    from cleanpipe.errors import RetryIO

    raw, clean = tmp_path / "raw", tmp_path / "clean"
    shutil.copytree(MIXED, raw)
    config = Config()
    plan = ingest.prepare_run(raw, clean, config)
    stats = sum((ingest.run_batch(raw, clean, plan.generation, b, config) for b in plan.batches), ingest.Stats())
    real_write_json = ingest.write_json

    def summary_write_fails(path, value):
        if "runs" in str(path):
            raise RetryIO("disk full")
        return real_write_json(path, value)

    monkeypatch.setattr(ingest, "write_json", summary_write_fails)
    with pytest.raises(RetryIO):
        ingest.commit_run(clean, plan, stats, config, "r1", 1.0)
    assert committed_generation(clean) == 1
    monkeypatch.setattr(ingest, "write_json", real_write_json)
    summary = ingest.commit_run(clean, plan, stats, config, "r1", 1.0)
    assert (summary["articles"], summary["inputs_seen"]) == (5, 12)
    assert not (clean / "state" / "plan.json").exists()


def test_a_batch_staged_before_labels_were_keyed_has_no_label_keys(tmp_path):
    """A run resumed on parts staged by an older version commits them without label repeats."""
    from cleanpipe.ingest import _label_keys
    np.savez(tmp_path / "old.npz", paragraph_keys=np.array([5, 7], np.int64))
    np.savez(tmp_path / "new.npz", paragraph_keys=np.array([5, 7], np.int64), label_keys=np.array([0, 9], np.int64))
    with np.load(tmp_path / "old.npz") as old, np.load(tmp_path / "new.npz") as new:
        assert _label_keys(old).tolist() == [0, 0] and _label_keys(new).tolist() == [0, 9]
