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

from harness.launcher import BackendProcess, LaunchSpec
from harness.live import free_port

PROJECT_ROOT = Path(__file__).resolve().parent.parent
READY_TIMEOUT_SECONDS = 90


@dataclass(frozen=True)
class RunningServer:
    url: str
    secret: str
    process: BackendProcess  # `.pid`: the root of the server's process tree


def backend_command(port: int, workers: int) -> list[str]:
    """The production entry point: migrations, then uvicorn with `workers` processes."""
    return [
        sys.executable,
        "-m",
        "backend",
        "serve",
        "--port",
        str(port),
        "--workers",
        str(workers),
    ]


def ceiling_command(port: int, workers: int) -> list[str]:
    """The benchmark's framework + auth ceiling (`load/bench/ceiling.py`), served alike."""
    return [
        *(sys.executable, "-m", "uvicorn", "--factory", "load.bench.ceiling:create_app"),
        *("--port", str(port), "--workers", str(workers)),
        *("--log-level", "warning", "--no-access-log", "--no-server-header"),
    ]


@contextmanager
def running_server(
    database_url: str,
    *,
    workers: int = 2,
    auth_url: str | None = None,
    ceiling: bool = False,
) -> Iterator[RunningServer]:
    """Serve on a free port until the block ends; `ceiling` serves `load/bench/ceiling.py` instead.

    `auth_url` sets `BETTER_AUTH_URL` (where the JWKS mode's key server listens). Started and
    stopped by the harness's launcher (`harness.launcher.BackendProcess`).
    """
    port = free_port()
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
    build = ceiling_command if ceiling else backend_command
    with tempfile.TemporaryDirectory(prefix="todo-load-") as scratch:
        spec = LaunchSpec(
            command=shlex.join(build(port, workers)),
            cwd=Path(scratch),  # no `.env` of the developer's is read from here
            port=port,
            start_timeout=READY_TIMEOUT_SECONDS,
        )
        process = BackendProcess(spec, env).start()
        try:
            yield RunningServer(spec.base_url, secret, process)
        finally:
            process.stop()
