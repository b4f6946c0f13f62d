"""The cleaning flow: batches of raw files, one task run per batch, then the run summary.

Run it once from the shell with ``cleanpipe run RAW CLEAN`` or
``python flows/clean_articles.py RAW CLEAN``; both use Prefect's embedded server.
Logic lives in ``cleanpipe.pipeline``; this layer adds retries, logging and the task graph.
"""

import sys
import time
from typing import Annotated, Literal

from prefect import flow, task
from prefect.artifacts import create_markdown_artifact
from prefect.futures import as_completed
from prefect.logging import get_run_logger
from prefect.runtime import flow_run
from prefect.tasks import exponential_backoff
from pydantic import Field

from cleanpipe.config import load_config
from cleanpipe.errors import RetryIO
from cleanpipe.ingest import Plan, commit_run, new_run_id, plan_run, run_batch, run_lock, work_bytes
from cleanpipe.pipeline import Batch, rules_for
from cleanpipe.progress import Progress
from cleanpipe.report import summary_markdown
from cleanpipe.stats import Stats
from cleanpipe.storage import Workspace, open_workspace
from cleanpipe_flows.runners import task_runner


def _retry_only_io(task, task_run, state) -> bool:
    """Retry a failed batch only for transient I/O errors; cleaning code is deterministic."""
    return isinstance(state.result(raise_on_failure=False), RetryIO)


_IO_RETRIES = dict(retries=3, retry_delay_seconds=exponential_backoff(backoff_factor=2), retry_condition_fn=_retry_only_io)


@task(name="plan", **_IO_RETRIES)
def plan(raw_dir: str, space: Workspace, config) -> Plan:
    """Fetch a remote clean location's state, compare the raw tree with the ledger (or resume an unfinished plan)."""
    return plan_run(raw_dir, space, config)


@task(name="clean-batch", task_run_name="clean-batch-{batch.index}", **_IO_RETRIES)
def clean_batch(raw_dir: str, clean_dir: str, generation: int, batch: Batch, config) -> Stats:
    """Clean one batch into staging (idempotent: a staged batch is not redone)."""
    return run_batch(raw_dir, clean_dir, generation, batch, config)


@task(name="commit", **_IO_RETRIES)
def commit(clean_dir: str, plan: Plan, stats: Stats, config, run_id: str, seconds: float) -> dict:
    """Deduplicate, write the final parts and the ledger, move HEAD."""
    return commit_run(clean_dir, plan, stats, config, run_id, seconds)


@task(name="publish", **_IO_RETRIES)
def publish(space: Workspace) -> list[str]:
    """Upload a committed run to a remote clean location, HEAD last (nothing to do for a folder)."""
    return space.publish()


# Batches are CPU-bound: by default they run in one process per local core. Choose
# another runner with clean_articles.with_options(task_runner=task_runner(...)).
@flow(name="clean-articles", log_prints=True, task_runner=task_runner("process"))
def clean_articles(
    raw_dir: str = "raw",
    clean_dir: str = "clean",
    config_path: str | None = None,
    batch_files: Annotated[int, Field(ge=1)] | None = None,
) -> dict:
    """Clean every file under ``raw_dir`` into JSONL parts under ``clean_dir``.

    Args:
        raw_dir: folder of raw inputs (.txt, .html, .jsonl, optionally gzipped), or an
            fsspec URL (``s3://bucket/raw``, ``gs://...``).
        clean_dir: output folder: ``articles/``, ``rejects/``, ``runs/``; or an fsspec URL.
        config_path: a TOML file laid over the default configuration.
        batch_files: files per batch (one task run each); overrides the config file.

    Returns:
        The run summary, also written to ``clean_dir/runs/<run id>.json``.
    """
    started = time.perf_counter()
    config = load_config(config_path, batch_files=batch_files)
    rules_for(config)  # a broken rule pack fails the run before any output
    run_id = flow_run.get_id() or new_run_id()
    # A remote clean_dir is worked on in a local folder, published at the end (cleanpipe.storage).
    with open_workspace(clean_dir) as space, run_lock(space.local):
        work = plan(raw_dir, space, config)
        total = Stats()
        progress = Progress()  # the console of whoever runs the flow: a bar on a terminal, a line now and then in a log
        progress.start(len(work.batches))
        if work_bytes(work) < config.parallel_min_bytes or len(work.batches) < 2:
            # Too little work to pay for worker processes, or one batch that only one of them
            # could take (with spawned processes, every worker starts at the first submit):
            # the batches run here, one by one.
            for batch in work.batches:
                stats = clean_batch(raw_dir, space.local, work.generation, batch, config)
                total = total + stats
                progress.advance(stats)
        else:
            futures = [clean_batch.submit(raw_dir, space.local, work.generation, batch, config) for batch in work.batches]
            for future in as_completed(futures):
                stats = future.result()
                total = total + stats
                progress.advance(stats)
        summary = commit(space.local, work, total, config, run_id, time.perf_counter() - started)
        publish(space)
    report = summary_markdown(summary)
    create_markdown_artifact(key="cleanpipe-run-summary", markdown=report,
                             description=f"cleanpipe run {run_id}: outcomes, rejects, removals, languages")
    get_run_logger().info("%s", report)
    return summary


@flow(name="clean-articles-scheduled", log_prints=True)
def clean_articles_scheduled(
    raw_dir: str = "raw",
    clean_dir: str = "clean",
    config_path: str | None = None,
    batch_files: Annotated[int, Field(ge=1)] | None = None,
    workers: Annotated[int, Field(ge=1)] | None = None,
    runner: Literal["process", "dask", "threads"] = "process",
    dask_address: str | None = None,
) -> dict:
    """Deployment entry point: the task runner comes from parameters, then ``clean-articles`` runs.

    A flow's task runner is fixed when it is defined, so a deployment that lets each run
    choose its worker count or Dask cluster picks the runner here and runs
    :func:`clean_articles` as a subflow with it.

    Args:
        raw_dir, clean_dir, config_path, batch_files: as for :func:`clean_articles`.
        workers: worker processes (default: every local core).
        runner: "process", "dask" or "threads" (see ``cleanpipe_flows.runners``).
        dask_address: an existing Dask scheduler (``tcp://host:8786``); implies "dask".
    """
    chosen = clean_articles.with_options(task_runner=task_runner(runner, workers, dask_address))
    return chosen(raw_dir, clean_dir, config_path, batch_files)


if __name__ == "__main__":
    from cleanpipe_flows.server import start_embedded_server

    with start_embedded_server()():  # one embedded server, for the flow and its worker processes
        clean_articles(*sys.argv[1:3])
