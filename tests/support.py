"""Types the tests share; the fixtures that hand them out are in `tests/conftest.py`."""

from __future__ import annotations

import logging
from collections.abc import Callable
from pathlib import Path

import psycopg
from psycopg.rows import TupleRow

PROJECT = Path(__file__).resolve().parent.parent
"""The checkout's root."""

Connect = Callable[[str], psycopg.Connection[TupleRow]]
"""The `sql` fixture: `sql(database_url)` opens a direct autocommit connection."""


class RecordedEvents(logging.Handler):
    """Collects the records of one logger while a test runs."""

    def __init__(self) -> None:
        super().__init__()
        self.records: list[logging.LogRecord] = []

    def emit(self, record: logging.LogRecord) -> None:
        self.records.append(record)

    def fields(self) -> list[dict[str, object]]:
        return [dict(vars(record), message=record.getMessage()) for record in self.records]
