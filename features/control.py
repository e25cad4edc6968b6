"""What the features can do to a backend they started themselves: restart it, cut its database
off, read its logs, look into its database, start it from an environment.

Two kinds: `LocalControl` for our own stack in this process, `LaunchedControl` for a team's
backend started from its command (whole-backend mode). Steps use only what both offer, so the
restart, outage, logging and configuration requirements are judged the same way for both.
Over `BASE_URL` there is no control, and the checks that need one are not run.
"""

from __future__ import annotations

import logging
import re
import secrets
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Protocol

import pytest

from backend.logs import JsonFormatter
from backend.settings import Settings, load_settings
from harness.judge_tokens import Hs256Minter, Minter, TokenShape
from harness.launcher import Launched, Output
from harness.live import LiveServer, free_port
from harness.stack import Stack, settings_for

RECOVERY_SECONDS = 10
LOG_WAIT_SECONDS = 2.0
SETTLE_SECONDS = 0.1
SETTINGS_VARIABLES = [name.upper() for name in Settings.model_fields] + [
    "NEON_DATABASE_URL",
    "DATABASE_URL",
]


class LogWatch(Protocol):
    def lines(self) -> list[str]: ...

    def close(self) -> None: ...


@dataclass(frozen=True)
class Configured:
    """A backend started from an environment we chose: where it answers, how to mint tokens
    it should trust, the frontend origin and database the environment named."""

    base_url: str
    minter: Minter
    frontend_origin: str
    database_url: str


class Control(Protocol):
    database_url: str

    def restart(self) -> None: ...

    def cut_database(self, request: pytest.FixtureRequest) -> str:
        """Make the database unreachable until the scenario ends; the URL to talk to meanwhile."""
        ...

    def watch_logs(self, request: pytest.FixtureRequest) -> LogWatch: ...

    def configured_from_environment(self, request: pytest.FixtureRequest) -> Configured: ...


def wait_for_match(
    watch: LogWatch, pattern: re.Pattern[str], seen: int, timeout: float = LOG_WAIT_SECONDS
) -> tuple[bool, int]:
    """Whether a line after the first `seen` matches `pattern` within `timeout`; and how many
    lines there are once the output has settled (so the next request's lines start there)."""
    deadline = time.monotonic() + timeout
    while not any(pattern.search(line) for line in watch.lines()[seen:]):
        if time.monotonic() > deadline:
            return False, len(watch.lines())
        time.sleep(0.05)
    count = len(watch.lines())
    while True:
        time.sleep(SETTLE_SECONDS)
        if (settled := len(watch.lines())) == count:
            return True, count
        count = settled


class _RecordWatch(logging.Handler):
    """The `todo.*` records of our in-process backend, formatted as its JSON log lines."""

    def __init__(self) -> None:
        super().__init__()
        self.setFormatter(JsonFormatter())
        self._lines: list[str] = []
        logging.getLogger("todo").addHandler(self)

    def emit(self, record: logging.LogRecord) -> None:
        self._lines.append(self.format(record))

    def lines(self) -> list[str]:
        return list(self._lines)

    def close(self) -> None:
        logging.getLogger("todo").removeHandler(self)
        super().close()


@dataclass
class _OutputWatch:
    """The lines a launched process printed since the watch began."""

    output: Output
    start: int

    def lines(self) -> list[str]:
        return self.output.snapshot()[self.start :]

    def close(self) -> None:
        pass


class LocalControl:
    """Our stack in this process: restarts on the same port, outages on a dedicated server."""

    def __init__(self, stack: Stack, shape: TokenShape) -> None:
        self.stack = stack
        self.shape = shape
        url = stack.settings.database_url
        if url is None:
            raise RuntimeError("the local stack runs without a database")
        self.database_url = url.get_secret_value()

    def restart(self) -> None:
        stopped = self.stack.server
        stopped.stop()
        self.stack.server = LiveServer(stopped.settings, port=stopped.port).start()

    def _serve(self, request: pytest.FixtureRequest, settings: Settings) -> LiveServer:
        server = LiveServer(settings).start()
        request.addfinalizer(server.stop)
        return server

    def cut_database(self, request: pytest.FixtureRequest) -> str:
        """A server of ours whose database is a port nobody listens on."""
        nowhere = f"postgresql://todo:hunter2@127.0.0.1:{free_port()}/todo"
        settings = settings_for(
            nowhere,
            better_auth_secret=self.stack.secret,
            better_auth_url=self.stack.auth_base_url,
        )
        return self._serve(request, settings).url

    def watch_logs(self, request: pytest.FixtureRequest) -> LogWatch:
        watch = _RecordWatch()
        request.addfinalizer(watch.close)
        return watch

    def configured_from_environment(self, request: pytest.FixtureRequest) -> Configured:
        """`load_settings()` in an empty folder: a fresh secret and origin, a Neon-style URL."""
        monkeypatch = request.getfixturevalue("monkeypatch")
        tmp_path: Path = request.getfixturevalue("tmp_path")
        monkeypatch.chdir(tmp_path)
        for name in SETTINGS_VARIABLES:
            monkeypatch.delenv(name, raising=False)
        neon_style = re.sub(r"^postgresql\+psycopg://", "postgresql://", self.database_url)
        environment = {
            "BETTER_AUTH_SECRET": secrets.token_urlsafe(40),
            "BETTER_AUTH_URL": f"http://localhost:{free_port()}",
            "NEON_DATABASE_URL": neon_style
            + ("&" if "?" in neon_style else "?")
            + "sslmode=prefer",
        }
        for name, value in environment.items():
            monkeypatch.setenv(name, value)
        server = self._serve(request, load_settings())
        return Configured(
            base_url=server.url,
            minter=Hs256Minter(environment["BETTER_AUTH_SECRET"], self.shape),
            frontend_origin=environment["BETTER_AUTH_URL"],
            database_url=environment["NEON_DATABASE_URL"],
        )


class LaunchedControl:
    """A team's backend we started: restart its process, cut its database's proxy, read its output.

    `recovered` says whether the backend serves again; after an outage that it does not get
    over by itself within `RECOVERY_SECONDS`, it is restarted so later checks are not dragged
    down (the spec assumed a stable database: A-1).
    """

    def __init__(self, launched: Launched, minter: Minter, recovered: Callable[[], bool]) -> None:
        self.launched = launched
        self.minter = minter
        self.recovered = recovered
        self.database_url = launched.database_url

    def restart(self) -> None:
        self.launched.process.restart()

    def cut_database(self, request: pytest.FixtureRequest) -> str:
        self.launched.proxy.cut()
        request.addfinalizer(self._restore)
        return self.launched.base_url

    def _restore(self) -> None:
        self.launched.proxy.restore()
        deadline = time.monotonic() + RECOVERY_SECONDS
        while time.monotonic() < deadline:
            if self.recovered():
                return
            time.sleep(0.5)
        self.restart()

    def watch_logs(self, request: pytest.FixtureRequest) -> LogWatch:
        output = self.launched.process.output
        return _OutputWatch(output, len(output.snapshot()))

    def configured_from_environment(self, request: pytest.FixtureRequest) -> Configured:
        """The launched backend itself: it got a fresh secret, origin and database from us."""
        return Configured(
            base_url=self.launched.base_url,
            minter=self.minter,
            frontend_origin=self.launched.environment["BETTER_AUTH_URL"],
            database_url=self.launched.database_url,
        )
