"""Benchmark data: N users with T tasks each, ids laid out so scripts can compute them."""

from __future__ import annotations

from pathlib import Path

import psycopg

from backend.database_url import libpq_url
from harness import better_auth
from harness.tokens import hs256_token

FIRST_USER = 100_001  # user ids are numbers written as text, so pgbench can compute them
BIG_USER = "bench-big"


def reset(database_url: str, users: int, tasks: int) -> None:
    """Empty the table, then give user k (from FIRST_USER) the ids (k - FIRST_USER) * T + 1 ...

    In one transaction: a create left in flight by the previous wrk run waits for it instead
    of taking id 1 between the two statements and shifting every seeded id (404s next run).
    """
    with psycopg.connect(libpq_url(database_url), autocommit=True) as conn:
        with conn.transaction():
            conn.execute("TRUNCATE tasks RESTART IDENTITY")
            conn.execute(
                """
            INSERT INTO tasks (user_id, title, description, completed)
            SELECT (%(first)s + k)::text, 'Task ' || n,
                   CASE WHEN n %% 2 = 0 THEN 'Seeded by the benchmark' END, n %% 3 = 0
              FROM generate_series(0, %(users)s - 1) AS k, generate_series(1, %(tasks)s) AS n
             ORDER BY k, n
            """,
                {"first": FIRST_USER, "users": users, "tasks": tasks},
            )
        conn.execute("VACUUM ANALYZE tasks")


def add_big_user(database_url: str, tasks: int) -> None:
    """One user with `tasks` tasks (EC-8)."""
    with psycopg.connect(libpq_url(database_url), autocommit=True) as conn:
        conn.execute(
            """
            INSERT INTO tasks (user_id, title, description, completed)
            SELECT %s, 'Big list task ' || n, 'A description of moderate length, ' || n, false
              FROM generate_series(1, %s) AS n
            """,
            [BIG_USER, tasks],
        )
        conn.execute("ANALYZE tasks")


def write_users(path: Path, secret: str, users: int, tasks: int) -> None:
    """Lines "user token first_task_id" for the wrk script."""
    lines = []
    for k in range(users):
        user = str(FIRST_USER + k)
        lines.append(f"{user} {hs256_token(user, secret, ttl=3600)} {k * tasks + 1}\n")
    path.write_text("".join(lines))


def write_session_users(path: Path, database_url: str, secret: str, users: int, tasks: int) -> None:
    """The same users, each with a Better Auth session (rows in its tables) as their token."""
    ids = [str(FIRST_USER + k) for k in range(users)]
    tokens = better_auth.insert_sessions(database_url, ids, ttl=3600)
    lines = [
        f"{user} {better_auth.bearer_value(token, secret)} {k * tasks + 1}\n"
        for k, (user, token) in enumerate(zip(ids, tokens, strict=True))
    ]
    path.write_text("".join(lines))
