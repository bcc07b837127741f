"""The real server for benchmarks that measure HTTP: `uvicorn --factory provider.web.asgi:web_app`, as
deployed, in a process of its own on a free port of 127.0.0.1.

In a thread of the benchmark's own process the server would share one interpreter lock with the client
reading its answers, and a batch's rate would count the client's work as the server's. A domain's
benchmark never builds the app itself: the process does, from the environment, as a deployment does.
"""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager

from sqlalchemy import Engine

STARTUP_SECONDS = 60


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@contextmanager
def serving(engine: Engine) -> Iterator[str]:
    """The server's base URL while it runs on `engine`'s database; stopped on leaving."""
    port = free_port()
    environment = {**os.environ, "PECR_DATABASE_URL": engine.url.render_as_string(hide_password=False)}
    command = [sys.executable, "-m", "uvicorn", "--factory", "provider.web.asgi:web_app"]
    process = subprocess.Popen(
        [*command, "--host", "127.0.0.1", "--port", str(port), "--log-level", "warning"], env=environment
    )
    try:
        _wait_for(process, port)
        yield f"http://127.0.0.1:{port}"
    finally:
        process.terminate()
        try:
            process.wait(timeout=30)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()


def _wait_for(process: subprocess.Popen, port: int) -> None:
    deadline = time.monotonic() + STARTUP_SECONDS
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"the benchmark server exited with status {process.returncode}")
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=1):
                return
        except OSError:
            time.sleep(0.2)
    raise RuntimeError("the benchmark server did not start")
