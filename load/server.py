"""Run the backend as production does, on a throwaway database, for load runs and benchmarks.

The server runs from a scratch directory with a fresh secret, no `.env` and the database URL it
is given, so a load run or a benchmark never reads or writes the developer's data.
"""

from __future__ import annotations

import os
import secrets
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import BinaryIO

from backend.server import APP_FACTORY
from harness.live import free_port
from harness.process_group import interrupt_group
from load.bench.layers import DEFAULT_LAYER

PROJECT_ROOT = Path(__file__).resolve().parent.parent
READY_TIMEOUT_SECONDS = 90
STOP_TIMEOUT_SECONDS = 20


@dataclass(frozen=True)
class RunningServer:
    url: str
    secret: str
    process: subprocess.Popen[bytes]


def backend_command(port: int, workers: int) -> list[str]:
    """The production entry point: migrations, then `backend/server.py` with `workers` processes."""
    return [
        *(sys.executable, "-m", "backend", "serve"),
        *("--port", str(port), "--workers", str(workers)),
    ]


def layer_command(port: int, workers: int, *, target: str, layer: str) -> list[str]:
    """The app factory `target` on the server layer `layer` (`load/bench/layers.py`)."""
    return [
        *(sys.executable, "-m", "load.bench.serve", target, "--server", layer),
        *("--port", str(port), "--workers", str(workers)),
    ]


@contextmanager
def running_server(
    database_url: str,
    *,
    workers: int = 2,
    auth_url: str | None = None,
    target: str | None = None,
    layer: str | None = None,
    ready_path: str = "/health/ready",
    port: int = 0,
) -> Iterator[RunningServer]:
    """Serve on `port` (0: a free one) until the block ends: `python -m backend serve`
    (production's layer), or else the app factory `target` (default: the backend's) on the server
    layer `layer`.

    `auth_url` sets `BETTER_AUTH_URL` (where the JWKS mode's key server listens); the server
    is ready when `ready_path` answers 200.
    """
    port = port or free_port()
    secret = secrets.token_urlsafe(48)
    env = {
        **os.environ,
        "BETTER_AUTH_SECRET": secret,
        "NEON_DATABASE_URL": database_url,
        "LOG_LEVEL": "WARNING",
        "PYTHONPATH": os.pathsep.join(
            filter(None, [str(PROJECT_ROOT), os.environ.get("PYTHONPATH")])
        ),
    }
    env.pop("DATABASE_URL", None)
    if auth_url:
        env["BETTER_AUTH_URL"] = auth_url
    if target is None and layer in (None, DEFAULT_LAYER):
        command = backend_command(port, workers)
    else:
        command = layer_command(
            port, workers, target=target or APP_FACTORY, layer=layer or DEFAULT_LAYER
        )
    with (
        tempfile.TemporaryDirectory(prefix="todo-load-") as scratch,
        open(Path(scratch) / "server.log", "w+b") as log,
    ):
        process = subprocess.Popen(
            command,
            cwd=scratch,  # no `.env` of the developer's is read from here
            env=env,
            stdout=log,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
        server = RunningServer(f"http://127.0.0.1:{port}", secret, process)
        try:
            _wait_ready(server, log, ready_path)
            yield server
        finally:
            interrupt_group(process, STOP_TIMEOUT_SECONDS)


def _wait_ready(server: RunningServer, log: BinaryIO, path: str) -> None:
    deadline = time.monotonic() + READY_TIMEOUT_SECONDS
    while time.monotonic() < deadline:
        if server.process.poll() is not None:
            raise RuntimeError(f"the server exited on start:\n{_tail(log)}")
        try:
            with urllib.request.urlopen(server.url + path, timeout=2) as response:
                if response.status == 200:
                    return
        except (urllib.error.URLError, OSError):
            pass
        time.sleep(0.25)
    raise RuntimeError(f"the server was not ready in {READY_TIMEOUT_SECONDS} s:\n{_tail(log)}")


def _tail(log: BinaryIO) -> str:
    log.seek(0)
    return log.read()[-3000:].decode(errors="replace")
