"""The Prefect layer, under a real (test-harness) Prefect server."""

import json

import pytest
from prefect.logging import disable_run_logger
from prefect.task_runners import ProcessPoolTaskRunner, ThreadPoolTaskRunner
from prefect.testing.utilities import prefect_test_harness

import cleanpipe_flows.clean_articles as flow_module
from cleanpipe import reasons
from cleanpipe.config import Config
from cleanpipe.errors import ConfigError, RetryIO
from cleanpipe.ingest import run
from cleanpipe.pipeline import Batch
from cleanpipe.read import discover
from cleanpipe_flows.runners import task_runner

from conftest import FIXTURES

MIXED = FIXTURES / "raw_mixed"


@pytest.fixture(scope="module", autouse=True)
def prefect_server():
    with prefect_test_harness(server_startup_timeout=90):
        yield


def parts(folder):
    return {p.name: p.read_bytes() for p in sorted(folder.glob("part-*.jsonl"))}


def in_this_process(flow):
    """The flow with its batches in threads of this process, where monkeypatches apply."""
    return flow.with_options(task_runner=ThreadPoolTaskRunner(max_workers=2))


def test_flow_output_equals_the_in_process_run(tmp_path):
    summary = flow_module.clean_articles(str(MIXED), str(tmp_path / "flow"), batch_files=3)
    run(MIXED, tmp_path / "local", Config(batch_files=3))
    for folder in ("articles", "rejects"):
        assert parts(tmp_path / "flow" / folder) == parts(tmp_path / "local" / folder)
    assert summary["inputs_seen"] == summary["articles"] + summary["rejected"] == 12
    saved = json.loads((tmp_path / "flow" / "runs" / f"{summary['run_id']}.json").read_text())
    assert saved == summary


class CountingRunner(ThreadPoolTaskRunner):
    """A thread runner that counts the task runs sent to it."""

    submitted = 0

    def submit(self, *args, **kwargs):
        CountingRunner.submitted += 1
        return super().submit(*args, **kwargs)

    def duplicate(self):
        return type(self)(max_workers=self._max_workers)


def test_a_small_run_cleans_in_the_flows_process_and_a_large_one_uses_the_runner(tmp_path):
    flow = flow_module.clean_articles.with_options(task_runner=CountingRunner(max_workers=2))
    CountingRunner.submitted = 0
    small = flow(str(MIXED), str(tmp_path / "small"), batch_files=3)
    assert CountingRunner.submitted == 0  # 12 small files: no worker would pay for its start
    always_parallel = tmp_path / "parallel.toml"
    always_parallel.write_text("parallel_min_bytes = 0\n")
    large = flow(str(MIXED), str(tmp_path / "large"), str(always_parallel), batch_files=3)
    assert CountingRunner.submitted == -(-len(discover(MIXED)) // 3)  # one task run per batch of 3 files
    for folder in ("articles", "rejects"):
        assert parts(tmp_path / "small" / folder) == parts(tmp_path / "large" / folder)
    assert small["articles"] == large["articles"]


def test_batches_run_in_a_process_per_core_by_default():
    runner = flow_module.clean_articles.task_runner
    assert isinstance(runner, ProcessPoolTaskRunner) and runner._max_workers >= 1


@pytest.mark.slow
def test_batches_on_an_existing_dask_cluster_give_the_same_output(tmp_path):
    from distributed import Client, LocalCluster

    with LocalCluster(n_workers=2, threads_per_worker=1, processes=True, host="127.0.0.1",
                      dashboard_address=None) as cluster, Client(cluster) as client:
        on_dask = flow_module.clean_articles.with_options(task_runner=task_runner(dask_address=cluster.scheduler_address))
        always_parallel = tmp_path / "parallel.toml"
        always_parallel.write_text("parallel_min_bytes = 0\n")  # the fixture is far too small to be sent out otherwise
        summary = on_dask(str(MIXED), str(tmp_path / "dask"), str(always_parallel), batch_files=3)
        tasks_per_worker = client.run(lambda dask_worker: dask_worker.state.transition_counter)
    assert len(tasks_per_worker) == 2 and sum(tasks_per_worker.values()) > 0  # the cluster did the work
    run(MIXED, tmp_path / "local", Config(batch_files=3))
    for folder in ("articles", "rejects"):
        assert parts(tmp_path / "dask" / folder) == parts(tmp_path / "local" / folder)
    assert summary["inputs_seen"] == summary["articles"] + summary["rejected"] == 12


def test_bad_config_fails_the_flow_before_any_output(tmp_path):
    config = tmp_path / "bad.toml"
    config.write_text("min_chars = 'many'\n")
    with pytest.raises(ConfigError):
        flow_module.clean_articles(str(MIXED), str(tmp_path / "out"), config_path=str(config))
    assert not (tmp_path / "out").exists()


def test_transient_io_is_retried(tmp_path, monkeypatch):
    calls = []
    real_run_batch = flow_module.run_batch

    def flaky(raw_dir, clean_dir, generation, batch, config):
        calls.append(batch.index)
        if calls.count(batch.index) == 1:
            raise RetryIO("disk hiccup")
        return real_run_batch(raw_dir, clean_dir, generation, batch, config)

    monkeypatch.setattr(flow_module, "run_batch", flaky)
    monkeypatch.setattr(flow_module, "clean_batch", flow_module.clean_batch.with_options(retry_delay_seconds=0))
    summary = in_this_process(flow_module.clean_articles)(str(MIXED), str(tmp_path), batch_files=100)
    assert calls == [0, 0]
    assert summary["inputs_seen"] == 12
    assert summary["rejects"][reasons.TRUNCATED] == 1


def test_cleaning_errors_are_not_retried(tmp_path, monkeypatch):
    calls = []

    def broken(raw_dir, clean_dir, generation, batch, config):
        calls.append(batch.index)
        raise ValueError("deterministic bug")

    monkeypatch.setattr(flow_module, "run_batch", broken)
    monkeypatch.setattr(flow_module, "clean_batch", flow_module.clean_batch.with_options(retry_delay_seconds=0))
    with pytest.raises(ValueError):
        in_this_process(flow_module.clean_articles)(str(MIXED), str(tmp_path), batch_files=100)
    assert calls == [0]


def test_task_logic_runs_without_prefect_via_fn(tmp_path):
    with disable_run_logger():
        stats = flow_module.clean_batch.fn(str(MIXED), str(tmp_path), 1, Batch(0, ("good.txt",)), Config())
    assert stats.articles == 1 and (tmp_path / "staging" / "g00001" / "part-00000.done.json").exists()


def test_run_publishes_its_summary_as_an_artifact(tmp_path):
    import asyncio

    from prefect.client.orchestration import get_client
    from prefect.client.schemas.filters import ArtifactFilter, ArtifactFilterKey, ArtifactFilterFlowRunId

    state = flow_module.clean_articles(str(MIXED), str(tmp_path), return_state=True)
    summary = state.result()

    async def artifacts():
        async with get_client() as client:
            return await client.read_artifacts(artifact_filter=ArtifactFilter(
                key=ArtifactFilterKey(any_=["cleanpipe-run-summary"]),
                flow_run_id=ArtifactFilterFlowRunId(any_=[state.state_details.flow_run_id])))

    [artifact] = asyncio.run(artifacts())
    assert artifact.type == "markdown"
    assert f"| **inputs seen** | **{summary['inputs_seen']}** |" in artifact.data
    assert (tmp_path / "runs" / f"{summary['run_id']}.json").exists()


def test_parameters_are_validated(tmp_path):
    from prefect.exceptions import ParameterTypeError

    with pytest.raises(ParameterTypeError):
        flow_module.clean_articles(str(MIXED), str(tmp_path), batch_files=0)
    assert not (tmp_path / "articles").exists()


def test_scheduled_entry_point_chooses_the_runner_from_parameters(tmp_path):
    summary = flow_module.clean_articles_scheduled(str(MIXED), str(tmp_path), workers=1, runner="threads")
    assert summary["inputs_seen"] == 12 and summary["articles"] == 5
    from prefect.exceptions import ParameterTypeError

    with pytest.raises(ParameterTypeError):
        flow_module.clean_articles_scheduled(str(MIXED), str(tmp_path / "x"), runner="gpu")
