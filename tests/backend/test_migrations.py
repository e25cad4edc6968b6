"""The Alembic migrations build exactly the schema the models describe, constraints included."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

import pytest
from alembic import command
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import Connection, create_engine, exc, text

from backend import migrate
from backend.models import Task
from harness import better_auth
from harness.database import throwaway_database

CATALOG = {
    "columns": """
        SELECT column_name, data_type, character_maximum_length, is_nullable, column_default
        FROM information_schema.columns WHERE table_name = 'tasks' ORDER BY column_name""",
    "constraints": """
        SELECT conname, contype, pg_get_constraintdef(oid) FROM pg_constraint
        WHERE conrelid = 'tasks'::regclass AND contype <> 'p' ORDER BY conname""",
    "primary key": """
        SELECT pg_get_constraintdef(oid) FROM pg_constraint
        WHERE conrelid = 'tasks'::regclass AND contype = 'p'""",
    "indexes": """
        SELECT indexname, indexdef FROM pg_indexes
        WHERE tablename = 'tasks' AND indexname NOT LIKE '%pkey' ORDER BY indexname""",
}


@contextmanager
def connected(url: str) -> Iterator[Connection]:
    engine = create_engine(url)
    try:
        with engine.connect() as conn:
            yield conn
    finally:
        engine.dispose()


def catalog(conn: Connection) -> dict[str, list[tuple[Any, ...]]]:
    """The schema of `tasks` as PostgreSQL itself describes it."""
    return {
        name: [tuple(row) for row in conn.execute(text(query))] for name, query in CATALOG.items()
    }


def test_autogenerate_finds_no_difference_between_models_and_migrations(database_url: str) -> None:
    with connected(database_url) as conn:
        context = MigrationContext.configure(conn, opts={"compare_type": True})
        assert compare_metadata(context, Task.metadata) == []


def test_the_migrated_schema_equals_the_models_schema_in_the_catalog(
    fresh_database: str, database_server: str
) -> None:
    with throwaway_database(database_server, prefix="todo_models") as models_url:
        with connected(models_url) as conn:
            Task.metadata.create_all(conn)
            conn.commit()
            from_models = catalog(conn)
    with connected(fresh_database) as conn:
        from_migrations = catalog(conn)

    assert from_migrations == from_models
    names = {row[0] for row in from_migrations["constraints"]}
    assert {"ck_tasks_title", "ck_tasks_description", "ck_tasks_user_id"} <= names
    index = dict(from_migrations["indexes"])["ix_tasks_user_id_created_at_id"]
    assert "(user_id, created_at, id)" in index


def test_the_database_is_at_the_newest_revision(database_url: str) -> None:
    heads = ScriptDirectory.from_config(migrate.alembic_config(database_url)).get_heads()
    with connected(database_url) as conn:
        assert set(MigrationContext.configure(conn).get_current_heads()) == set(heads)
    assert len(heads) == 1


@pytest.mark.parametrize(
    ("columns", "values"),
    [
        ("user_id, title, completed", "'u', '', false"),
        ("user_id, title, completed", "'u', ' padded ', false"),
        ("user_id, title, completed", f"'u', '{'x' * 201}', false"),
        ("user_id, title, description, completed", f"'u', 't', '{'d' * 1001}', false"),
        ("user_id, title, completed", "'', 't', false"),
        ("user_id, title, completed", "NULL, 't', false"),
        ("user_id, title, completed", "'u', NULL, false"),
        ("user_id, title, completed", "'u', 't', NULL"),
        ("user_id, title, completed", f"'{'u' * 256}', 't', false"),
    ],
    ids=[
        "empty-title",
        "untrimmed-title",
        "long-title",
        "long-description",
        "empty-user",
        "null-user",
        "null-title",
        "null-completed",
        "long-user",
    ],
)
def test_the_database_itself_refuses_rows_the_api_would_refuse(
    database_url: str, columns: str, values: str
) -> None:
    with connected(database_url) as conn, pytest.raises((exc.IntegrityError, exc.DataError)):
        conn.execute(text(f"INSERT INTO tasks ({columns}) VALUES ({values})"))


def test_the_boundary_rows_are_stored(database_url: str) -> None:
    with connected(database_url) as conn:
        stored = conn.execute(
            text(
                "INSERT INTO tasks (user_id, title, description, completed)"
                " VALUES (:user, :title, :description, false) RETURNING title, description"
            ),
            {"user": "u" * 255, "title": "😀" * 200, "description": "d" * 1000},
        ).one()
        conn.rollback()
    assert tuple(stored) == ("😀" * 200, "d" * 1000)


def test_migrations_go_down_and_up_again(fresh_database: str) -> None:
    config = migrate.alembic_config(fresh_database)
    command.downgrade(config, "base")
    with connected(fresh_database) as conn:
        assert conn.scalar(text("SELECT to_regclass('tasks')")) is None
    command.upgrade(config, "head")
    with connected(fresh_database) as conn:
        assert conn.scalar(text("SELECT to_regclass('tasks')")) is not None


def test_autogenerate_leaves_better_auths_tables_alone(fresh_database: str) -> None:
    """A database shared with Better Auth: its tables are not ours to drop."""
    better_auth.create_tables(fresh_database)
    with connected(fresh_database) as conn:
        unfiltered = MigrationContext.configure(conn, opts={"compare_type": True})
        assert {"user", "session"} <= {
            change[1].name for change in compare_metadata(unfiltered, Task.metadata)
        }
        filtered = MigrationContext.configure(
            conn, opts={"compare_type": True, "include_name": migrate.ours}
        )
        assert compare_metadata(filtered, Task.metadata) == []
