"""The cleaning flow: batches of raw files, one task run per batch, then the run summary.

Run it once from the shell with ``cleanpipe run RAW CLEAN`` or
``python flows/clean_articles.py RAW CLEAN``; both use Prefect's embedded server.
Logic lives in ``cleanpipe.pipeline``; this layer adds retries, logging and the task graph.
"""

import sys
import time

from prefect import flow, task
from prefect.logging import get_run_logger
from prefect.runtime import flow_run
from prefect.tasks import exponential_backoff

from cleanpipe.config import load_config
from cleanpipe.errors import RetryIO
from cleanpipe.pipeline import Batch, finish_run, plan_batches, run_batch
from cleanpipe.rules import load_rules
from cleanpipe.stats import Stats


def _retry_only_io(task, task_run, state) -> bool:
    """Retry a failed batch only for transient I/O errors; cleaning code is deterministic."""
    return isinstance(state.result(raise_on_failure=False), RetryIO)


@task(
    name="clean-batch",
    task_run_name="clean-batch-{batch.index}",
    retries=3,
    retry_delay_seconds=exponential_backoff(backoff_factor=2),
    retry_condition_fn=_retry_only_io,
)
def clean_batch(raw_dir: str, clean_dir: str, batch: Batch, config) -> Stats:
    """Clean one batch of files and write its parts (idempotent: same batch, same bytes)."""
    return run_batch(raw_dir, clean_dir, batch, config)


@flow(name="clean-articles", log_prints=True)
def clean_articles(
    raw_dir: str = "raw",
    clean_dir: str = "clean",
    config_path: str | None = None,
    batch_files: int | None = None,
) -> dict:
    """Clean every file under ``raw_dir`` into JSONL parts under ``clean_dir``.

    Args:
        raw_dir: folder of raw inputs (.txt, .html, .jsonl, optionally gzipped).
        clean_dir: output folder: ``articles/``, ``rejects/``, ``runs/``.
        config_path: a TOML file laid over the default configuration.
        batch_files: files per batch (one task run each); overrides the config file.

    Returns:
        The run summary, also written to ``clean_dir/runs/<run id>.json``.
    """
    started = time.perf_counter()
    config = load_config(config_path, batch_files=batch_files)
    load_rules(config.languages)  # a broken rule pack fails the run before any output
    batches = plan_batches(raw_dir, config)
    futures = [clean_batch.submit(raw_dir, clean_dir, batch, config) for batch in batches]
    total = Stats()
    for future in futures:
        total = total + future.result()
    run_id = flow_run.get_id() or time.strftime("%Y%m%dT%H%M%SZ", time.gmtime())
    summary = finish_run(clean_dir, total, run_id, time.perf_counter() - started)
    get_run_logger().info(
        "cleaned %d inputs: %d articles, %d rejected %s",
        summary["inputs"], summary["articles"], summary["rejected"], summary["rejects"],
    )
    return summary


if __name__ == "__main__":
    clean_articles(*sys.argv[1:3])
