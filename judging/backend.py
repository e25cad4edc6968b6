"""Our backend (or a patched copy of it) started through the harness's launcher.

It runs in a scratch folder, so no `.env` is read and `.data/` is never touched; without a
database URL it uses an embedded PostgreSQL whose data lives in that folder. Starting,
waiting until it serves and stopping are `harness.launcher.BackendProcess`'s.
"""

from __future__ import annotations

import os
import secrets
import shlex
import shutil
import signal
import sys
import tempfile
import time
from collections.abc import Callable, Mapping, Sequence
from pathlib import Path
from typing import Any

from harness.launcher import BackendProcess, LaunchSpec
from harness.live import free_port

AUTH_URL = "http://localhost:3000"  # the frontend origin it allows (CORS) and trusts for JWKS
READY_TIMEOUT_SECONDS = 90
STOP_TIMEOUT_SECONDS = 20
DATABASE_VARIABLES = ("NEON_DATABASE_URL", "DATABASE_URL")
PROJECT_ROOT = Path(__file__).resolve().parents[1]


def serve_command(port: int, workers: int) -> list[str]:
    """`python -m backend serve`: migrations, then the production server."""
    return [
        *(sys.executable, "-m", "backend", "serve", "--host", "127.0.0.1"),
        *("--port", str(port), "--workers", str(workers)),
    ]


class LocalBackend:
    """A backend command on 127.0.0.1 until `stop()`; `url`, `secret`, `auth_url` to reach it.

    `command` builds the command line from (port, workers); our own `python -m backend serve`
    by default. `database_url` is given to it as `NEON_DATABASE_URL`; without one it starts
    the embedded PostgreSQL in its scratch folder. What it prints goes to `log_path`.
    """

    def __init__(
        self,
        log_path: Path,
        *,
        workers: int = 1,
        port: int | None = None,
        database_url: str | None = None,
        command: Callable[[int, int], Sequence[str]] = serve_command,
        environment: Mapping[str, str] | None = None,
    ) -> None:
        self.secret = secrets.token_urlsafe(48)
        self.auth_url = AUTH_URL
        self.port = port or free_port()
        self.log_path = log_path
        self.workers = workers
        self.database_url = database_url
        self.command = shlex.join(command(self.port, workers))
        self.extra_environment = dict(environment or {})
        self.scratch = Path(tempfile.mkdtemp(prefix="todo-judging-"))
        self.data_dir = self.scratch / "postgres"
        self._process: BackendProcess | None = None

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def environment(self) -> dict[str, str]:
        env = {k: v for k, v in os.environ.items() if k not in DATABASE_VARIABLES}
        env.update(
            BETTER_AUTH_SECRET=self.secret,
            BETTER_AUTH_URL=self.auth_url,
            EMBEDDED_DB_DIR=str(self.data_dir),
            LOG_LEVEL="WARNING",
            PYTHONUNBUFFERED="1",
            PYTHONPATH=os.pathsep.join(filter(None, [str(PROJECT_ROOT), env.get("PYTHONPATH")])),
        )
        if self.database_url:
            env["NEON_DATABASE_URL"] = self.database_url
        env.update(self.extra_environment)
        return env

    def start(self) -> LocalBackend:
        """Launch it and wait until it answers HTTP (`harness.launcher.LaunchError` if not)."""
        spec = LaunchSpec(
            command=self.command,
            cwd=self.scratch,
            port=self.port,
            start_timeout=READY_TIMEOUT_SECONDS,
        )
        self._process = BackendProcess(spec, self.environment())
        self._process.start()
        return self

    def database_version(self) -> str | None:
        """The embedded PostgreSQL's major version, read from its data folder."""
        version_file = self.data_dir / "PG_VERSION"
        return version_file.read_text().strip() if version_file.exists() else None

    def stop(self) -> None:
        """Stop the server (and with it the database), keep its output, delete the scratch."""
        process, self._process = self._process, None
        if process is not None:
            process.stop()
            self.log_path.parent.mkdir(parents=True, exist_ok=True)
            self.log_path.write_text("\n".join(process.output.snapshot()) + "\n")
        self._stop_orphaned_database()
        shutil.rmtree(self.scratch, ignore_errors=True)

    def _stop_orphaned_database(self) -> None:
        """A killed backend leaves its PostgreSQL running: stop it by the pid it recorded."""
        pid_file = self.data_dir / "postmaster.pid"
        if not pid_file.exists():
            return
        try:
            pid = int(pid_file.read_text().split()[0])
            os.kill(pid, signal.SIGINT)  # PostgreSQL's "fast" shutdown
        except (ValueError, IndexError, ProcessLookupError, PermissionError):
            return
        deadline = time.monotonic() + STOP_TIMEOUT_SECONDS
        while pid_file.exists() and time.monotonic() < deadline:
            time.sleep(0.1)

    def __enter__(self) -> LocalBackend:
        try:
            return self.start()
        except BaseException:
            self.stop()
            raise

    def __exit__(self, *exc: Any) -> None:
        self.stop()
