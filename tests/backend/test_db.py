"""The pool replaces a connection that died while idle, without failing a request (Neon cuts)."""

from __future__ import annotations

import asyncio

import psycopg

from backend.database_url import libpq_url
from backend.db import PING_AFTER_IDLE_SECONDS, Database, create_engine
from harness.stack import settings_for


def _terminate(database_url: str, pid: int) -> bool:
    """Kill one server backend, as Neon's idle cut-off or a database restart would."""
    with psycopg.connect(libpq_url(database_url), autocommit=True) as admin:
        terminated = admin.execute("SELECT pg_terminate_backend(%s)", [pid]).fetchone()
    return bool(terminated and terminated[0])


def test_a_connection_killed_while_idle_is_replaced_transparently(database_url: str) -> None:
    settings = settings_for(database_url, db_pool_size=1, db_max_overflow=0)

    async def scenario() -> tuple[int, int]:
        engine = create_engine(settings, database_url)
        database = Database(engine, connections=5, queue_seconds=2, work_seconds=5)
        try:
            async with database.connect() as conn:
                first = conn.info.backend_pid
            assert _terminate(database_url, first)
            await asyncio.sleep(PING_AFTER_IDLE_SECONDS + 0.2)
            async with database.connect() as conn:
                second = conn.info.backend_pid
        finally:
            await database.dispose()
        return first, second

    first, second = asyncio.run(scenario())
    assert second != first  # answered by a new connection, not an error
