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
