"""The task queries. Each write is one atomic statement scoped by the owner (FR-013, EC-6).

Statements are built once, with bound parameters, so a request neither rebuilds nor
re-derives SQLAlchemy's cache key for them (about a tenth of a request's CPU).
"""

from __future__ import annotations

from functools import cache
from typing import Any

from sqlalchemy import Row, bindparam, delete, func, insert, literal_column, select, text, update

from backend.db import Database
from backend.models import Task, TaskCreate, TaskSort, TaskStatus

tasks = Task.__table__
COLUMNS = tuple(tasks.c)

# Strictly later than the previous value, even when the clock has not moved (FR-011).
NEXT_UPDATED_AT = func.greatest(
    func.clock_timestamp(), tasks.c.updated_at + text("interval '1 microsecond'")
)

ORDERINGS = {
    "created": (tasks.c.created_at.asc(), tasks.c.id.asc()),
    "-created": (tasks.c.created_at.desc(), tasks.c.id.desc()),
    "title": (tasks.c.title.asc(), tasks.c.id.asc()),
    "-title": (tasks.c.title.desc(), tasks.c.id.desc()),
    "updated": (tasks.c.updated_at.asc(), tasks.c.id.asc()),
    "-updated": (tasks.c.updated_at.desc(), tasks.c.id.desc()),
}
STATUS_FILTERS = {"pending": tasks.c.completed.is_(False), "completed": tasks.c.completed.is_(True)}

# Parameter names differ from column names, so an UPDATE can never take them for SET values.
OWNED_TASK = (tasks.c.id == bindparam("task_key")) & (tasks.c.user_id == bindparam("owner"))
OWNED = tasks.c.user_id == bindparam("owner")

CREATE = insert(tasks).returning(*COLUMNS)
GET = select(*COLUMNS).where(OWNED_TASK)
TOGGLE = (
    update(tasks)
    .where(OWNED_TASK)
    .values(completed=~tasks.c.completed, updated_at=NEXT_UPDATED_AT)
    .returning(*COLUMNS)
)
DELETE = delete(tasks).where(OWNED_TASK).returning(tasks.c.id)
PING = select(literal_column("1"))


@cache
def _update_statement(fields: tuple[str, ...]) -> Any:
    """UPDATE of exactly `fields` (one statement per combination of title/description/completed)."""
    values = {field: bindparam(f"new_{field}") for field in fields}
    return (
        update(tasks)
        .where(OWNED_TASK)
        .values(**values, updated_at=NEXT_UPDATED_AT)
        .returning(*COLUMNS)
    )


@cache
def _list_statement(status: TaskStatus, sort: TaskSort, limited: bool) -> tuple[Any, Any]:
    """The page query (with the total as a window count) and the count-only fallback."""
    where = OWNED & STATUS_FILTERS[status] if status in STATUS_FILTERS else OWNED
    total = func.count().over().label("total")
    page = select(*COLUMNS, total).where(where).order_by(*ORDERINGS[sort])
    page = page.offset(bindparam("skip"))
    if limited:
        page = page.limit(bindparam("take"))
    count = select(func.count()).select_from(tasks).where(where)
    return page, count


async def list_tasks(
    db: Database,
    user_id: str,
    *,
    status: TaskStatus,
    sort: TaskSort,
    limit: int | None,
    offset: int,
) -> tuple[list[Row[Any]], int]:
    """One page of the user's tasks in the asked order, and how many match in all."""
    page, count = _list_statement(status, sort, limit is not None)
    params = {"owner": user_id, "skip": offset, "take": limit}
    async with db.connect() as conn:
        rows = (await conn.execute(page, params)).all()
        if rows:
            return rows, rows[0].total
        if offset == 0:
            return [], 0
        return [], await conn.scalar(count, params) or 0


async def create_task(db: Database, user_id: str, data: TaskCreate) -> Row[Any]:
    async with db.connect() as conn:
        return (await conn.execute(CREATE, {"user_id": user_id, **data.model_dump()})).one()


async def get_task(db: Database, user_id: str, task_id: int) -> Row[Any] | None:
    async with db.connect() as conn:
        return (await conn.execute(GET, {"owner": user_id, "task_key": task_id})).one_or_none()


async def update_task(
    db: Database, user_id: str, task_id: int, changes: dict[str, object]
) -> Row[Any] | None:
    statement = _update_statement(tuple(sorted(changes)))
    params = {f"new_{field}": value for field, value in changes.items()}
    async with db.connect() as conn:
        result = await conn.execute(statement, {"owner": user_id, "task_key": task_id, **params})
        return result.one_or_none()


async def toggle_task(db: Database, user_id: str, task_id: int) -> Row[Any] | None:
    """Flip `completed` in SQL, so concurrent toggles never lose one (EC-6)."""
    async with db.connect() as conn:
        result = await conn.execute(TOGGLE, {"owner": user_id, "task_key": task_id})
        return result.one_or_none()


async def delete_task(db: Database, user_id: str, task_id: int) -> bool:
    async with db.connect() as conn:
        result = await conn.execute(DELETE, {"owner": user_id, "task_key": task_id})
        return result.first() is not None


async def ping(db: Database) -> None:
    async with db.connect() as conn:
        await conn.execute(PING)
