"""Task rows as the queries hand them over: dicts keyed by the column names each statement
selects, their timestamps in UTC."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import UTC, datetime
from typing import Any, NotRequired, TypedDict

from psycopg import AsyncCursor
from psycopg.rows import AsyncRowFactory, RowMaker


class TaskRow(TypedDict):
    """A row of `tasks`, as every task statement returns it: the `TaskPublic` fields."""

    id: int
    user_id: str
    title: str
    description: str | None
    completed: bool
    created_at: datetime
    updated_at: datetime


class ListedRow(TaskRow):
    """A row of the list query, which also counts the matches (the same on every row)."""

    total: NotRequired[int]


def utc_dicts(names: Sequence[str]) -> AsyncRowFactory[dict[str, Any]]:
    """A psycopg row factory for statements selecting the columns `names`, in that order: a
    dict per row, its timestamps converted to UTC only when the session's time zone is not UTC
    at that instant (the JSON then writes them with `Z`). The names are given, not read from
    each result, which would cost more than the rest (`docs/performance.md`)."""

    def utc_dict(values: Sequence[Any]) -> dict[str, Any]:
        # As many names as columns, statement by statement: tests/backend/test_rows.py (checking
        # it on every row, `strict=True`, costs as much as the rest: docs/performance.md).
        row = dict(zip(names, values, strict=False))
        if row["created_at"].utcoffset():
            row["created_at"] = row["created_at"].astimezone(UTC)
        if row["updated_at"].utcoffset():
            row["updated_at"] = row["updated_at"].astimezone(UTC)
        return row

    def factory(cursor: AsyncCursor[Any]) -> RowMaker[dict[str, Any]]:
        return utc_dict

    return factory
