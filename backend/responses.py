"""Tasks written straight from their rows to JSON bytes, in the `TaskPublic` shape.

The rows come from our own table, whose constraints already guarantee that shape, so they
are not validated again on the way out: FastAPI's response validation cost about a tenth of
a request's CPU (`docs/performance.md`). The routes still declare `TaskPublic` for OpenAPI,
and schemathesis checks the replies against it (`tests/reliability/test_fuzz.py`).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from datetime import UTC
from typing import Any

from fastapi import Response
from pydantic_core import to_json

from backend.crud import TASK_FIELDS, TaskRow

CREATED_AT, UPDATED_AT = TASK_FIELDS.index("created_at"), TASK_FIELDS.index("updated_at")


def task_dict(row: TaskRow) -> dict[str, Any]:
    """A task as the API shows it, timestamps in UTC (written with `Z`).

    They are converted only when the session's time zone is not UTC at that instant.
    """
    task = dict(zip(TASK_FIELDS, row, strict=False))  # a list row ends with its total: ignored
    for index in (CREATED_AT, UPDATED_AT):
        if row[index].utcoffset():
            task[TASK_FIELDS[index]] = row[index].astimezone(UTC)
    return task


def task_response(
    row: TaskRow, *, status_code: int = 200, headers: Mapping[str, str] | None = None
) -> Response:
    return _json(task_dict(row), status_code, headers)


def tasks_response(rows: Iterable[TaskRow], *, headers: Mapping[str, str]) -> Response:
    return _json([task_dict(row) for row in rows], 200, headers)


def _json(content: Any, status_code: int, headers: Mapping[str, str] | None) -> Response:
    return Response(to_json(content), status_code, headers, media_type="application/json")
