"""Whole-backend mode: start another team's backend from its command, on a database we provide.

The harness makes a fresh database on a PostgreSQL it owns (the embedded one, or the server
of `TEST_DATABASE_URL`), puts a TCP proxy in front of it (so the database can be cut off and
restored without touching the server), and starts the team's command with the database URL
in the variable and scheme the team's code reads. It waits until the port answers HTTP, keeps
every line the process prints, and can restart the process on the same port.

Configured by `JUDGE_BACKEND_COMMAND`, `JUDGE_BACKEND_CWD`, `JUDGE_BACKEND_PORT`,
`JUDGE_DATABASE_VARIABLE` and `JUDGE_DATABASE_SCHEME` (docs/judging.md).
"""

from __future__ import annotations

import os
import subprocess
import threading
import time
from collections.abc import Callable, Iterator, Mapping
from contextlib import ExitStack, contextmanager
from dataclasses import dataclass, field, replace
from pathlib import Path

import httpx
from sqlalchemy.engine import make_url

from harness.database import throwaway_database, throwaway_server
from harness.fault_proxy import FaultProxy
from harness.live import free_port
from harness.process_group import interrupt_group

STOP_SECONDS = 15
# Variables of ours that must not reach the team's process (it gets exactly what we give it).
WITHHELD = ("BASE_URL", "TEST_DATABASE_URL", "NEON_DATABASE_URL", "DATABASE_URL", "PORT")
WITHHELD_PREFIXES = ("JUDGE_", "BETTER_AUTH_", "PYTEST_")


class LaunchError(RuntimeError):
    """The backend did not come up; the message carries the end of its output."""


@dataclass(frozen=True)
class LaunchSpec:
    """How to start the team's backend."""

    command: str
    cwd: Path
    port: int
    database_variable: str = "NEON_DATABASE_URL"
    database_scheme: str = "postgresql"
    start_timeout: float = 60.0
    port_given: bool = False
    """The team named the port (`JUDGE_BACKEND_PORT`): never moved to another one."""

    @classmethod
    def from_environment(cls, environ: Mapping[str, str] = os.environ) -> LaunchSpec | None:
        command = environ.get("JUDGE_BACKEND_COMMAND", "").strip()
        if not command:
            return None
        return cls(
            command=command,
            cwd=Path(environ.get("JUDGE_BACKEND_CWD") or ".").resolve(),
            port=int(environ.get("JUDGE_BACKEND_PORT") or free_port()),
            port_given=bool(environ.get("JUDGE_BACKEND_PORT")),
            database_variable=environ.get("JUDGE_DATABASE_VARIABLE") or "NEON_DATABASE_URL",
            database_scheme=environ.get("JUDGE_DATABASE_SCHEME") or "postgresql",
            start_timeout=float(environ.get("JUDGE_BACKEND_START_TIMEOUT") or 60),
        )

    @property
    def base_url(self) -> str:
        return f"http://127.0.0.1:{self.port}"


@dataclass
class Output:
    """Every line a process printed (stdout and stderr), read as it comes."""

    lines: list[str] = field(default_factory=list)
    _lock: threading.Lock = field(default_factory=threading.Lock)

    def follow(self, stream: Iterator[str]) -> None:
        for line in stream:
            with self._lock:
                self.lines.append(line.rstrip("\n"))

    def snapshot(self) -> list[str]:
        with self._lock:
            return list(self.lines)

    def tail(self, count: int = 15) -> str:
        return "\n".join(self.snapshot()[-count:])


class BackendProcess:
    """The team's command, in its own process group, restartable on the same port."""

    def __init__(self, spec: LaunchSpec, environment: Mapping[str, str]) -> None:
        self.spec = spec
        self.environment = dict(environment)
        self.output = Output()
        self.starts = 0
        self._process: subprocess.Popen[str] | None = None
        self._reader: threading.Thread | None = None

    def start(self) -> BackendProcess:
        self._process = subprocess.Popen(
            ["sh", "-c", self.spec.command],
            cwd=self.spec.cwd,
            env=self.environment,
            stdin=subprocess.DEVNULL,
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
            text=True,
            process_group=0,
        )
        self.starts += 1
        assert self._process.stdout is not None
        self._reader = threading.Thread(
            target=self.output.follow, args=(self._process.stdout,), daemon=True
        )
        self._reader.start()
        self._wait_until_serving()
        return self

    def _wait_until_serving(self) -> None:
        deadline = time.monotonic() + self.spec.start_timeout
        while time.monotonic() < deadline:
            if self._process is None or self._process.poll() is not None:
                code = None if self._process is None else self._process.returncode
                if self._reader is not None:
                    self._reader.join(timeout=2)  # its last lines say why
                raise LaunchError(
                    f"the backend command exited ({code}) before serving:\n{self.output.tail()}"
                )
            try:
                httpx.get(self.spec.base_url + "/", timeout=1)
                return
            except httpx.TransportError:
                time.sleep(0.1)
        self.stop()
        raise LaunchError(
            f"nothing answered on port {self.spec.port} within {self.spec.start_timeout:.0f} s:\n"
            f"{self.output.tail()}"
        )

    def stop(self) -> None:
        if self._process is not None:
            interrupt_group(self._process, STOP_SECONDS)
            self._process = None

    def restart(self) -> None:
        self.stop()
        self.start()

    @property
    def pid(self) -> int | None:
        """The command's process id (the root of its process group) while it runs."""
        return self._process.pid if self._process is not None else None

    @property
    def running(self) -> bool:
        return self._process is not None and self._process.poll() is None


@dataclass
class Launched:
    """A started backend, the proxy in front of its database, and that database's direct URL."""

    process: BackendProcess
    proxy: FaultProxy
    database_url: str

    @property
    def base_url(self) -> str:
        return self.process.spec.base_url

    @property
    def environment(self) -> dict[str, str]:
        return self.process.environment


def team_database_url(url: str, scheme: str) -> str:
    """`url` in the scheme the team reads (`postgresql`, `postgres`, `postgresql+asyncpg`)."""
    rendered = make_url(url).set(drivername="postgresql").render_as_string(hide_password=False)
    return scheme + rendered.removeprefix("postgresql")


def child_environment(settings: Mapping[str, str]) -> dict[str, str]:
    """Our environment without our own settings, plus the ones given to the team's backend."""
    inherited = {
        name: value
        for name, value in os.environ.items()
        if name not in WITHHELD and not name.startswith(WITHHELD_PREFIXES)
    }
    return {**inherited, **settings}


@contextmanager
def launch(spec: LaunchSpec, settings: Mapping[str, str]) -> Iterator[Launched]:
    """Start the backend with `settings` (secret, frontend URL, ...) and a fresh database."""
    with ExitStack() as resources:
        server_url = resources.enter_context(throwaway_server())
        database_url = resources.enter_context(throwaway_database(server_url, prefix="judge"))
        proxy = resources.enter_context(FaultProxy(database_url))
        team_url = team_database_url(proxy.url_for(database_url), spec.database_scheme)

        def environment(port: int) -> dict[str, str]:
            return child_environment(
                {**settings, spec.database_variable: team_url, "PORT": str(port)}
            )

        process = _started(spec, environment)
        resources.callback(process.stop)
        yield Launched(process=process, proxy=proxy, database_url=database_url)


PORT_ATTEMPTS = 3
PORT_TAKEN = ("address already in use", "eaddrinuse", "address in use")


def _started(spec: LaunchSpec, environment: Callable[[int], dict[str, str]]) -> BackendProcess:
    """The backend, started; if it exited because its port was taken in the meantime (between
    `free_port()` and its bind, by another judge or an outgoing connection), started again on
    another free port, up to `PORT_ATTEMPTS` times in all. A port the team named stays."""
    attempt = 1
    while True:
        process = BackendProcess(spec, environment(spec.port))
        try:
            return process.start()
        except LaunchError:
            process.stop()
            printed = "\n".join(process.output.snapshot()).lower()  # not only the tail
            taken = any(words in printed for words in PORT_TAKEN)
            if not taken or spec.port_given or attempt == PORT_ATTEMPTS:
                raise
        attempt += 1
        spec = replace(spec, port=free_port())
