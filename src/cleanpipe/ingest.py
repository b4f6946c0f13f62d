"""Incremental, crash-safe, exactly-once runs: ledger, plan, staged batches, one commit.

A run over ``clean/`` goes through four steps, each safe to interrupt (``kill -9`` included):

1. **lock**: ``clean/.lock`` (an advisory ``flock``, released by the OS if the process dies)
   keeps a second run from interleaving.
2. **plan**: the raw tree is compared with the ledger; new and changed files are batched and
   the plan is written to ``clean/state/plan.json``. An unfinished plan from a run that died
   is resumed as it is, so the rerun does exactly the work the dead run set out to do.
3. **batches**: each batch is cleaned into ``clean/staging/g<G>/``; its ``.done.json``
   marker is written last, so a batch is either wholly staged or redone.
4. **commit**: in batch order, staged articles are checked for duplicates against everything
   kept before (this run and earlier ones), and the final parts
   ``articles/part-<G>-<B>.jsonl`` and ``rejects/part-<G>-<B>.jsonl`` are written; then the
   generation's duplicate index and ledger segments; last, ``state/HEAD`` is replaced by
   ``G``. That rename is the commit point: segments and parts of a generation above HEAD
   belong to an unfinished commit and are rewritten, byte for byte, when it is resumed.

Records of a changed input carry the same ``id`` in a later generation's part; part names
sort by generation, so the record in the last part wins (see the README).

Raw and clean locations may be fsspec URLs (``s3://``, ``gs://``): raw objects are listed and
streamed in place, and a remote clean location is worked on in a local folder whose state is
pulled first and published at the end, HEAD last (:mod:`cleanpipe.storage`).
"""

import fcntl
import functools
import math
import os
import shutil
import time
from datetime import datetime, timezone
from collections import Counter
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field, replace
from pathlib import Path

import numpy as np
import orjson

from cleanpipe import reasons
from cleanpipe.config import Config
from cleanpipe.dedupe import DuplicateIndex, fingerprint
from cleanpipe.errors import AbortRun, RetryIO
from cleanpipe.lexicon import has_consent_word
from cleanpipe.pipeline import Batch, body_problem, build_stages, iter_articles, lexicon_for, rules_for, split_batches
from cleanpipe.repeats import (SOURCE_REPEAT, RepeatCounts, group_key, label_keys, paragraph_keys, source_group,
                               strip_repeats)
from cleanpipe.progress import Progress
from cleanpipe.read import discover, read_inputs
from cleanpipe.stats import Stats
from cleanpipe.storage import (ARTICLES_DIR, HEAD_FILE, LOCK_FILE, PLAN_FILE, REJECTS_DIR, RUNS_DIR, STAGING_DIR,
                               STATE_DIR, Workspace, is_remote, local_path, open_workspace, raw_path,
                               remote_raw_files, sha256_of)
from cleanpipe.write import write_json, write_jsonl


# --- lock ---------------------------------------------------------------------------

@contextmanager
def run_lock(clean_dir: str | Path) -> Iterator[None]:
    """Hold ``clean/.lock`` for the duration of a run.

    Raises:
        AbortRun: another run holds the lock (its pid is in the message).
    """
    root = Path(clean_dir)
    root.mkdir(parents=True, exist_ok=True)
    handle = open(root / LOCK_FILE, "a+")
    try:
        try:
            fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            handle.seek(0)
            holder = handle.read().strip() or "?"
            raise AbortRun(f"another cleanpipe run (pid {holder}) is writing to {root}; try again when it ends") from None
        handle.seek(0)
        handle.truncate()
        handle.write(str(os.getpid()))
        handle.flush()
        yield
    finally:
        handle.close()  # closing releases the lock


# --- ledger -------------------------------------------------------------------------

def committed_generation(clean_dir: str | Path) -> int:
    """The last committed generation (0 for a new output folder)."""
    try:
        return int((Path(clean_dir) / STATE_DIR / HEAD_FILE).read_text().strip())
    except FileNotFoundError:
        return 0


def load_ledger(clean_dir: str | Path) -> dict[str, dict]:
    """Every raw file processed so far: path -> {size, mtime_ns, sha256, inputs, generation, parts}."""
    state = Path(clean_dir) / STATE_DIR
    ledger: dict[str, dict] = {}
    for generation in range(1, committed_generation(clean_dir) + 1):
        path = state / f"ledger-{generation:05d}.jsonl"
        if path.exists():  # a generation that only touched mtimes may have none
            for line in path.read_bytes().splitlines():
                entry = orjson.loads(line)
                ledger[entry.pop("path")] = entry
    return ledger


def raw_files(raw_dir: str | Path) -> list[tuple[str, dict | None]]:
    """Every raw file, sorted, with its change stamp (None when it cannot be stat'ed).

    A folder's stamp is ``{size, mtime_ns}``; a remote object's adds its ``etag``
    (:func:`cleanpipe.storage.remote_raw_files`).

    Raises:
        AbortRun: ``raw_dir`` is not a folder (or the remote location does not exist).
    """
    if is_remote(raw_dir):
        return remote_raw_files(str(raw_dir))
    raw = local_path(raw_dir)
    if not raw.is_dir():
        raise AbortRun(f"raw folder not found: {raw_dir}")
    files = []
    for rel in discover(raw):
        try:
            stat = (raw / rel).stat()
        except OSError:
            files.append((rel, None))  # vanished or unreadable: reading it records why
            continue
        files.append((rel, {"size": stat.st_size, "mtime_ns": stat.st_mtime_ns}))
    return files


# --- plan ---------------------------------------------------------------------------

@dataclass(frozen=True)
class Plan:
    """What one generation does: its batches, the files they cover, what was left alone."""

    generation: int
    batches: tuple[Batch, ...]
    files: dict = field(default_factory=dict)  # path -> {size, mtime_ns, sha256} to (re)process or re-stamp
    unchanged_files: int = 0
    unchanged_inputs: int = 0
    seconds: float = field(default=0.0, compare=False)  # planning's wall time in this run; not in plan.json

    def to_json(self) -> dict:
        """A JSON-ready form for ``state/plan.json``."""
        return {
            "generation": self.generation,
            "batches": [{"index": b.index, "paths": list(b.paths)} for b in self.batches],
            "files": self.files,
            "unchanged_files": self.unchanged_files,
            "unchanged_inputs": self.unchanged_inputs,
        }

    @classmethod
    def from_json(cls, data: dict) -> "Plan":
        """Inverse of :meth:`to_json`."""
        batches = tuple(Batch(b["index"], tuple(b["paths"])) for b in data["batches"])
        return cls(data["generation"], batches, data["files"], data["unchanged_files"], data["unchanged_inputs"])


def prepare_run(raw_dir: str | Path, clean_dir: str | Path, config: Config) -> Plan:
    """Resume an unfinished plan, or plan the new and changed files of ``raw_dir``.

    A file whose size and modification time match the ledger is unchanged without being
    read; one whose stamp changed but whose SHA-256 did not is only re-stamped.

    Raises:
        AbortRun: ``raw_dir`` is not a folder (or a remote location that does not exist).
        RetryIO: the plan could not be written, or listing a remote location failed.
    """
    clean = Path(clean_dir)
    listing = raw_files(raw_dir)
    _remove_temporaries(clean)  # we hold the lock: any temporary is a dead writer's
    plan_path = clean / STATE_DIR / PLAN_FILE
    head = committed_generation(clean)
    if plan_path.exists():
        plan = Plan.from_json(orjson.loads(plan_path.read_bytes()))
        if plan.generation > head:
            return plan
        _clear_plan(clean, plan)  # committed before the crash; only tidying was left
    ledger = load_ledger(clean)
    pending, files, sizes = [], {}, {}
    unchanged_files = unchanged_inputs = 0
    for rel, stamp in listing:
        if stamp is None:
            pending.append(rel)
            continue
        known = ledger.get(rel)
        if known and all(known.get(key) == value for key, value in stamp.items()):
            unchanged_files += 1
            unchanged_inputs += known["inputs"]
            continue
        try:
            stamp["sha256"] = sha256_of(raw_path(raw_dir, rel))
        except OSError:
            pending.append(rel)
            continue
        files[rel] = stamp
        if known and known["sha256"] == stamp["sha256"]:
            unchanged_files += 1
            unchanged_inputs += known["inputs"]
            continue  # touched, not changed: re-stamped at commit
        pending.append(rel)
        sizes[rel] = stamp["size"]
    batches = tuple(split_batches(pending, sizes, config))
    plan = Plan(head + 1, batches, files, unchanged_files, unchanged_inputs)
    if batches or files:
        write_json(plan_path, plan.to_json())
    return plan


def work_bytes(plan: Plan) -> int:
    """Raw bytes the plan's batches read (a file of unknown size counts as 0)."""
    return sum(plan.files.get(rel, {}).get("size", 0) for batch in plan.batches for rel in batch.paths)


# --- batches ------------------------------------------------------------------------

def _staging(clean_dir: str | Path, generation: int) -> Path:
    """The staging folder of one generation."""
    return Path(clean_dir) / STAGING_DIR / f"g{generation:05d}"


def run_batch(raw_dir: str | Path, clean_dir: str | Path, generation: int, batch: Batch, config: Config) -> Stats:
    """Clean one batch into the staging folder; a batch staged before is not redone.

    Returns:
        The batch's stats.

    Raises:
        RetryIO: reading or writing failed in a way worth retrying.
    """
    stage_dir = _staging(clean_dir, generation)
    done = stage_dir / f"part-{batch.index:05d}.done.json"
    if done.exists():
        return Stats.from_dict(orjson.loads(done.read_bytes()))
    stats = Stats()
    items = (
        item
        for rel in batch.paths
        for item in read_inputs(raw_dir, rel, config.max_file_bytes, config.max_record_bytes)
    )
    repeat_keys, repeat_labels, origins, groups = [], [], [], []

    def paragraph_keys_of(doc) -> None:
        group = source_group(doc.source, doc.url)
        groups.append(group_key(group))
        repeat_keys.append(paragraph_keys(group, doc.paragraphs))
        repeat_labels.append(label_keys(group, doc.paragraphs))
        origins.append(doc.origins or list(range(len(doc.paragraphs))))

    rejects: list[dict] = []
    keys, signatures, ids = [], [], []

    def fingerprinted(records: Iterator[dict]) -> Iterator[dict]:
        """Each article record as it is cleaned, its duplicate fingerprint taken on the way."""
        for record in records:
            started = time.perf_counter()
            key, signature = fingerprint(record["text"], config.minhash_perm, config.shingle_words)
            stats.stage_seconds["dedupe-signature"] += time.perf_counter() - started
            keys.append(key)
            signatures.append(signature)
            ids.append(record["id"])
            yield record

    stem = stage_dir / f"part-{batch.index:05d}"
    # Articles go to the staged part as they are cleaned: a batch is never held whole.
    articles = iter_articles(items, build_stages(config), stats, rejects, on_article=paragraph_keys_of)
    write_jsonl(stem.with_suffix(".articles.jsonl"), fingerprinted(articles))
    write_jsonl(stem.with_suffix(".rejects.jsonl"), rejects)
    sigs = np.array(signatures, dtype=np.uint32).reshape(-1, config.minhash_perm)
    try:
        tmp = stem.with_suffix(".sigs.npz.tmp")
        with open(tmp, "wb") as handle:
            np.savez(handle, keys=np.array(keys, dtype=str), sigs=sigs,
                     ids=np.array(ids, dtype=str),
                     groups=np.array(groups, dtype=np.int64),
                     counts=np.array([len(k) for k in repeat_keys], dtype=np.int64),
                     paragraph_keys=np.array([k for ks in repeat_keys for k in ks], dtype=np.int64),
                     label_keys=np.array([k for ks in repeat_labels for k in ks], dtype=np.int64),
                     origins=np.array([o for os_ in origins for o in os_], dtype=np.int64))
        tmp.replace(stem.with_suffix(".sigs.npz"))
    except OSError as exc:
        raise RetryIO(f"writing {stem}.sigs.npz: {exc}") from exc
    write_json(done, stats.to_dict())  # last: the batch is staged only once this exists
    return stats


def _label_keys(staged) -> np.ndarray:
    """A staged batch's label keys; zeros for a batch staged before labels were keyed."""
    return staged["label_keys"] if "label_keys" in staged.files else np.zeros_like(staged["paragraph_keys"])


# --- commit -------------------------------------------------------------------------

def part_name(generation: int, index: int) -> str:
    """File name of a committed part."""
    return f"part-{generation:05d}-{index:05d}.jsonl"


def commit_run(clean_dir: str | Path, plan: Plan, stats: Stats, config: Config, run_id: str, seconds: float) -> dict:
    """Deduplicate staged batches, write the final parts, the ledger and HEAD; return the summary.

    Args:
        clean_dir: the output folder.
        plan: the plan whose batches are all staged.
        stats: the batches' stats added up.
        config: the run's configuration (duplicate thresholds).
        run_id: name of the run summary file under ``runs/``.
        seconds: the run's duration so far, for the summary; planning's share is ``plan.seconds``.

    The summary's ``phase_seconds`` says where the run's wall time went: ``plan``, ``batches``
    (the rest of ``seconds``: cleaning, and under Prefect its task runs and worker processes),
    ``duplicates`` (the commit's first pass) and ``commit`` (the final parts, the ledger,
    HEAD); ``finished_at`` is the wall clock (Unix seconds) when the summary was written.

    Raises:
        RetryIO: a write failed; committing again is safe.
    """
    clean = Path(clean_dir)
    committed_stats = clean / STATE_DIR / f"stats-{plan.generation:05d}.json"
    committing = time.perf_counter()
    phases = {"plan": plan.seconds, "batches": max(seconds - plan.seconds, 0.0), "duplicates": 0.0}
    if not (plan.batches or plan.files):
        summary_stats = stats
    elif committed_generation(clean) >= plan.generation and committed_stats.exists():
        # A retry after HEAD moved (e.g. the summary write failed): the commit is done.
        summary_stats = Stats.from_dict(orjson.loads(committed_stats.read_bytes()))
        _clear_plan(clean, plan)
    else:
        summary_stats = _commit(clean, plan, stats, config, phases)
    phases["commit"] = time.perf_counter() - committing - phases["duplicates"]
    summary = {
        "run_id": run_id,
        "generation": plan.generation if (plan.batches or plan.files) else committed_generation(clean),
        "seconds": round(seconds, 3),
        "phase_seconds": {name: round(value, 3) for name, value in phases.items()},
        "inputs_seen": summary_stats.inputs + plan.unchanged_inputs,
        "skipped_unchanged": plan.unchanged_inputs,
        "skipped_unchanged_files": plan.unchanged_files,
        **summary_stats.as_dict(),
    }
    summary["docs_per_second"] = round(summary_stats.inputs / seconds, 1) if seconds > 0 else None
    # Wall clock, so that whoever started the process can tell start-up and exit from the run itself.
    summary["finished_at"] = math.floor(time.time() * 1000) / 1000  # to the ms, never later than now
    write_json(clean / RUNS_DIR / f"{run_id}.json", summary)
    return summary


def _commit(clean: Path, plan: Plan, stats: Stats, config: Config, phases: dict) -> Stats:
    """The commit proper (see the module docstring); returns stats with duplicates moved out.

    Two passes over the staged batches: the first decides duplicates and counts paragraphs
    per source from the staged signatures alone; the second reads each batch's records once,
    removes source repeats, and writes the final parts. The first pass's seconds go to
    ``phases["duplicates"]``.
    """
    started = time.perf_counter()
    state = clean / STATE_DIR
    stage_dir = _staging(clean, plan.generation)
    index = DuplicateIndex(config.dedupe_threshold, config.minhash_perm)
    earlier_repeats = RepeatCounts()
    for generation in range(1, committed_generation(clean) + 1):
        segment = state / f"dedupe-{generation:05d}.npz"
        if segment.exists():
            index.load_segment(segment)
        segment = state / f"repeat-{generation:05d}.npz"
        if segment.exists():
            earlier_repeats.load_segment(segment)
    stats = Stats.from_dict(stats.to_dict())
    stats.parts = []

    # Pass 1: duplicates, and per-source paragraph counts over the articles kept.
    index.reserve(stats.articles)  # every staged article may be kept: one allocation, not a doubling series
    run_repeats = RepeatCounts()
    duplicates: dict[str, dict] = {}  # id -> its duplicate reject
    for batch in plan.batches:
        with np.load(_staged(stage_dir, batch, ".sigs.npz")) as staged:
            keys, sigs, ids = list(staged["keys"]), staged["sigs"], [str(i) for i in staged["ids"]]
            groups, counts, flat_keys = staged["groups"], staged["counts"], staged["paragraph_keys"]
            flat_labels = _label_keys(staged)
        kept = np.ones(len(ids), bool)
        for position, (article_id, key, sig) in enumerate(zip(ids, keys, sigs)):
            # A changed input keeps its id: its earlier version is not a story it copies.
            duplicate = index.find(str(key), sig, exclude=article_id)
            if duplicate is None:
                index.add(article_id, str(key), sig)
                continue
            kept[position] = False
            duplicates[article_id] = {
                "reason": reasons.DUPLICATE,
                "detail": f"{duplicate.kind} duplicate (similarity {duplicate.similarity}) of {duplicate.of}",
                "duplicate_of": duplicate.of,
            }
        run_repeats.add_batch(groups[kept], counts[kept], flat_keys[np.repeat(kept, counts)])
        run_repeats.add_batch(groups[kept], counts[kept], flat_labels[np.repeat(kept, counts)], documents=False)
    # The generation's segment is written now, not with the ledger: the index is the commit's
    # largest holding (~1.7 KB an article, measured at 94,000) and goes before the repeat counts are merged. A
    # segment above HEAD is rewritten when a dead commit resumes, so the order is safe.
    index.save_segment(state / f"dedupe-{plan.generation:05d}.npz")
    del index
    repeated = (earlier_repeats + run_repeats).repeated(config.source_repeat_min_docs, config.source_repeat_min_share,
                                                        config.source_repeat_line_min_docs)
    phases["duplicates"] = time.perf_counter() - started

    # Pass 2: the final parts, article by article: a batch's records are never all in memory.
    # The pitch check reads only paragraphs at the lines' threshold: no such key, no lexicon to load.
    lexicon = lexicon_for(config) if repeated.lines else None
    promo = functools.partial(has_consent_word, lexicon=lexicon) if lexicon is not None else None
    ledger_entries = []
    for batch in plan.batches:
        rejects = _read_jsonl(_staged(stage_dir, batch, ".rejects.jsonl"))  # small: no text
        inputs = Counter(r["source"].split("#")[0] for r in rejects)
        with np.load(_staged(stage_dir, batch, ".sigs.npz")) as staged:  # a few KB: re-read, not held for the run
            counts, flat_keys, flat_origins = staged["counts"], staged["paragraph_keys"], staged["origins"]
            flat_labels = _label_keys(staged)
        ends = np.cumsum(counts).tolist()

        def kept_articles() -> Iterator[dict | bytes]:
            """The batch's staged articles that stay, as they stay; the others join ``rejects``."""
            for number, line in enumerate(_staged_lines(_staged(stage_dir, batch, ".articles.jsonl"))):
                article = orjson.loads(line)
                inputs[article["source"].split("#")[0]] += 1
                start, end = (ends[number - 1] if number else 0), ends[number]
                article_keys, article_origins = flat_keys[start:end].tolist(), flat_origins[start:end].tolist()
                article_labels = flat_labels[start:end].tolist()
                outcome = duplicates.get(article["id"])
                if outcome is None:
                    left = strip_repeats(article, article_keys, article_origins, repeated, article_labels, promo)
                    if left is None:
                        yield line  # unchanged: the staged bytes are the final ones
                        continue
                    stats.removals[SOURCE_REPEAT] += len(article_keys) - len(left)
                    problem = body_problem(left, True, config.min_chars, config.min_sentence_words, config.min_prose_words)
                    if problem is None:
                        yield article
                        continue
                    outcome = {"reason": problem[0], "detail": f"{problem[1]} (after removing source repeats)"}
                    stats.rejects[problem[0]] += 1
                else:
                    stats.duplicates += 1
                stats.articles -= 1
                stats.languages[article["language"]] -= 1
                rejects.append({"id": article["id"], "source": article["source"], **outcome})

        name = part_name(plan.generation, batch.index)
        if write_jsonl(clean / ARTICLES_DIR / name, kept_articles(), keep_empty=False):
            stats.parts.append(f"{ARTICLES_DIR}/{name}")
        rejects.sort(key=lambda r: _source_order(r["source"]))
        if rejects:
            write_jsonl(clean / REJECTS_DIR / name, rejects)
            stats.parts.append(f"{REJECTS_DIR}/{name}")
        for rel in batch.paths:
            entry = {"path": rel, **plan.files.get(rel, {"size": -1, "mtime_ns": -1, "sha256": ""})}
            entry.update(inputs=inputs.get(rel, 0), generation=plan.generation,
                         parts=[p for p in stats.parts if p.endswith(name)])
            ledger_entries.append(entry)
    processed = {e["path"] for e in ledger_entries}
    touched = sorted(rel for rel in plan.files if rel not in processed)
    if touched:  # touched but unchanged: keep the outcome, take the new stamp
        ledger = load_ledger(clean)
        ledger_entries.extend({"path": rel, **ledger.get(rel, {}), **plan.files[rel]} for rel in touched)
    stats.languages = +stats.languages
    try:
        run_repeats.save_segment(state / f"repeat-{plan.generation:05d}.npz")
    except OSError as exc:
        raise RetryIO(f"writing {state}/repeat-{plan.generation:05d}.npz: {exc}") from exc
    write_jsonl(state / f"ledger-{plan.generation:05d}.jsonl", ledger_entries)
    write_json(state / f"stats-{plan.generation:05d}.json", stats.to_dict())  # for a retried commit
    _write_head(state, plan.generation)  # the commit point
    _clear_plan(clean, plan)
    return stats


def _staged(stage_dir: Path, batch: Batch, suffix: str) -> Path:
    """A staged file of one batch."""
    return (stage_dir / f"part-{batch.index:05d}").with_suffix(suffix)


def _write_head(state: Path, generation: int) -> None:
    """Replace ``state/HEAD`` atomically and durably."""
    tmp = state / f".{HEAD_FILE}.tmp"
    try:
        with open(tmp, "w") as handle:
            handle.write(f"{generation}\n")
            handle.flush()
            os.fsync(handle.fileno())
        os.replace(tmp, state / HEAD_FILE)
        directory = os.open(state, os.O_RDONLY)
        try:
            os.fsync(directory)
        finally:
            os.close(directory)
    except OSError as exc:
        raise RetryIO(f"writing {state / HEAD_FILE}: {exc}") from exc


def _clear_plan(clean: Path, plan: Plan) -> None:
    """Remove a committed plan and its staging folder."""
    shutil.rmtree(_staging(clean, plan.generation), ignore_errors=True)
    _remove_temporaries(clean)
    (clean / STATE_DIR / PLAN_FILE).unlink(missing_ok=True)


def _remove_temporaries(clean: Path) -> None:
    """Delete temporary files that a killed writer left (never visible under a final name)."""
    for folder in (ARTICLES_DIR, REJECTS_DIR, STATE_DIR, RUNS_DIR):
        for leftover in (clean / folder).glob(".*.tmp*"):
            leftover.unlink(missing_ok=True)


def _read_jsonl(path: Path) -> list[dict]:
    """All records of a staged part."""
    return [orjson.loads(line) for line in _staged_lines(path)]


def _staged_lines(path: Path) -> Iterator[bytes]:
    """The lines of a staged part, newline included, one at a time (none when it is missing)."""
    if path.exists():
        with open(path, "rb") as handle:
            yield from handle


def _source_order(source: str) -> tuple[str, int]:
    """Sort key: path, then JSONL line number as a number."""
    path, _, line = source.partition("#")
    return path, int(line) if line else 0


# --- a whole run, without Prefect ----------------------------------------------------

def new_run_id() -> str:
    """A UTC timestamp to the microsecond: sorts by time, and two runs never share one."""
    return datetime.now(timezone.utc).strftime("%Y%m%dT%H%M%S.%fZ")


def plan_run(raw_dir: str | Path, space: Workspace, config: Config) -> Plan:
    """Fetch the clean location's state, plan the run (or resume a dead one's plan), share the plan.

    Call with the workspace's lock held; for a local clean folder this is :func:`prepare_run`.

    Returns:
        The plan; its batches run against ``space.local``.

    Raises:
        AbortRun: a missing raw or clean location.
        RetryIO: a transfer or write failed; planning again is safe.
    """
    started = time.perf_counter()
    space.pull_state()
    plan = prepare_run(raw_dir, space.local, config)
    space.push_plan()  # before any part: whoever resumes a dead run resumes this plan
    return replace(plan, seconds=time.perf_counter() - started)


def run(raw_dir: str | Path, clean_dir: str | Path, config: Config, run_id: str | None = None,
        work_dir: str | Path | None = None, progress: Progress | None = None) -> dict:
    """Clean the new and changed files of ``raw_dir`` into ``clean_dir``, in this process.

    Args:
        raw_dir: folder of raw inputs, or an fsspec URL (``s3://bucket/raw``, ``gs://...``).
        clean_dir: output folder (``articles/``, ``rejects/``, ``runs/``, ``state/``), or an
            fsspec URL; a remote one is worked on locally and published at the end
            (:mod:`cleanpipe.storage`).
        config: the run's configuration.
        run_id: name of the summary file; defaults to a UTC timestamp.
        work_dir: local working folder for a remote ``clean_dir``; a temporary one by default.
        progress: told of each finished batch (the command line shows it on the console).

    Returns:
        The run summary; its counts add up:
        ``inputs_seen = articles + rejected + duplicates + skipped_unchanged``.

    Raises:
        AbortRun: bad configuration, missing raw folder, or another run holds the lock.
        RetryIO: a transient I/O failure (a failed upload included); running again is safe.
    """
    started = time.perf_counter()
    run_id = run_id or new_run_id()
    rules_for(config)  # fail fast on a bad rule pack, before any output
    with open_workspace(clean_dir, work_dir) as space, run_lock(space.local):
        plan = plan_run(raw_dir, space, config)
        total = Stats()
        if progress is not None:
            progress.start(len(plan.batches))
        for batch in plan.batches:
            stats = run_batch(raw_dir, space.local, plan.generation, batch, config)
            total = total + stats
            if progress is not None:
                progress.advance(stats)
        summary = commit_run(space.local, plan, total, config, run_id, time.perf_counter() - started)
        space.publish()
        return summary
