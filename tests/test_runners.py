import pytest
from prefect.task_runners import ProcessPoolTaskRunner, ThreadPoolTaskRunner
from prefect_dask import DaskTaskRunner

from cleanpipe_flows.runners import local_cores, task_runner


def test_default_is_a_process_per_local_core():
    runner = task_runner()
    assert isinstance(runner, ProcessPoolTaskRunner)
    assert runner._max_workers == local_cores() >= 1


def test_workers_and_threads():
    assert task_runner("process", workers=3)._max_workers == 3
    threads = task_runner("threads", workers=2)
    assert isinstance(threads, ThreadPoolTaskRunner) and threads._max_workers == 2


def test_local_dask_cluster_stays_on_loopback_with_one_thread_per_process():
    runner = task_runner("dask", workers=2)
    assert isinstance(runner, DaskTaskRunner) and runner.address is None
    assert runner.cluster_kwargs == {"n_workers": 2, "threads_per_worker": 1, "processes": True,
                                     "host": "127.0.0.1", "dashboard_address": None}


def test_an_address_means_that_dask_cluster():
    runner = task_runner("process", dask_address="tcp://10.0.0.5:8786")
    assert isinstance(runner, DaskTaskRunner) and runner.address == "tcp://10.0.0.5:8786"


def test_unknown_runner_is_refused():
    with pytest.raises(ValueError, match="unknown task runner"):
        task_runner("gpu")
