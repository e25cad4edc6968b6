"""Fixtures for the reliability and security proofs."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import ExitStack

import pytest

from backend import embedded
from harness.stack import Stack, local_stack, migrated_database


@pytest.fixture(scope="module")
def rotating_stack(database_url: str) -> Iterator[Stack]:
    """A backend whose key set is always stale: each asymmetric token refreshes it (in the
    background), so a rotation shows from the next request on."""
    with local_stack(database_url, jwks_cache_seconds=0, jwks_refetches_per_minute=600) as running:
        yield running


@pytest.fixture
def own_database(database_url: str) -> Iterator[str]:
    """A migrated database of this test's own, on the session's server."""
    with ExitStack() as stack:
        yield migrated_database(stack, embedded.with_database(database_url, "postgres"))
