"""One Prefect flow run over a raw folder with one task runner; prints one JSON line.

    python bench/prefect_runner_bench.py RAW CLEAN {threads,process,dask,dask-address}

Used by ``bench/throughput.py --prefect``, one fresh process per runner. ``dask-address``
starts a LocalCluster of 2 workers first and times only the run against its address,
as for a cluster that is already up.
"""

import json
import os
import sys
import time
from pathlib import Path

# Quiet, offline, and a Prefect home of its own (the shared one may be busy).
os.environ.update(
    DO_NOT_TRACK="1",
    PREFECT_SERVER_ANALYTICS_ENABLED="false",
    PREFECT_LOGGING_LEVEL="WARNING",
    PREFECT_SERVER_EPHEMERAL_STARTUP_TIMEOUT_SECONDS="120",
    DASK_LOGGING__DISTRIBUTED="warning",
)
os.environ.setdefault("PREFECT_HOME", str(Path(__file__).resolve().parent / "corpus" / "prefect-home"))

WORKERS = 2


def main() -> int:
    """Run the flow once and print wall and flow seconds."""
    raw, out, runner = sys.argv[1:4]
    started = time.perf_counter()
    from cleanpipe_flows.clean_articles import clean_articles
    from cleanpipe_flows.runners import task_runner

    cluster = None
    if runner == "dask-address":
        from distributed import LocalCluster

        cluster = LocalCluster(n_workers=WORKERS, threads_per_worker=1, processes=True, host="127.0.0.1",
                               dashboard_address=None)
        chosen = task_runner(dask_address=cluster.scheduler_address)
        started = time.perf_counter()  # the cluster was there before the run
    else:
        chosen = task_runner(runner, WORKERS)
    summary = clean_articles.with_options(task_runner=chosen)(raw, out)
    wall = time.perf_counter() - started
    if cluster is not None:
        cluster.close()
    print(json.dumps({"runner": runner, "wall": wall, "flow": summary["seconds"], "inputs": summary["inputs_seen"],
                      "articles": summary["articles"]}))
    return 0


if __name__ == "__main__":
    sys.exit(main())
