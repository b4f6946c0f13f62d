"""prefect.yaml for real: a Prefect server, a process work pool, `prefect deploy`, a worker,
and a one-off `prefect deployment run` with parameters, all on 127.0.0.1 in a temporary home."""

import json
import os
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path

import httpx
import pytest

from conftest import FIXTURES

REPO = Path(__file__).resolve().parent.parent
BIN = Path(sys.executable).parent

pytestmark = pytest.mark.slow


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _stop(process: subprocess.Popen) -> None:
    """Stop a process group: SIGTERM, then SIGKILL (a worker may ignore the first SIGTERM)."""
    if process.poll() is None:
        os.killpg(process.pid, signal.SIGTERM)
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            os.killpg(process.pid, signal.SIGKILL)
            process.wait(timeout=10)


@pytest.fixture(scope="module")
def server(tmp_path_factory):
    home = tmp_path_factory.mktemp("prefect-home")
    port = _free_port()
    api = f"http://127.0.0.1:{port}/api"
    env = {
        **os.environ, "PREFECT_HOME": str(home), "PREFECT_API_URL": api, "DO_NOT_TRACK": "1",
        "PREFECT_SERVER_ANALYTICS_ENABLED": "false", "PATH": f"{BIN}{os.pathsep}{os.environ['PATH']}",
        "CLEANPIPE_HOME": str(REPO), "PREFECT_LOGGING_LEVEL": "WARNING",
    }
    log = open(home / "server.log", "w")
    process = subprocess.Popen([str(BIN / "prefect"), "server", "start", "--host", "127.0.0.1", "--port", str(port)],
                               env={k: v for k, v in env.items() if k != "PREFECT_API_URL"},
                               stdout=log, stderr=subprocess.STDOUT, start_new_session=True)
    try:
        deadline = time.monotonic() + 120
        while True:
            try:
                if httpx.get(f"{api}/health", timeout=2).status_code == 200:
                    break
            except httpx.HTTPError:
                pass
            assert process.poll() is None and time.monotonic() < deadline, (home / "server.log").read_text()[-2000:]
            time.sleep(1)
        yield api, env
    finally:
        _stop(process)
        log.close()


def _prefect(env, *args, timeout=240):
    result = subprocess.run([str(BIN / "prefect"), "--no-prompt", *args], cwd=REPO, env=env,
                            capture_output=True, text=True, timeout=timeout)
    assert result.returncode == 0, result.stdout[-3000:] + result.stderr[-3000:]
    return result.stdout


def test_deploy_schedule_worker_and_one_off_run(server, tmp_path):
    api, env = server
    _prefect(env, "work-pool", "create", "cleanpipe", "--type", "process")
    _prefect(env, "deploy", "--all")
    deployment = httpx.get(f"{api}/deployments/name/clean-articles-scheduled/hourly", timeout=10).json()
    assert deployment["entrypoint"] == "flows/clean_articles.py:clean_articles_scheduled"
    assert [s["schedule"]["cron"] for s in deployment["schedules"]] == ["0 * * * *"]
    assert deployment["global_concurrency_limit"]["limit"] == 1

    worker = subprocess.Popen([str(BIN / "prefect"), "worker", "start", "--pool", "cleanpipe"], cwd=REPO, env=env,
                              stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, start_new_session=True)
    try:
        clean = tmp_path / "clean"
        _prefect(env, "deployment", "run", "clean-articles-scheduled/hourly",
                 "-p", f"raw_dir={FIXTURES / 'raw_mixed'}", "-p", f"clean_dir={clean}", "-p", "batch_files=4",
                 "-p", "workers=2",
                 "--watch", "--watch-timeout", "180")
    finally:
        _stop(worker)

    [summary_file] = (clean / "runs").glob("*.json")
    summary = json.loads(summary_file.read_text())
    assert (summary["inputs_seen"], summary["articles"]) == (12, 5)
    assert len(list((clean / "articles").glob("part-*.jsonl"))) == 3
    artifacts = httpx.post(f"{api}/artifacts/filter", timeout=10,
                           json={"artifacts": {"key": {"any_": ["cleanpipe-run-summary"]}}}).json()
    assert len(artifacts) == 1
    assert summary_file.stem == artifacts[0]["flow_run_id"]
    assert "| **inputs seen** | **12** |" in artifacts[0]["data"]
