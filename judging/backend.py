"""Our backend (or a patched copy of it) as a child process: a port, a fresh secret, a database.

It runs in a scratch folder, so no `.env` is read and `.data/` is never touched; without a
database URL it uses an embedded PostgreSQL whose data lives in that folder.
"""

from __future__ import annotations

import os
import secrets
import shutil
import signal
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable, Mapping, Sequence
from pathlib import Path
from typing import IO, Any

import httpx

from harness.live import free_port
from harness.process_group import interrupt_group

AUTH_URL = "http://localhost:3000"  # the frontend origin it allows (CORS) and trusts for JWKS
READY_TIMEOUT_SECONDS = 90
STOP_TIMEOUT_SECONDS = 20
DATABASE_VARIABLES = ("NEON_DATABASE_URL", "DATABASE_URL")
PROJECT_ROOT = Path(__file__).resolve().parents[1]


class BackendFailed(RuntimeError):
    """The backend exited or never became ready; the message points at its log."""


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
    the embedded PostgreSQL in its scratch folder.
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
        self.command: Sequence[str] = command(self.port, workers)
        self.extra_environment = dict(environment or {})
        self.scratch = Path(tempfile.mkdtemp(prefix="todo-judging-"))
        self.data_dir = self.scratch / "postgres"
        self._process: subprocess.Popen[bytes] | None = None
        self._log: IO[bytes] | None = None

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
        """Launch it and wait until `/health/ready` answers 200."""
        self.log_path.parent.mkdir(parents=True, exist_ok=True)
        self._log = self.log_path.open("wb")
        self._process = subprocess.Popen(
            list(self.command),
            cwd=self.scratch,
            env=self.environment(),
            stdout=self._log,
            stderr=subprocess.STDOUT,
            start_new_session=True,  # Ctrl-C reaches us, and we stop it in order
        )
        self._wait_until_ready()
        return self

    def _wait_until_ready(self) -> None:
        deadline = time.monotonic() + READY_TIMEOUT_SECONDS
        while time.monotonic() < deadline:
            if self._process is not None and self._process.poll() is not None:
                raise BackendFailed(f"the backend exited; see {self.log_path}")
            try:
                if httpx.get(f"{self.url}/health/ready", timeout=2).status_code == 200:
                    return
            except httpx.HTTPError:
                pass
            time.sleep(0.2)
        raise BackendFailed(f"the backend was not ready in {READY_TIMEOUT_SECONDS} s")

    def database_version(self) -> str | None:
        """The embedded PostgreSQL's major version, read from its data folder."""
        version_file = self.data_dir / "PG_VERSION"
        return version_file.read_text().strip() if version_file.exists() else None

    def stop(self) -> None:
        """Stop the server (and with it the database), then delete the scratch folder."""
        process, self._process = self._process, None
        if process is not None:
            interrupt_group(process, STOP_TIMEOUT_SECONDS)
        self._stop_orphaned_database()
        if self._log is not None:
            self._log.close()
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
