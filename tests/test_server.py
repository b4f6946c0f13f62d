"""Tests for cleanpipe_flows.server: the embedded server started ahead of the flow."""

import os
import subprocess
import sys
import threading

from prefect.settings import PREFECT_API_URL, temporary_settings

from cleanpipe_flows.server import start_embedded_server


def test_a_configured_api_starts_nothing():
    with temporary_settings({PREFECT_API_URL: "http://127.0.0.1:9/api"}):
        wait = start_embedded_server()
    wait()
    assert not [t for t in threading.enumerate() if t.name == "prefect-embedded-server"]


def test_without_an_api_the_server_is_healthy_once_waited_for(tmp_path):
    # A fresh interpreter: no test harness, no API configured, a throwaway Prefect home.
    script = (
        "import httpx\n"
        "from prefect.server.api.server import SubprocessASGIServer\n"
        "from cleanpipe_flows.server import start_embedded_server\n"
        "start_embedded_server()()\n"
        "server = SubprocessASGIServer()\n"
        "print(server.running, httpx.get(server.api_url + '/health').status_code)\n"
        "server.stop()\n"
    )
    env = {k: v for k, v in os.environ.items() if not k.startswith("PREFECT_")}
    env.update(PREFECT_HOME=str(tmp_path), DO_NOT_TRACK="1", PREFECT_SERVER_ANALYTICS_ENABLED="false",
               PREFECT_SERVER_EPHEMERAL_STARTUP_TIMEOUT_SECONDS="90")
    done = subprocess.run([sys.executable, "-c", script], env=env, capture_output=True, text=True, timeout=180)
    assert done.returncode == 0, done.stderr
    assert done.stdout.split() == ["True", "200"]


def test_process_pool_workers_use_the_one_embedded_server(tmp_path):
    # Without the server's URL in the flow's settings, each worker process started an
    # embedded server of its own (an extra uvicorn per core).
    script = (
        "from prefect import flow, task\n"
        "from prefect.settings import PREFECT_API_URL\n"
        "from prefect.task_runners import ProcessPoolTaskRunner\n"
        "from prefect.server.api.server import SubprocessASGIServer\n"
        "from cleanpipe_flows.server import start_embedded_server\n"
        "@task\n"
        "def api_url_seen():\n"
        "    return PREFECT_API_URL.value()\n"
        "@flow(task_runner=ProcessPoolTaskRunner(max_workers=1))\n"
        "def probe():\n"
        "    return api_url_seen.submit().result()\n"
        "if __name__ == '__main__':\n"
        "    with start_embedded_server()():\n"
        "        seen = probe()\n"
        "    print(seen == SubprocessASGIServer().api_url, seen.startswith('http://127.0.0.1:'))\n"
    )
    (tmp_path / "probe.py").write_text(script)
    env = {k: v for k, v in os.environ.items() if not k.startswith("PREFECT_")}
    env.update(PREFECT_HOME=str(tmp_path / "home"), DO_NOT_TRACK="1", PREFECT_SERVER_ANALYTICS_ENABLED="false",
               PREFECT_SERVER_EPHEMERAL_STARTUP_TIMEOUT_SECONDS="90", PREFECT_LOGGING_LEVEL="WARNING")
    done = subprocess.run([sys.executable, str(tmp_path / "probe.py")], env=env, capture_output=True, text=True,
                          timeout=300, cwd=tmp_path)
    assert done.returncode == 0, done.stderr
    assert done.stdout.split()[-2:] == ["True", "True"]
