"""Better Auth's own tables and session tokens, for tests: what its PostgreSQL adapter creates.

The DDL follows Better Auth's schema (camelCase columns, `timestamptz` dates) for the `user`
and `session` tables only, which is all the backend reads. It lives here, in the harness, never
in our migrations: in production Better Auth's own migrations create these tables.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import secrets
import string
import time
from datetime import UTC, datetime
from urllib.parse import quote

import psycopg

from backend.database_url import libpq_url

TOKEN_ALPHABET = string.ascii_letters + string.digits
DEFAULT_SESSION_SECONDS = 7 * 24 * 3600  # Better Auth's default `session.expiresIn`

DDL = """
CREATE TABLE IF NOT EXISTS "user" (
    "id" text PRIMARY KEY,
    "name" text NOT NULL,
    "email" text NOT NULL UNIQUE,
    "emailVerified" boolean NOT NULL,
    "image" text,
    "createdAt" timestamptz NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updatedAt" timestamptz NOT NULL DEFAULT CURRENT_TIMESTAMP
);
CREATE TABLE IF NOT EXISTS "session" (
    "id" text PRIMARY KEY,
    "expiresAt" timestamptz NOT NULL,
    "token" text NOT NULL UNIQUE,
    "createdAt" timestamptz NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updatedAt" timestamptz NOT NULL,
    "ipAddress" text,
    "userAgent" text,
    "userId" text NOT NULL REFERENCES "user" ("id") ON DELETE CASCADE
);
CREATE INDEX IF NOT EXISTS "session_userId_idx" ON "session" ("userId");
"""


def create_tables(database_url: str) -> None:
    """Better Auth's `user` and `session` tables, as its migrations would make them."""
    with psycopg.connect(libpq_url(database_url), autocommit=True) as conn:
        conn.execute(DDL)


def new_token() -> str:
    """A session token as Better Auth makes one: 32 random letters and digits."""
    return "".join(secrets.choice(TOKEN_ALPHABET) for _ in range(32))


def sign(token: str, secret: str) -> str:
    """The cookie signature Better Auth (better-call) appends: base64 HMAC-SHA256, padded."""
    mac = hmac.new(secret.encode(), token.encode(), hashlib.sha256).digest()
    return base64.b64encode(mac).decode()


def bearer_value(token: str, secret: str, *, signed: bool = True, url_encoded: bool = False) -> str:
    """What the bearer plugin hands out (`token.signature`), or the bare token, or URL-encoded."""
    value = f"{token}.{sign(token, secret)}" if signed else token
    return quote(value, safe="") if url_encoded else value


def session_end(ttl: float | None = None, now: float | None = None) -> datetime:
    started = now if now is not None else time.time()
    seconds = DEFAULT_SESSION_SECONDS if ttl is None else ttl
    return datetime.fromtimestamp(started + seconds, UTC)


def insert_session(
    database_url: str, user_id: str, *, ttl: float | None = None, now: float | None = None
) -> str:
    """A session row (and its user, if new) in Better Auth's tables; returns the raw token."""
    return insert_sessions(database_url, [user_id], ttl=ttl, now=now)[0]


def insert_sessions(
    database_url: str, user_ids: list[str], *, ttl: float | None = None, now: float | None = None
) -> list[str]:
    """One session per user id (users created when new), in one transaction; the raw tokens."""
    started = datetime.fromtimestamp(now if now is not None else time.time(), UTC)
    ends = session_end(ttl, now)
    tokens = [new_token() for _ in user_ids]
    # executemany prepares its statement: not through a pooler that cannot keep it (PgBouncer
    # before 1.21 in transaction mode, where .ci/run also runs this).
    with (
        psycopg.connect(libpq_url(database_url), prepare_threshold=None) as conn,
        conn.cursor() as cursor,
    ):
        cursor.executemany(
            'INSERT INTO "user" ("id", "name", "email", "emailVerified", "createdAt", "updatedAt")'
            ' VALUES (%s, %s, %s, false, %s, %s) ON CONFLICT ("id") DO NOTHING',
            [(user, "Test User", f"{user}@example.com", started, started) for user in user_ids],
        )
        cursor.executemany(
            'INSERT INTO "session" ("id", "expiresAt", "token", "createdAt", "updatedAt",'
            ' "userId") VALUES (%s, %s, %s, %s, %s, %s)',
            [
                (new_token(), ends, token, started, started, user)
                for user, token in zip(user_ids, tokens, strict=True)
            ],
        )
    return tokens


def delete_session(database_url: str, token: str) -> None:
    """What signing out does: the session row goes."""
    with psycopg.connect(libpq_url(database_url), autocommit=True) as conn:
        conn.execute('DELETE FROM "session" WHERE "token" = %s', [token])
