"""Throwaway databases for tests: on an embedded PostgreSQL, or on `TEST_DATABASE_URL`'s server."""

from __future__ import annotations

import os
import tempfile
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from backend import embedded
from backend.database_url import normalise_database_url


@contextmanager
def throwaway_server() -> Iterator[str]:
    """A PostgreSQL server URL: `TEST_DATABASE_URL`, else an embedded server deleted afterwards."""
    configured = os.environ.get("TEST_DATABASE_URL")
    if configured:
        yield normalise_database_url(configured)
        return
    with tempfile.TemporaryDirectory(prefix="todo-test-pg-") as scratch:
        data_dir = Path(scratch) / "data"
        try:
            yield embedded.start_server(data_dir, temporary=True)
        finally:
            embedded.stop_server(data_dir)


@contextmanager
def throwaway_database(server_url: str, prefix: str = "todo_test") -> Iterator[str]:
    """A fresh, empty database on `server_url`, dropped afterwards."""
    name = f"{prefix}_{uuid.uuid4().hex[:12]}"
    url = embedded.create_database(server_url, name)
    try:
        yield url
    finally:
        embedded.drop_database(server_url, name)
