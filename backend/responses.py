"""Tasks written straight from their rows to JSON bytes, in the `TaskPublic` shape.

The rows come from our own table, whose constraints already guarantee that shape, so they
are not validated again on the way out: FastAPI's response validation costs a measurable
share of a request's CPU (`docs/performance.md`). The routes still declare `TaskPublic` for OpenAPI,
and schemathesis checks the replies against it (`tests/reliability/test_fuzz.py`).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

from fastapi import Response
from pydantic_core import to_json

from backend.rows import TaskRow

JSON = "application/json"


def task_response(
    row: TaskRow, *, status_code: int = 200, headers: Mapping[str, str] | None = None
) -> Response:
    return Response(to_json(row), status_code, headers, media_type=JSON)


def tasks_response(rows: Sequence[TaskRow], *, headers: Mapping[str, str]) -> Response:
    return Response(to_json(rows), 200, headers, media_type=JSON)
