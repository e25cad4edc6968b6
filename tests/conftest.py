"""Shared fixtures: one throwaway PostgreSQL and one live backend per test session."""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from contextlib import ExitStack

import pytest

from harness.client import TodoClient
from harness.stack import Stack, local_stack, migrated_database


@pytest.fixture(scope="session")
def database_url() -> Iterator[str]:
    """A migrated database on the embedded server (or `TEST_DATABASE_URL`'s), dropped afterwards."""
    with ExitStack() as stack:
        yield migrated_database(stack)


@pytest.fixture(scope="session")
def stack(database_url: str) -> Iterator[Stack]:
    with local_stack(database_url) as running:
        yield running


@pytest.fixture
def user_id() -> str:
    """A user no other test uses, so tests never see each other's tasks."""
    return f"user-{uuid.uuid4().hex[:10]}"


@pytest.fixture
def client(stack: Stack, user_id: str) -> Iterator[TodoClient]:
    api = stack.client(user_id)
    yield api
    api.close()
