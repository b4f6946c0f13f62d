"""The pipeline: the list of stages, and the one loop that runs them over a batch of files.

The loop, the accounting and the I/O are written once here; each stage is a small
function ``Document -> Document`` that may raise :class:`~cleanpipe.errors.Rejected`.
Prefect flows (``flows/``) call :func:`plan_batches`, :func:`run_batch` and
:func:`finish_run`; :func:`run` does the same in-process, without Prefect.
"""

import os
import time
import traceback
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from functools import partial
from pathlib import Path

from cleanpipe import reasons
from cleanpipe.boilerplate import strip_boilerplate
from cleanpipe.config import Config
from cleanpipe.decode import decode_bytes
from cleanpipe.document import Document, Reject
from cleanpipe.errors import AbortRun, Rejected
from cleanpipe.extract import extract_html
from cleanpipe.language import set_language
from cleanpipe.read import discover, read_inputs
from cleanpipe.repair import repair_text
from cleanpipe.rules import load_rules
from cleanpipe.segment import split_paragraphs
from cleanpipe.stats import Stats
from cleanpipe.write import write_json, write_jsonl

Stage = tuple[str, Callable[[Document], Document]]

ARTICLES_DIR = "articles"
REJECTS_DIR = "rejects"
RUNS_DIR = "runs"


def build_stages(config: Config) -> list[Stage]:
    """The cleaning pipeline for ``config``: cheap stages first, language detection last."""
    rules = load_rules(config.languages)
    return [
        ("decode", partial(decode, max_control_ratio=config.binary_control_ratio)),
        ("extract", extract_html),
        ("repair", repair),
        ("split", split_paragraphs),
        ("strip", partial(strip_boilerplate, rules=rules, head_window=config.head_window, tail_window=config.tail_window)),
        ("length", partial(require_length, min_chars=config.min_chars)),
        ("language", partial(set_language, seed=config.language_seed, max_chars=config.language_max_chars)),
    ]


# --- small stages that need no module of their own ---------------------------------

def decode(doc: Document, max_control_ratio: float) -> Document:
    """Stage: raw bytes to text (documents given as strings pass through)."""
    if doc.raw is not None:
        doc.text, doc.encoding = decode_bytes(doc.raw, max_control_ratio)
        doc.raw = None
    elif not doc.text.strip():
        raise Rejected(reasons.EMPTY, "no text")
    return doc


def repair(doc: Document) -> Document:
    """Stage: repair the text and the title."""
    doc.text = repair_text(doc.text)
    if doc.title:
        doc.title = repair_text(doc.title)
    return doc


def require_length(doc: Document, min_chars: int) -> Document:
    """Stage: reject bodies that cleaning left empty or too short to be an article."""
    length = sum(len(p) for p in doc.paragraphs)
    if length == 0:
        raise Rejected(reasons.EMPTY, "nothing left after cleaning")
    if length < min_chars:
        raise Rejected(reasons.TOO_SHORT, f"{length} characters after cleaning < {min_chars}")
    return doc


# --- the loop -----------------------------------------------------------------------

def clean_documents(items: Iterable[Document | Reject], stages: list[Stage], stats: Stats) -> tuple[list[dict], list[dict]]:
    """Run every document through the stages; return (article records, reject records).

    A stage's Rejected becomes a reject with its reason; any other exception becomes an
    ``internal_error`` reject, so one bad document never stops the batch.
    """
    articles, rejects = [], []
    clock = time.perf_counter
    for item in items:
        stats.inputs += 1
        if isinstance(item, Reject):
            stats.rejects[item.reason] += 1
            rejects.append(item.to_record())
            continue
        doc = item
        stats.bytes_in += len(doc.raw) if doc.raw is not None else len(doc.text.encode("utf-8"))
        try:
            for name, stage in stages:
                started = clock()
                doc = stage(doc)
                stats.stage_seconds[name] += clock() - started
        except Rejected as exc:
            stats.rejects[exc.reason] += 1
            rejects.append(Reject(doc.source, exc.reason, exc.detail).to_record())
            continue
        except Exception as exc:  # a bug must not stop the batch; it is counted and kept
            where = traceback.extract_tb(exc.__traceback__)[-1]
            detail = f"{type(exc).__name__}: {exc} (at {os.path.basename(where.filename)}:{where.lineno})"
            stats.rejects[reasons.INTERNAL_ERROR] += 1
            rejects.append(Reject(doc.source, reasons.INTERNAL_ERROR, detail[:500]).to_record())
            continue
        stats.articles += 1
        stats.languages[doc.language] += 1
        for removal in doc.removed:
            stats.removals[removal["rule"]] += 1
        articles.append(doc.to_record())
    return articles, rejects


# --- batches, parts and runs --------------------------------------------------------

@dataclass(frozen=True)
class Batch:
    """A unit of work: files to clean together, and the part number their output gets."""

    index: int
    paths: tuple[str, ...]


def plan_batches(raw_dir: str | Path, config: Config) -> list[Batch]:
    """Split the raw folder's files, in sorted order, into batches by count and bytes.

    Raises:
        AbortRun: ``raw_dir`` is not a folder.
    """
    root = Path(raw_dir)
    if not root.is_dir():
        raise AbortRun(f"raw folder not found: {raw_dir}")
    batches, current, size = [], [], 0
    for rel in discover(root):
        try:
            file_size = (root / rel).stat().st_size
        except OSError:
            file_size = 0  # vanished or unreadable: read_inputs reports it
        if current and (len(current) >= config.batch_files or size + file_size > config.batch_bytes):
            batches.append(Batch(len(batches), tuple(current)))
            current, size = [], 0
        current.append(rel)
        size += file_size
    if current:
        batches.append(Batch(len(batches), tuple(current)))
    return batches


def part_name(index: int) -> str:
    """File name of a batch's output part."""
    return f"part-{index:05d}.jsonl"


def run_batch(raw_dir: str | Path, clean_dir: str | Path, batch: Batch, config: Config) -> Stats:
    """Clean one batch and write its article and reject parts atomically.

    Running a batch again rewrites the same parts with the same bytes, so a retried or
    repeated batch never duplicates output.

    Raises:
        RetryIO: reading or writing failed in a way worth retrying.
    """
    stats = Stats()
    stages = build_stages(config)
    items = (
        item
        for rel in batch.paths
        for item in read_inputs(raw_dir, rel, config.max_file_bytes, config.max_record_bytes)
    )
    articles, rejects = clean_documents(items, stages, stats)
    name = part_name(batch.index)
    for folder, records in ((ARTICLES_DIR, articles), (REJECTS_DIR, rejects)):
        target = Path(clean_dir) / folder / name
        if records:
            write_jsonl(target, records)
            stats.parts.append(f"{folder}/{name}")
        else:
            target.unlink(missing_ok=True)
    return stats


def finish_run(clean_dir: str | Path, stats: Stats, run_id: str, seconds: float) -> dict:
    """Remove parts this run did not write, save the run summary, and return it.

    A run rewrites ``clean/`` for the raw tree it saw, so parts left by an earlier run over
    a larger tree would otherwise linger as stale output.
    """
    root = Path(clean_dir)
    written = set(stats.parts)
    for folder in (ARTICLES_DIR, REJECTS_DIR):
        for part in sorted((root / folder).glob("part-*.jsonl")):
            if f"{folder}/{part.name}" not in written:
                part.unlink(missing_ok=True)
    summary = {"run_id": run_id, "seconds": round(seconds, 3), **stats.as_dict()}
    summary["docs_per_second"] = round(stats.inputs / seconds, 1) if seconds > 0 else None
    write_json(root / RUNS_DIR / f"{run_id}.json", summary)
    return summary


def run(raw_dir: str | Path, clean_dir: str | Path, config: Config, run_id: str | None = None) -> dict:
    """Clean ``raw_dir`` into ``clean_dir`` in this process, batch by batch, without Prefect.

    Args:
        raw_dir: folder of raw inputs.
        clean_dir: output folder (``articles/``, ``rejects/``, ``runs/`` inside).
        config: the run's configuration.
        run_id: name of the summary file; defaults to a UTC timestamp.

    Returns:
        The run summary (counts by outcome, reason, rule and language; timings; parts).

    Raises:
        AbortRun: the configuration or the raw folder is unusable.
    """
    started = time.perf_counter()
    run_id = run_id or time.strftime("%Y%m%dT%H%M%SZ", time.gmtime())
    load_rules(config.languages)  # fail fast on a bad rule pack, before any output
    total = Stats()
    for batch in plan_batches(raw_dir, config):
        total = total + run_batch(raw_dir, clean_dir, batch, config)
    return finish_run(clean_dir, total, run_id, time.perf_counter() - started)
