"""Our own `tasks` table on the local stack: a shortcut for setting up many tasks at once."""

from __future__ import annotations

from sqlalchemy import create_engine, text

from backend.database_url import normalise_database_url


class TaskStore:
    """The `tasks` table of the database at `url` (any form `NEON_DATABASE_URL` accepts)."""

    def __init__(self, url: str) -> None:
        self.url = normalise_database_url(url)

    def insert_tasks(self, user_id: str, count: int) -> None:
        """`count` tasks titled "Task 1" … in one statement."""
        engine = create_engine(self.url)
        try:
            with engine.begin() as conn:
                conn.execute(
                    text(
                        "INSERT INTO tasks (user_id, title, completed)"
                        " SELECT :user_id, 'Task ' || n, false FROM generate_series(1, :count) n"
                    ),
                    {"user_id": user_id, "count": count},
                )
        finally:
            engine.dispose()
