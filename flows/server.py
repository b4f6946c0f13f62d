"""Prefect's embedded server, started early so its start-up overlaps the run's own preparation.

A run through the embedded server waits 5-20 s for it (a fresh database costs the most:
``../shared/notes/prefect-3.9.md``). The server is a subprocess, so starting it before the
flow module is imported and the rule packs are loaded lets both happen at once on a
machine with a second core.

Worker processes must be told where it is. Prefect hands each process-pool worker the
flow's settings, and with no API URL among them every worker started an embedded server
of its own: two more uvicorn processes on a 2-core machine, ~5 CPU-seconds and ~220 MB
each (measured on 10,000 texts: bench/results/whole_process.md). So the flow runs with the
one server's URL in its settings.
"""

import threading
from collections.abc import Callable
from contextlib import AbstractContextManager, nullcontext


def start_embedded_server() -> Callable[[], AbstractContextManager]:
    """Begin starting the embedded server in a thread.

    Nothing is started when a Prefect API is configured (a real server, a test harness):
    the flow then talks to that one. A failed start is left to the flow, which starts the
    server again itself and reports why it cannot.

    Returns:
        A function that waits for the server and returns a context to run the flow in: the
        server's URL as ``PREFECT_API_URL``, which the flow's worker processes inherit (a
        null context when nothing was started or the start failed).
    """
    from prefect.settings import PREFECT_API_URL

    if PREFECT_API_URL.value():
        return nullcontext

    started = []  # the server, once it answers

    def start() -> None:
        from prefect.server.api.server import SubprocessASGIServer  # a heavy import: in this thread too

        try:
            server = SubprocessASGIServer()
            server.start()
            started.append(server)
        except Exception:  # noqa: BLE001 - the flow's own start raises it with Prefect's message
            pass

    thread = threading.Thread(target=start, name="prefect-embedded-server", daemon=True)
    thread.start()

    def ready() -> AbstractContextManager:
        from prefect.settings import temporary_settings

        thread.join()
        if not started:
            return nullcontext()
        return temporary_settings({PREFECT_API_URL: started[0].api_url})

    return ready
