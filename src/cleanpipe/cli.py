"""The ``cleanpipe`` command line."""

import argparse
import os
import sys
import time

from cleanpipe.config import load_config
from cleanpipe.errors import AbortRun

# Prefect's embedded server is quiet and offline unless the user says otherwise.
_PREFECT_DEFAULTS = {
    "DO_NOT_TRACK": "1",
    "PREFECT_SERVER_ANALYTICS_ENABLED": "false",
    # First start with a fresh database takes 17-21 s here; Prefect's default is 20 s.
    "PREFECT_SERVER_EPHEMERAL_STARTUP_TIMEOUT_SECONDS": "90",
}


def main(argv: list[str] | None = None) -> int:
    """Entry point of the ``cleanpipe`` console script; returns the exit code."""
    parser = argparse.ArgumentParser(prog="cleanpipe", description=__doc__)
    commands = parser.add_subparsers(dest="command", required=True)

    run = commands.add_parser("run", help="clean RAW_DIR into CLEAN_DIR")
    run.add_argument("raw_dir", help="folder of raw inputs (.txt, .html, .jsonl, optionally .gz)")
    run.add_argument("clean_dir", help="output folder (articles/, rejects/, runs/)")
    run.add_argument("--config", help="TOML file laid over the default configuration")
    run.add_argument("--batch-files", type=int, help="files per batch (one Prefect task run each)")
    run.add_argument(
        "--no-prefect",
        action="store_true",
        help="run the same batches in this process without Prefect (no 10-20 s server start-up)",
    )
    run.add_argument(
        "--runner",
        choices=("process", "dask", "threads"),
        default="process",
        help="where the flow runs batches: a process per core (default), a local Dask cluster, or threads",
    )
    run.add_argument("--workers", type=int, help="worker processes for --runner process/dask (default: every local core)")
    run.add_argument("--dask-address", help="run the batches on an existing Dask cluster, e.g. tcp://10.0.0.5:8786")
    run.add_argument("-v", "--verbose", action="store_true", help="show Prefect's own logs")

    explain = commands.add_parser("explain", help="show a raw file's documents with removed parts marked")
    explain.add_argument("file", help="a raw file (.txt, .html, .jsonl, optionally .gz)")
    explain.add_argument("--config", help="TOML file laid over the default configuration")

    evaluate = commands.add_parser("eval", help="score a clean folder against a gold JSONL (see README, Gold format)")
    evaluate.add_argument("gold", help="gold JSONL: one labelled document per line")
    evaluate.add_argument("out_dir", help="a clean folder written by `cleanpipe run` (or its articles/ folder)")
    evaluate.add_argument("--json", action="store_true", help="print the full report as JSON")
    evaluate.add_argument("--goals", action="store_true", help="exit 1 when a held-out goal is missed")

    args = parser.parse_args(argv)
    try:
        if args.command == "run":
            return _run(args)
        if args.command == "explain":
            from cleanpipe.explain import explain_file

            print(explain_file(args.file, load_config(args.config)), end="")
            return 0
        if args.command == "eval":
            return _eval(args)
    except AbortRun as exc:
        print(f"cleanpipe: {exc}", file=sys.stderr)
        return 2
    return 1


def _run(args: argparse.Namespace) -> int:
    """``cleanpipe run``: through the Prefect flow, or in-process with --no-prefect."""
    config = load_config(args.config, batch_files=args.batch_files)
    if args.no_prefect and (args.dask_address or args.runner != "process" or args.workers):
        raise AbortRun("--runner, --workers and --dask-address choose where the Prefect flow runs batches;"
                       " --no-prefect runs them in this process")
    if args.workers is not None and args.workers < 1:
        raise AbortRun("--workers must be at least 1")
    started = time.perf_counter()
    if args.no_prefect:
        from cleanpipe.ingest import run
        from cleanpipe.progress import Progress

        summary = run(args.raw_dir, args.clean_dir, config, progress=Progress())
    else:
        for key, value in _PREFECT_DEFAULTS.items():
            os.environ.setdefault(key, value)
        os.environ.setdefault("PREFECT_LOGGING_LEVEL", "INFO" if args.verbose else "WARNING")
        os.environ.setdefault("DASK_LOGGING__DISTRIBUTED", "info" if args.verbose else "warning")
        from cleanpipe_flows.server import start_embedded_server

        server_ready = start_embedded_server()  # its start-up overlaps the imports and warm-up below
        from cleanpipe_flows.clean_articles import clean_articles
        from cleanpipe_flows.runners import task_runner

        _warm_up(config, languages=_cleans_in_process(args.raw_dir, config))
        runner = task_runner(args.runner, args.workers, args.dask_address)
        flow = clean_articles.with_options(task_runner=runner)
        with server_ready():  # the flow, and the worker processes it spawns, use that one server
            summary = flow(args.raw_dir, args.clean_dir, args.config, args.batch_files)
    print(format_summary(summary, time.perf_counter() - started))
    return 0


def _warm_up(config, languages: bool) -> None:
    """Compile the rule packs; load the language profiles too if the batches will run in this process."""
    from cleanpipe.pipeline import rules_for

    rules_for(config)
    if languages:
        from cleanpipe.language import detect_language

        detect_language("load the language profiles once before the first batch arrives")


def _cleans_in_process(raw_dir: str, config) -> bool:
    """Whether the flow will likely clean here: a local raw folder under ``config.parallel_min_bytes``.

    Larger runs send their batches to worker processes, which load their own language
    profiles; loading them here too would hold ~70 MB in the flow's process for nothing.
    """
    from cleanpipe.storage import is_remote

    if is_remote(raw_dir) or config.parallel_min_bytes <= 0:
        return False
    total = 0
    for folder, _dirs, files in os.walk(raw_dir):
        for name in files:
            try:
                total += os.stat(os.path.join(folder, name)).st_size
            except OSError:
                continue  # vanished or unreadable: the plan reports it
            if total >= config.parallel_min_bytes:
                return False
    return True


def _eval(args: argparse.Namespace) -> int:
    """``cleanpipe eval``: print the scores; with --goals, 1 when a goal is missed."""
    import orjson

    from cleanpipe.evaluate import GoldError, format_report, load_gold, load_output, missed_goals, score

    try:
        report = score(load_gold(args.gold), load_output(args.out_dir))
    except (OSError, GoldError) as exc:
        raise AbortRun(str(exc)) from exc
    print(orjson.dumps(report, option=orjson.OPT_INDENT_2).decode() if args.json else format_report(report))
    missed = missed_goals(report) if args.goals else []
    for line in missed:
        print(f"goal missed: {line}", file=sys.stderr)
    return 1 if missed else 0


def format_summary(summary: dict, wall_seconds: float) -> str:
    """A short human-readable account of a run."""
    lines = [
        f"inputs {summary['inputs_seen']}: {summary['articles']} articles, {summary['rejected']} rejected,"
        f" {summary['duplicates']} duplicates, {summary['skipped_unchanged']} unchanged"
        f" in {wall_seconds:.1f} s (cleaning {summary['seconds']:.1f} s)",
    ]
    for title, counts in (("rejects", summary["rejects"]), ("removed", summary["removals_by_family"]),
                          ("languages", summary["languages"])):
        if counts:
            lines.append(f"  {title}: " + ", ".join(f"{k} {v}" for k, v in counts.items()))
    lines.append(f"  summary: runs/{summary['run_id']}.json")
    return "\n".join(lines)


if __name__ == "__main__":
    sys.exit(main())
