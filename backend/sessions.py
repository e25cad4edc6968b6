"""Better Auth sessions read straight from its own `session` table (a database shared with it).

Table and column names are settings (Better Auth lets them be renamed); they are checked to be
plain identifiers and quoted. `AutoSessions` is the `SESSION_LOOKUP=auto` choice: the table
when it exists in our database, else Better Auth's HTTP API, decided on the first lookup.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime

import psycopg

from backend.auth.session import (
    SessionLookupUnavailable,
    SessionRecord,
    SessionStore,
    SessionToken,
)
from backend.db import Database
from backend.logs import app_log


@dataclass(frozen=True)
class SessionTable:
    """Where Better Auth keeps sessions: `table` may be schema-qualified (`auth.session`)."""

    table: str = "session"
    token: str = "token"
    user_id: str = "userId"
    expires_at: str = "expiresAt"

    @property
    def quoted_table(self) -> str:
        return ".".join(_quoted(part) for part in self.table.split("."))


class DatabaseSessions:
    """Looks a session up by its token: one indexed query (the column is unique)."""

    def __init__(self, database: Database, names: SessionTable) -> None:
        self.database = database
        self.names = names
        self._select = (
            f"SELECT {_quoted(names.user_id)}, {_quoted(names.expires_at)}"
            f" FROM {names.quoted_table} WHERE {_quoted(names.token)} = %(token)s"
        )

    async def exists(self) -> bool:
        """Whether the table is there (Better Auth's migrations ran on this database)."""
        async with self.database.connect() as conn:
            cursor = await conn.execute(
                "SELECT to_regclass(%(table)s) IS NOT NULL", {"table": self.names.quoted_table}
            )
            (present,) = await cursor.fetchone() or (False,)
        return bool(present)

    async def find(self, session: SessionToken) -> SessionRecord | None:
        try:
            async with self.database.connect() as conn:
                cursor = await conn.execute(self._select, {"token": session.token})
                row = await cursor.fetchone()
        except psycopg.Error as error:  # no such table or column, no privilege: set-up, not auth
            app_log.warning(
                "session lookup failed",
                extra={"reason": type(error).__name__, "store": "database"},
            )
            raise SessionLookupUnavailable(type(error).__name__) from None
        if row is None:
            return None
        user_id, expires_at = row
        if not isinstance(expires_at, datetime):
            app_log.warning(
                "session lookup failed", extra={"reason": "not_a_timestamp", "store": "database"}
            )
            raise SessionLookupUnavailable("not_a_timestamp")
        if expires_at.tzinfo is None:  # a `timestamp` column: Better Auth's servers run in UTC
            expires_at = expires_at.replace(tzinfo=UTC)
        return SessionRecord(str(user_id), expires_at)

    async def aclose(self) -> None:
        """The pool belongs to the app; nothing of its own to close."""


class AutoSessions:
    """Better Auth's table if this database has it, else its HTTP API (chosen once, logged)."""

    def __init__(self, table: DatabaseSessions, http: SessionStore) -> None:
        self._table = table
        self._http = http
        self._chosen: SessionStore | None = None

    async def find(self, session: SessionToken) -> SessionRecord | None:
        if self._chosen is None:
            self._chosen = self._table if await self._table.exists() else self._http
            where = "database table" if self._chosen is self._table else "Better Auth HTTP API"
            app_log.info("session lookup: %s", where, extra={"session_lookup": where})
        return await self._chosen.find(session)

    async def aclose(self) -> None:
        await self._http.aclose()


def _quoted(identifier: str) -> str:
    return '"' + identifier.replace('"', '""') + '"'
