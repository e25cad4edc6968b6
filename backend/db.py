"""The connection pool, built from settings and hardened for Neon (idle cuts, restarts)."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import Any

from sqlalchemy import exc
from sqlalchemy.engine import make_url
from sqlalchemy.ext.asyncio import AsyncConnection, AsyncEngine, create_async_engine

from backend.settings import Settings


class DatabaseUnavailable(Exception):
    """The database could not be reached or did not answer in time (mapped to 503)."""


# Errors that mean "the database is not there right now", as opposed to a bug of ours.
UNAVAILABLE_ERRORS: tuple[type[BaseException], ...] = (
    exc.OperationalError,
    exc.InterfaceError,
    exc.TimeoutError,
    TimeoutError,
    OSError,
)


def create_engine(settings: Settings, database_url: str) -> AsyncEngine:
    """An autocommit pool: each statement is its own atomic transaction, one round trip each."""
    return create_async_engine(
        make_url(database_url),
        isolation_level="AUTOCOMMIT",
        pool_size=settings.db_pool_size,
        max_overflow=settings.db_max_overflow,
        pool_timeout=settings.db_pool_timeout_seconds,
        pool_recycle=settings.db_pool_recycle_seconds,
        pool_pre_ping=True,
        connect_args=connect_args(settings),
    )


def connect_args(settings: Settings) -> dict[str, Any]:
    """libpq/psycopg options shared by the app and the migrations."""
    return {
        "connect_timeout": settings.db_connect_timeout_seconds,
        "prepare_threshold": settings.db_prepare_threshold,
        "application_name": "todo-backend",
    }


class Database:
    """The engine plus the deadline every unit of work must meet."""

    def __init__(self, engine: AsyncEngine, timeout: float) -> None:
        self.engine = engine
        self.timeout = timeout

    @asynccontextmanager
    async def connect(self) -> AsyncIterator[AsyncConnection]:
        """A pooled connection whose work must finish within the deadline, else 503.

        The deadline is enforced on the client, so it also holds behind PgBouncer or Neon's
        pooler (where a server-side `statement_timeout` cannot be set at connect time);
        psycopg cancels the running statement on the server when the deadline passes.
        """
        try:
            async with asyncio.timeout(self.timeout), self.engine.connect() as conn:
                yield conn
        except UNAVAILABLE_ERRORS as error:
            raise DatabaseUnavailable(type(error).__name__) from None
        except exc.DBAPIError as error:
            if error.connection_invalidated:
                raise DatabaseUnavailable(type(error).__name__) from None
            raise

    async def dispose(self) -> None:
        await self.engine.dispose()
