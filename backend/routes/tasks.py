"""The six locked endpoints under `/api/{user_id}/tasks` (FR-014)."""

from __future__ import annotations

import re
from typing import Annotated, Any
from urllib.parse import quote

from fastapi import APIRouter, HTTPException, Path, Query, Response, status
from pydantic import BeforeValidator

from backend import crud
from backend.dependencies import Owner
from backend.models import ErrorResponse, TaskCreate, TaskPublic, TaskSort, TaskStatus, TaskUpdate
from backend.responses import task_response, tasks_response
from backend.routes.authorized import AuthorizedRoute
from backend.rows import TaskRow

NOT_FOUND = "Task not found"

Responses = dict[int | str, dict[str, Any]]  # what FastAPI's `responses=` takes

_errors: Responses = {
    401: {"model": ErrorResponse, "description": "Missing, invalid or expired token"},
    403: {"model": ErrorResponse, "description": "The path names another user"},
    500: {"model": ErrorResponse, "description": "Unexpected error (generic message)"},
    503: {"model": ErrorResponse, "description": "Database unavailable; retry after `Retry-After`"},
}
_bad_body: Responses = {
    400: {"model": ErrorResponse, "description": "Malformed JSON or not JSON"},
    413: {"model": ErrorResponse, "description": "Body over 64 KiB"},
}
_not_found: Responses = {404: {"model": ErrorResponse, "description": "No such task for this user"}}

router = APIRouter(
    prefix="/api/{user_id}/tasks", tags=["tasks"], responses=_errors, route_class=AuthorizedRoute
)

_CANONICAL_ID = re.compile(r"[1-9][0-9]{0,9}")


def _canonical(value: object) -> object:
    """Ids as the API writes them: `10`, never `010`, `+10`, `1_0` or ` 10` (all 422)."""
    if isinstance(value, str) and not _CANONICAL_ID.fullmatch(value):
        raise ValueError("must be a task id as the API writes it: digits, no leading zero")
    return value


TaskId = Annotated[
    int, BeforeValidator(_canonical), Path(ge=1, le=2**31 - 1, description="The task's id")
]


@router.get("", response_model=list[TaskPublic])
async def list_tasks(
    owner: Owner,
    status_filter: Annotated[TaskStatus, Query(alias="status")] = "all",
    sort: TaskSort = "created",
    limit: Annotated[int | None, Query(ge=1, le=10_000)] = None,
    offset: Annotated[int, Query(ge=0, le=2**31 - 1)] = 0,
) -> Response:
    """List the user's tasks, oldest first by default (ties by id); total in `X-Total-Count`."""
    rows, total = await crud.list_tasks(
        owner.database, owner.user_id, status=status_filter, sort=sort, limit=limit, offset=offset
    )
    return tasks_response(rows, headers={"X-Total-Count": str(total)})


@router.post(
    "", status_code=status.HTTP_201_CREATED, response_model=TaskPublic, responses=_bad_body
)
async def create_task(owner: Owner, data: TaskCreate) -> Response:
    """Create a task owned by the token's user; `Location` names it."""
    row = await crud.create_task(owner.database, owner.user_id, data)
    location = f"/api/{quote(owner.user_id, safe='')}/tasks/{row['id']}"
    return task_response(row, status_code=status.HTTP_201_CREATED, headers={"Location": location})


@router.get("/{task_id}", response_model=TaskPublic, responses=_not_found)
async def get_task(owner: Owner, task_id: TaskId) -> Response:
    """One of the user's tasks."""
    return _found(await crud.get_task(owner.database, owner.user_id, task_id))


@router.put("/{task_id}", response_model=TaskPublic, responses=_not_found | _bad_body)
async def update_task(owner: Owner, task_id: TaskId, data: TaskUpdate) -> Response:
    """Change any of title, description and completed."""
    return _found(await crud.update_task(owner.database, owner.user_id, task_id, data.changes()))


@router.delete(
    "/{task_id}",
    status_code=status.HTTP_204_NO_CONTENT,
    response_class=Response,
    responses=_not_found,
)
async def delete_task(owner: Owner, task_id: TaskId) -> Response:
    """Delete the task for good."""
    if not await crud.delete_task(owner.database, owner.user_id, task_id):
        raise HTTPException(status.HTTP_404_NOT_FOUND, NOT_FOUND)
    return Response(status_code=status.HTTP_204_NO_CONTENT)


@router.patch("/{task_id}/complete", response_model=TaskPublic, responses=_not_found)
async def toggle_task(owner: Owner, task_id: TaskId) -> Response:
    """Flip `completed`."""
    return _found(await crud.toggle_task(owner.database, owner.user_id, task_id))


def _found(row: TaskRow | None) -> Response:
    """The task, or 404 whether it is missing or someone else's (existence is not revealed)."""
    if row is None:
        raise HTTPException(status.HTTP_404_NOT_FOUND, NOT_FOUND)
    return task_response(row)
