"""Task rows are keyed by the columns each statement really selects (`backend/rows.py` names
them without reading every result), and those are the fields the API shows."""

from __future__ import annotations

import pytest
from psycopg import Cursor

from backend import crud
from backend.models import TaskPublic, TaskStatus
from backend.rows import TaskRow
from tests.support import Connect

PARAMETERS = {
    "owner": "rows-test",
    "task_key": 1,
    "user_id": "rows-test",
    "title": "A task",
    "description": None,
    "completed": False,
    "skip": 0,
    "take": 10,
    "new_title": "Renamed",
    "new_description": None,
    "new_completed": True,
}


def selected(cursor: Cursor[tuple[object, ...]]) -> tuple[str, ...]:
    return tuple(column.name for column in cursor.description or ())


@pytest.mark.parametrize(
    "statement",
    [
        crud.CREATE,
        crud.GET,
        crud.TOGGLE,
        crud._update_statement(("title",)),
        crud._update_statement(("completed", "description", "title")),
    ],
    ids=["create", "get", "toggle", "update-one", "update-all"],
)
def test_each_task_statement_selects_the_named_columns(
    database_url: str, sql: Connect, statement: str
) -> None:
    with sql(database_url) as conn, conn.transaction(force_rollback=True):
        assert selected(conn.execute(statement, PARAMETERS)) == crud.COLUMN_NAMES


@pytest.mark.parametrize("limited", [True, False])
@pytest.mark.parametrize("status", ["all", "pending", "completed"])
def test_the_list_query_selects_the_named_columns_and_its_count(
    database_url: str, sql: Connect, status: TaskStatus, limited: bool
) -> None:
    page, _ = crud._list_statement(status, "-updated", limited)
    with sql(database_url) as conn:
        assert selected(conn.execute(page, PARAMETERS)) == (*crud.COLUMN_NAMES, "total")


def test_the_row_keys_are_the_public_fields() -> None:
    assert tuple(TaskRow.__annotations__) == crud.COLUMN_NAMES
    assert set(crud.COLUMN_NAMES) == set(TaskPublic.model_fields)
