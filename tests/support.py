"""Types the tests share; the fixtures that hand them out are in `tests/conftest.py`."""

from __future__ import annotations

import logging
from collections.abc import Callable
from pathlib import Path

import psycopg
from psycopg.rows import TupleRow

from harness.client import ENDPOINTS, TodoClient

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


def use_all_six_endpoints(url: str, user_id: str, token: str, title: str) -> None:
    """A fresh user's round of every endpoint with `token`, as the frontend makes it: each
    answers as it should, and the path of another user is 403."""
    api = TodoClient(url, user_id, token)
    try:
        created = api.create(title)
        assert created.status_code == 201, created.text
        task_id = created.json()["id"]
        assert created.json()["user_id"] == user_id
        assert api.get(task_id).status_code == 200
        assert api.update(task_id, title="Renamed").status_code == 200
        assert api.toggle(task_id).json()["completed"] is True
        assert [task["id"] for task in api.list().json()] == [task_id]
        assert api.delete(task_id).status_code == 204
        assert api.http.get("/api/someone-else/tasks", headers=api.headers()).status_code == 403
        assert len(ENDPOINTS) == 6
    finally:
        api.close()
