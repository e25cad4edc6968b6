"""The task queries. Each write is one atomic statement scoped by the owner (FR-013, EC-6)."""

from __future__ import annotations

from typing import Any

from sqlalchemy import Row, delete, func, insert, literal_column, select, text, update

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


def _owned(user_id: str, task_id: int) -> Any:
    return (tasks.c.id == task_id) & (tasks.c.user_id == user_id)


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
    where = tasks.c.user_id == user_id
    if status in STATUS_FILTERS:
        where = where & STATUS_FILTERS[status]
    total = func.count().over().label("total")
    query = select(*COLUMNS, total).where(where).order_by(*ORDERINGS[sort]).offset(offset)
    if limit is not None:
        query = query.limit(limit)
    async with db.connect() as conn:
        rows = (await conn.execute(query)).all()
        if rows:
            return rows, rows[0].total
        if offset == 0:
            return [], 0
        count = await conn.scalar(select(func.count()).select_from(tasks).where(where))
        return [], count or 0


async def create_task(db: Database, user_id: str, data: TaskCreate) -> Row[Any]:
    query = insert(tasks).values(user_id=user_id, **data.model_dump()).returning(*COLUMNS)
    async with db.connect() as conn:
        return (await conn.execute(query)).one()


async def get_task(db: Database, user_id: str, task_id: int) -> Row[Any] | None:
    query = select(*COLUMNS).where(_owned(user_id, task_id))
    async with db.connect() as conn:
        return (await conn.execute(query)).one_or_none()


async def update_task(
    db: Database, user_id: str, task_id: int, changes: dict[str, object]
) -> Row[Any] | None:
    query = (
        update(tasks)
        .where(_owned(user_id, task_id))
        .values(**changes, updated_at=NEXT_UPDATED_AT)
        .returning(*COLUMNS)
    )
    async with db.connect() as conn:
        return (await conn.execute(query)).one_or_none()


async def toggle_task(db: Database, user_id: str, task_id: int) -> Row[Any] | None:
    """Flip `completed` in SQL, so concurrent toggles never lose one (EC-6)."""
    return await update_task(db, user_id, task_id, {"completed": ~tasks.c.completed})


async def delete_task(db: Database, user_id: str, task_id: int) -> bool:
    query = delete(tasks).where(_owned(user_id, task_id)).returning(tasks.c.id)
    async with db.connect() as conn:
        return (await conn.execute(query)).first() is not None


async def ping(db: Database) -> None:
    async with db.connect() as conn:
        await conn.execute(select(literal_column("1")))
