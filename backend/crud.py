"""The task queries. Each write is one atomic statement scoped by the owner (FR-013, EC-6).

Statements are written with SQLAlchemy Core and compiled to SQL once, at import; requests run
that SQL with bound parameters on the pooled psycopg connection, which prepares it on the
server after a few uses. Rows come back as dicts keyed by column name (`backend/rows.py`).
"""

from __future__ import annotations

from functools import cache
from typing import Any, cast

from psycopg import AsyncCursor
from psycopg.rows import AsyncRowFactory
from sqlalchemy import bindparam, delete, func, insert, literal_column, select, text, update
from sqlalchemy.dialects.postgresql.psycopg import PGDialect_psycopg
from sqlalchemy.sql import ClauseElement
from sqlalchemy.sql.elements import BindParameter

from backend.db import Database
from backend.models import Task, TaskCreate, TaskSort, TaskStatus
from backend.rows import ListedRow, TaskRow, utc_dicts

tasks = Task.metadata.tables["tasks"]
COLUMNS = tuple(tasks.c)
COLUMN_NAMES = tuple(column.name for column in COLUMNS)

# Every task statement selects COLUMNS; the list query adds its count. Typed once, here.
TASK_ROWS = cast("AsyncRowFactory[TaskRow]", utc_dicts(COLUMN_NAMES))
LISTED_ROWS = cast("AsyncRowFactory[ListedRow]", utc_dicts((*COLUMN_NAMES, "total")))


_DIALECT = PGDialect_psycopg()


def compiled(statement: ClauseElement) -> str:
    """The statement as psycopg runs it, parameters as `%(name)s`."""
    return str(statement.compile(dialect=_DIALECT))


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

CREATE = compiled(
    insert(tasks)
    .values({field: bindparam(field) for field in ("user_id", *TaskCreate.model_fields)})
    .returning(*COLUMNS)
)
GET = compiled(select(*COLUMNS).where(OWNED_TASK))
TOGGLE = compiled(
    update(tasks)
    .where(OWNED_TASK)
    .values(completed=~tasks.c.completed, updated_at=NEXT_UPDATED_AT)
    .returning(*COLUMNS)
)
DELETE = compiled(delete(tasks).where(OWNED_TASK))
PING = compiled(select(literal_column("1")))


@cache
def _update_statement(fields: tuple[str, ...]) -> str:
    """UPDATE of exactly `fields` (one statement per combination of title/description/completed)."""
    values: dict[str, BindParameter[Any]] = {field: bindparam(f"new_{field}") for field in fields}
    return compiled(
        update(tasks)
        .where(OWNED_TASK)
        .values(**values, updated_at=NEXT_UPDATED_AT)
        .returning(*COLUMNS)
    )


@cache
def _list_statement(status: TaskStatus, sort: TaskSort, limited: bool) -> tuple[str, str]:
    """The page query (the total as a last, window-count column) and the count-only fallback."""
    where = OWNED & STATUS_FILTERS[status] if status in STATUS_FILTERS else OWNED
    total = func.count().over().label("total")
    page = select(*COLUMNS, total).where(where).order_by(*ORDERINGS[sort])
    page = page.offset(bindparam("skip"))
    if limited:
        page = page.limit(bindparam("take"))
    count = select(func.count()).select_from(tasks).where(where)
    return compiled(page), compiled(count)


async def list_tasks(
    db: Database,
    user_id: str,
    *,
    status: TaskStatus,
    sort: TaskSort,
    limit: int | None,
    offset: int,
) -> tuple[list[ListedRow], int]:
    """One page of the user's tasks in the asked order, and how many match in all."""
    page, count = _list_statement(status, sort, limit is not None)
    params = {"owner": user_id, "skip": offset, "take": limit}
    async with db.connect() as conn:
        listed = AsyncCursor(conn, row_factory=LISTED_ROWS)
        rows = await (await listed.execute(page, params)).fetchall()
        if rows:
            total = rows[0]["total"]
            for row in rows:
                del row["total"]
            return rows, total
        if offset == 0:
            return [], 0
        (total,) = await (await conn.execute(count, params)).fetchone() or (0,)
        return [], total


async def create_task(db: Database, user_id: str, data: TaskCreate) -> TaskRow:
    row = await _one(db, CREATE, {"user_id": user_id, **data.model_dump()})
    if row is None:
        raise RuntimeError("INSERT … RETURNING gave no row")
    return row


async def get_task(db: Database, user_id: str, task_id: int) -> TaskRow | None:
    return await _one(db, GET, {"owner": user_id, "task_key": task_id})


async def update_task(
    db: Database, user_id: str, task_id: int, changes: dict[str, object]
) -> TaskRow | None:
    statement = _update_statement(tuple(sorted(changes)))
    params = {f"new_{field}": value for field, value in changes.items()}
    return await _one(db, statement, {"owner": user_id, "task_key": task_id, **params})


async def toggle_task(db: Database, user_id: str, task_id: int) -> TaskRow | None:
    """Flip `completed` in SQL, so concurrent toggles never lose one (EC-6)."""
    return await _one(db, TOGGLE, {"owner": user_id, "task_key": task_id})


async def delete_task(db: Database, user_id: str, task_id: int) -> bool:
    async with db.connect() as conn:
        deleted = await conn.execute(DELETE, {"owner": user_id, "task_key": task_id})
        return deleted.rowcount == 1


async def ping(db: Database) -> None:
    async with db.connect() as conn:
        await conn.execute(PING)


async def _one(db: Database, statement: str, params: dict[str, Any]) -> TaskRow | None:
    """The task row the statement returns, or None."""
    async with db.connect() as conn:
        cursor = AsyncCursor(conn, row_factory=TASK_ROWS)
        return await (await cursor.execute(statement, params)).fetchone()
