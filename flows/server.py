"""Prefect's embedded server, started early so its start-up overlaps the run's own preparation.

A run through the embedded server waits 5-20 s for it (a fresh database costs the most:
``../shared/notes/prefect-3.9.md``). The server is a subprocess, so starting it before the
flow module is imported and the rule packs and language profiles are loaded lets both
happen at once on a machine with a second core.
"""

import threading
from collections.abc import Callable


def start_embedded_server() -> Callable[[], None]:
    """Begin starting the embedded server in a thread; returns a function that waits for it.

    Nothing is started when a Prefect API is configured (a real server, a test harness):
    the flow then talks to that one. A failed start is left to the flow, which starts the
    server again itself and reports why it cannot.
    """
    from prefect.settings import PREFECT_API_URL

    if PREFECT_API_URL.value():
        return lambda: None

    def start() -> None:
        from prefect.server.api.server import SubprocessASGIServer

        try:
            SubprocessASGIServer().start()
        except Exception:  # noqa: BLE001 - the flow's own start raises it with Prefect's message
            pass

    thread = threading.Thread(target=start, name="prefect-embedded-server", daemon=True)
    thread.start()
    return thread.join
