"""Shared fixtures: one throwaway PostgreSQL and one live backend per test session.

Layout: `backend/` (mirroring the package: a module's own tests), `api/` (the HTTP API on a live
server), `load/`, `harness/`, `reliability/` (slow, faults), `interop/` (the real Better Auth).
The folders have no `__init__.py`: with one, `tests/backend` would be imported as `backend`.
"""

from __future__ import annotations

import logging
import os
import signal
import uuid
from collections.abc import Callable, Iterator
from contextlib import ExitStack
from typing import Any

import psycopg
import pytest
from psycopg.rows import TupleRow

from backend.database_url import libpq_url
from backend.signals import STOP_SIGNALS
from harness.browser import chromium_path, headless_chromium
from harness.client import TodoClient
from harness.database import throwaway_server
from harness.stack import Stack, local_stack, migrated_database
from tests.support import Connect, RecordedEvents


def pytest_configure(config: pytest.Config) -> None:
    """SIGTERM and SIGHUP (`timeout`, CI, a closed terminal) end the run as Ctrl-C does, so the
    fixtures' clean-up stops every server and database they started."""
    for signum in STOP_SIGNALS:
        if signal.getsignal(signum) != signal.SIG_IGN:
            signal.signal(signum, _interrupt)


def _interrupt(signum: int, frame: object) -> None:
    raise KeyboardInterrupt


@pytest.fixture(scope="session")
def database_server() -> Iterator[str]:
    """The session's PostgreSQL server: embedded, or `TEST_DATABASE_URL`'s."""
    with throwaway_server() as server_url:
        yield server_url


@pytest.fixture(scope="session")
def database_url(database_server: str) -> Iterator[str]:
    """A migrated database on the embedded server (or `TEST_DATABASE_URL`'s), dropped afterwards."""
    with ExitStack() as stack:
        yield migrated_database(stack, database_server)


@pytest.fixture
def fresh_database(database_server: str) -> Iterator[str]:
    """A migrated database of this test's own (for restarts and schema checks)."""
    with ExitStack() as stack:
        yield migrated_database(stack, database_server)


@pytest.fixture(scope="session")
def stack(database_url: str) -> Iterator[Stack]:
    """The session's backend, on `TEST_PORT` when set (a firewall, a look while it runs)."""
    port = int(os.environ["TEST_PORT"]) if os.environ.get("TEST_PORT") else None
    with local_stack(database_url, port=port) as running:
        yield running


@pytest.fixture(scope="module")
def browser() -> Iterator[Any]:
    """Headless Chromium (Playwright's `Browser`), or a skip when it is not installed."""
    pytest.importorskip("playwright.sync_api")
    executable = chromium_path()
    if executable is None:
        pytest.skip("Debian's chromium is not installed (.ci/run installs it)")
    with headless_chromium(executable) as launched:
        yield launched


def new_user_id() -> str:
    """A user no other test uses, so tests never see each other's tasks."""
    return f"user-{uuid.uuid4().hex[:10]}"


@pytest.fixture
def user_id() -> str:
    return new_user_id()


@pytest.fixture
def client(stack: Stack, user_id: str) -> Iterator[TodoClient]:
    api = stack.client(user_id)
    yield api
    api.close()


@pytest.fixture
def other_user_id() -> str:
    return new_user_id()


@pytest.fixture
def other_client(stack: Stack, other_user_id: str) -> Iterator[TodoClient]:
    """A second user of the same backend."""
    api = stack.client(other_user_id)
    yield api
    api.close()


@pytest.fixture
def sql() -> Connect:
    """`sql(database_url)`: a direct autocommit psycopg connection, to set up or break things."""

    def connect(database_url: str) -> psycopg.Connection[TupleRow]:
        return psycopg.connect(libpq_url(database_url), autocommit=True)

    return connect


@pytest.fixture
def record_logs() -> Iterator[Callable[[str], RecordedEvents]]:
    """`record_logs("todo.access")`: the records that logger emits while the test runs."""
    attached: list[tuple[logging.Logger, RecordedEvents]] = []

    def record(name: str) -> RecordedEvents:
        recorder = RecordedEvents()
        logger = logging.getLogger(name)
        logger.addHandler(recorder)
        attached.append((logger, recorder))
        return recorder

    yield record
    for logger, recorder in attached:
        logger.removeHandler(recorder)


@pytest.fixture
def security_events(record_logs: Callable[[str], RecordedEvents]) -> RecordedEvents:
    """The security events (`todo.security`) logged while the test runs."""
    return record_logs("todo.security")
