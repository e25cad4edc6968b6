"""Look into a backend's database without knowing its schema: where a value is stored, and
whether the column holding it is indexed (FR-006, FR-017, FR-018, seen from outside)."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass

import psycopg
from psycopg import sql
from sqlalchemy.engine import make_url

SYSTEM_SCHEMAS = ("pg_catalog", "information_schema", "pg_toast")
TEXT_TYPES = ("text", "character varying", "character", "uuid", "name", "citext")


@dataclass(frozen=True)
class Column:
    schema: str
    table: str
    name: str

    def __str__(self) -> str:
        return f"{self.schema}.{self.table}.{self.name}"


class DatabaseProbe:
    """Read-only questions about the database at `url` (any SQLAlchemy or libpq form)."""

    def __init__(self, url: str) -> None:
        self.url = make_url(url).set(drivername="postgresql").render_as_string(hide_password=False)

    @contextmanager
    def _connect(self) -> Iterator[psycopg.Connection]:
        with psycopg.connect(self.url, autocommit=True, connect_timeout=5) as conn:
            yield conn

    def text_columns(self, conn: psycopg.Connection) -> list[Column]:
        rows = conn.execute(
            "SELECT table_schema, table_name, column_name FROM information_schema.columns"
            " JOIN information_schema.tables USING (table_schema, table_name)"
            " WHERE table_type = 'BASE TABLE' AND NOT table_schema = ANY(%s)"
            " AND data_type = ANY(%s) ORDER BY 1, 2, 3",
            [list(SYSTEM_SCHEMAS), list(TEXT_TYPES)],
        ).fetchall()
        return [Column(*row) for row in rows]

    def columns_holding(self, value: str, *, partial: bool = False) -> list[Column]:
        """Every text column with a row equal to `value` (or containing it, if `partial`)."""
        found = []
        with self._connect() as conn:
            for column in self.text_columns(conn):
                condition = "{}::text LIKE %s" if partial else "{}::text = %s"
                query = sql.SQL("SELECT 1 FROM {}.{} WHERE " + condition + " LIMIT 1").format(
                    sql.Identifier(column.schema),
                    sql.Identifier(column.table),
                    sql.Identifier(column.name),
                )
                needle = f"%{value}%" if partial else value
                if conn.execute(query, [needle]).fetchone():
                    found.append(column)
        return found

    def leading_index_columns(self, schema: str, table: str) -> set[str]:
        """The first column of each index on `schema.table` (a lookup by it can use the index)."""
        with self._connect() as conn:
            rows = conn.execute(
                "SELECT a.attname FROM pg_index i"
                " JOIN pg_class t ON t.oid = i.indrelid"
                " JOIN pg_namespace n ON n.oid = t.relnamespace"
                " JOIN pg_attribute a ON a.attrelid = t.oid AND a.attnum = i.indkey[0]"
                " WHERE n.nspname = %s AND t.relname = %s",
                [schema, table],
            ).fetchall()
        return {row[0] for row in rows}
