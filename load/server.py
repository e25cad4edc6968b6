"""Run the backend as production does, on a throwaway database, for load runs and benchmarks.

The server runs from a scratch directory with a fresh secret, no `.env` and the database URL it
is given, so a load run or a benchmark never reads or writes the developer's data.
"""

from __future__ import annotations

import os
import secrets
import shlex
import sys
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

from backend.server import APP_FACTORY
from harness.launcher import BackendProcess, LaunchSpec
from harness.live import free_port
from load.bench.layers import DEFAULT_LAYER

PROJECT_ROOT = Path(__file__).resolve().parent.parent
READY_TIMEOUT_SECONDS = 90


@dataclass(frozen=True)
class RunningServer:
    url: str
    secret: str
    process: BackendProcess

    @property
    def pid(self) -> int:
        """The server's own process: the root of its process tree (workers are its children)."""
        pid = self.process.pid
        if pid is None:
            raise RuntimeError("the server is not running")
        return pid


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
    port: int = 0,
) -> Iterator[RunningServer]:
    """Serve on `port` (0: a free one) until the block ends: `python -m backend serve`
    (production's layer), or else the app factory `target` (default: the backend's) on the server
    layer `layer`. Started and stopped by the harness's launcher (`harness.launcher`).

    `auth_url` sets `BETTER_AUTH_URL` (where the JWKS mode's key server listens).
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
    with tempfile.TemporaryDirectory(prefix="todo-load-") as scratch:
        spec = LaunchSpec(
            command="exec " + shlex.join(command),  # its pid is the server's own
            cwd=Path(scratch),  # no `.env` of the developer's is read from here
            port=port,
            start_timeout=READY_TIMEOUT_SECONDS,
        )
        process = BackendProcess(spec, env).start()
        try:
            yield RunningServer(spec.base_url, secret, process)
        finally:
            process.stop()
