"""The connection pool, built from settings and hardened for Neon (idle cuts, restarts).

SQLAlchemy keeps the pool (connections opened on demand, replaced after idle cuts, recycled);
requests run their prebuilt SQL on the pooled psycopg connection itself, since SQLAlchemy's
`Connection` and its reset-on-return cost a large share of a request's CPU
(`docs/performance.md`).
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import Any

import psycopg
from psycopg import pq
from sqlalchemy import event, exc
from sqlalchemy.engine import make_url
from sqlalchemy.ext.asyncio import AsyncEngine, create_async_engine
from sqlalchemy.pool import PoolProxiedConnection
from sqlalchemy.util import greenlet_spawn

from backend.settings import Settings


class DatabaseUnavailable(Exception):
    """The database could not be reached or did not answer in time (mapped to 503)."""


# A connection idle at least this long is pinged before reuse (see `ping_when_idle`).
PING_AFTER_IDLE_SECONDS = 1.0

# Errors that mean "the database is not there right now", as opposed to a bug of ours.
UNAVAILABLE_ERRORS: tuple[type[BaseException], ...] = (
    psycopg.OperationalError,  # includes a statement cancelled at the deadline
    psycopg.InterfaceError,
    exc.OperationalError,  # raised by the pool when it cannot connect
    exc.InterfaceError,
    exc.TimeoutError,
    TimeoutError,
    OSError,
)


def create_engine(settings: Settings, database_url: str) -> AsyncEngine:
    """An autocommit pool: each statement is its own atomic transaction, one round trip each.

    Nothing is reset on return (there is never a transaction to roll back): `Database` hands
    back only connections left idle, and discards the others.
    """
    engine = create_async_engine(
        make_url(database_url),
        isolation_level="AUTOCOMMIT",
        pool_reset_on_return=None,
        pool_size=settings.db_pool_size,
        max_overflow=settings.db_max_overflow,
        pool_timeout=settings.db_pool_timeout_seconds,
        pool_recycle=settings.db_pool_recycle_seconds,
        connect_args=connect_args(settings),
    )
    ping_when_idle(engine)
    return engine


def ping_when_idle(engine: AsyncEngine, idle_seconds: float = PING_AFTER_IDLE_SECONDS) -> None:
    """Before reusing a connection that sat idle, check it answers; if not, open a new one.

    What `pool_pre_ping` does, minus the round trip on busy connections: one that worked
    milliseconds ago is alive, while one left idle may have been cut by Neon or a restart.
    """

    @event.listens_for(engine.sync_engine, "checkin")
    def _idle_from_now(dbapi_connection: Any, record: Any) -> None:
        record.info["idle_since"] = time.monotonic()

    @event.listens_for(engine.sync_engine, "checkout")
    def _ping_if_idle(dbapi_connection: Any, record: Any, proxy: Any) -> None:
        idle_since = record.info.get("idle_since")
        if idle_since is None or time.monotonic() - idle_since < idle_seconds:
            return
        try:
            engine.dialect.do_ping(dbapi_connection)
        except Exception:
            raise exc.DisconnectionError from None  # the pool replaces it and tries again


def connect_args(settings: Settings) -> dict[str, Any]:
    """libpq/psycopg options shared by the app and the migrations."""
    return {
        "connect_timeout": settings.db_connect_timeout_seconds,
        "prepare_threshold": settings.db_prepare_threshold,
        "application_name": "todo-backend",
    }


class Database:
    """The engine, a fair queue in front of its pool, and the deadline every unit of work meets.

    - `connections`: how many units of work run at once (the pool's size plus its overflow);
    - `queue_seconds`: how long a request may wait for its turn (`DB_POOL_TIMEOUT_SECONDS`);
    - `work_seconds`: how long a unit of work may take once its turn came, the checkout and
      every statement included (`DB_STATEMENT_TIMEOUT_SECONDS`).
    """

    def __init__(
        self, engine: AsyncEngine, *, connections: int, queue_seconds: float, work_seconds: float
    ) -> None:
        self.engine = engine
        self.queue_seconds = queue_seconds
        self.work_seconds = work_seconds
        # First come, first served: the pool's own waiters can be overtaken by newcomers, which
        # under 200 concurrent clients left a few waiting past their time (503) while others
        # flowed (docs/performance.md).
        self._turns = asyncio.Semaphore(connections)

    @asynccontextmanager
    async def connect(self) -> AsyncIterator[psycopg.AsyncConnection[Any]]:
        """A pooled autocommit connection whose work must finish within the deadline, else 503.

        The deadline is enforced on the client, so it also holds behind PgBouncer or Neon's
        pooler (where a server-side `statement_timeout` cannot be set at connect time);
        psycopg cancels the running statement on the server when the deadline passes.
        """
        await self._take_turn()
        try:
            async with asyncio.timeout(self.work_seconds):
                pooled = await self.engine.raw_connection()
                try:
                    yield _driver_connection(pooled)
                finally:
                    await greenlet_spawn(_give_back, pooled)
        except UNAVAILABLE_ERRORS as error:
            raise DatabaseUnavailable(type(error).__name__) from None
        finally:
            self._turns.release()

    async def _take_turn(self) -> None:
        """A place among the `connections` units of work: at once when one is free and nobody
        waits (no timer to arm), else in arrival order within `queue_seconds`, else 503."""
        if not self._turns.locked():
            await self._turns.acquire()  # returns without suspending
            return
        try:
            async with asyncio.timeout(self.queue_seconds):
                await self._turns.acquire()
        except TimeoutError:
            raise DatabaseUnavailable("all connections busy") from None

    async def dispose(self) -> None:
        await self.engine.dispose()


def _driver_connection(pooled: PoolProxiedConnection) -> psycopg.AsyncConnection[Any]:
    """The psycopg connection under the pool's wrapper (gone once the wrapper is invalidated)."""
    connection = pooled.driver_connection
    if not isinstance(connection, psycopg.AsyncConnection):
        raise DatabaseUnavailable("connection invalidated")
    return connection


def _give_back(pooled: PoolProxiedConnection) -> None:
    """Return a healthy, idle connection to the pool; close any other (broken, mid-query)."""
    connection = pooled.driver_connection
    if (
        not isinstance(connection, psycopg.AsyncConnection)
        or connection.closed
        or connection.info.transaction_status != pq.TransactionStatus.IDLE
    ):
        pooled.invalidate()
    else:
        pooled.close()
