"""Direct access to the local stack's database, for set-up shortcuts and schema checks."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

from sqlalchemy import Connection, create_engine, text

from backend.database_url import normalise_database_url


class TaskStore:
    """The `tasks` table of the database at `url` (any form `NEON_DATABASE_URL` accepts)."""

    def __init__(self, url: str) -> None:
        self.url = normalise_database_url(url)

    @contextmanager
    def connect(self) -> Iterator[Connection]:
        engine = create_engine(self.url)
        try:
            with engine.begin() as conn:
                yield conn
        finally:
            engine.dispose()

    def insert_tasks(self, user_id: str, count: int) -> None:
        """`count` tasks titled "Task 1" … in one statement."""
        with self.connect() as conn:
            conn.execute(
                text(
                    "INSERT INTO tasks (user_id, title, completed)"
                    " SELECT :user_id, 'Task ' || n, false FROM generate_series(1, :count) AS n"
                ),
                {"user_id": user_id, "count": count},
            )

    def titles_of(self, user_id: str) -> list[str]:
        with self.connect() as conn:
            query = text("SELECT title FROM tasks WHERE user_id = :user_id ORDER BY id")
            return list(conn.scalars(query, {"user_id": user_id}))

    def index_definitions(self) -> list[str]:
        with self.connect() as conn:
            query = text("SELECT indexdef FROM pg_indexes WHERE tablename = 'tasks'")
            return list(conn.scalars(query))
