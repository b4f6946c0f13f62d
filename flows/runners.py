"""Task runners for the cleaning flow: where the batches run.

Batches are CPU-bound Python, so threads do not add speed (the GIL); processes do:

- ``process`` (the default): Prefect's ``ProcessPoolTaskRunner``, one process per local
  core. Measured against a local Dask cluster in ``bench/results/throughput.md``.
- ``dask``: ``prefect_dask.DaskTaskRunner`` with a ``distributed.LocalCluster`` of
  ``workers`` processes bound to 127.0.0.1, or, given ``dask_address``, the scheduler of
  an existing cluster (``dask scheduler`` / ``dask worker``, dask-jobqueue,
  dask-kubernetes): the batches then run on its workers, which must see the raw and
  clean folders at the same paths (shared storage).
- ``threads``: Prefect's default thread pool: for tests that patch code in-process, and
  flows whose batches wait on remote storage rather than compute.
"""

import os

from prefect.task_runners import ProcessPoolTaskRunner, TaskRunner, ThreadPoolTaskRunner

RUNNERS = ("process", "dask", "threads")


def local_cores() -> int:
    """Cores this process may run on (its CPU affinity, not the machine's count)."""
    try:
        return len(os.sched_getaffinity(0))
    except AttributeError:  # not Linux
        return os.cpu_count() or 1


def task_runner(runner: str = "process", workers: int | None = None, dask_address: str | None = None) -> TaskRunner:
    """The task runner for a run.

    Args:
        runner: "process", "dask" or "threads" (see the module's docstring).
        workers: processes (threads for "threads"); default: every local core. Ignored
            with ``dask_address``: the cluster has the workers it has.
        dask_address: scheduler of a running Dask cluster, e.g. ``tcp://10.0.0.5:8786``;
            implies ``runner="dask"``.

    Returns:
        A Prefect task runner, to pass as ``clean_articles.with_options(task_runner=...)``.

    Raises:
        ValueError: an unknown runner name.
    """
    if dask_address:
        runner = "dask"
    if runner not in RUNNERS:
        raise ValueError(f"unknown task runner {runner!r}; one of {', '.join(RUNNERS)}")
    workers = workers or local_cores()
    if runner == "process":
        return ProcessPoolTaskRunner(max_workers=workers)
    if runner == "threads":
        return ThreadPoolTaskRunner(max_workers=workers)
    from prefect_dask import DaskTaskRunner  # imports distributed: only when asked for

    if dask_address:
        return DaskTaskRunner(address=dask_address)
    return DaskTaskRunner(
        cluster_class="distributed.LocalCluster",
        cluster_kwargs={
            "n_workers": workers,
            "threads_per_worker": 1,  # one batch per process at a time: the work holds the GIL
            "processes": True,
            "host": "127.0.0.1",  # loopback only: a laptop run opens no ports to the network
            "dashboard_address": None,
        },
    )
