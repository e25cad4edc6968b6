"""The Neon-like path: the backend behind PgBouncer in transaction mode with TLS required.

The whole suite also runs through it: `python -m tests.reliability.pgbouncer` (in `.ci/run`).
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from contextlib import ExitStack

import psycopg
import pytest

from backend import embedded
from backend.settings import load_settings
from harness.client import TodoClient
from harness.stack import local_stack, migrated_database
from tests.reliability.pgbouncer import PgBouncer, pgbouncer_binary


def test_empty_prepare_threshold_turns_prepared_statements_off(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """`DB_PREPARE_THRESHOLD=` (empty), as the README tells PgBouncer users to set."""
    monkeypatch.setenv("DB_PREPARE_THRESHOLD", "")
    settings = load_settings(_env_file=None, better_auth_secret="s" * 40)
    assert settings.db_prepare_threshold is None


@pytest.fixture(scope="module")
def bouncer(database_url: str) -> Iterator[PgBouncer]:
    if pgbouncer_binary() is None:
        pytest.skip("pgbouncer is not installed (.ci/run installs it)")
    with PgBouncer(embedded.with_database(database_url, "postgres")) as running:
        yield running


@pytest.fixture(scope="module")
def pooled_database(bouncer: PgBouncer) -> Iterator[str]:
    """A migrated database, created, migrated and dropped through the pooler."""
    with ExitStack() as stack:
        yield migrated_database(stack, bouncer.url_for("postgres"))


def _busy_users(base_url: str, tokens: dict[str, str]) -> Counter[int]:
    """Eight users creating, listing and toggling at once; the status codes they saw."""

    def work(user: str) -> list[int]:
        client = TodoClient(base_url, user, tokens[user])
        codes = []
        for n in range(10):
            created = client.create(f"task {n}")
            codes += [created.status_code, client.list().status_code]
            if created.status_code == 201:
                codes.append(client.toggle(created.json()["id"]).status_code)
        codes.append(200 if len(client.list().json()) == 10 else 0)
        client.close()
        return codes

    with ThreadPoolExecutor(max_workers=len(tokens)) as pool:
        return Counter(code for codes in pool.map(work, tokens) for code in codes)


@pytest.mark.slow
@pytest.mark.pgbouncer
@pytest.mark.parametrize("prepare_threshold", [None, 0, 5])
def test_backend_works_through_transaction_pooling_with_tls(
    bouncer: PgBouncer, pooled_database: str, user_id: str, prepare_threshold: int | None
) -> None:
    if prepare_threshold is not None and not bouncer.keeps_prepared_statements:
        pytest.skip(
            "PgBouncer < 1.21 loses prepared statements in transaction mode: "
            "set DB_PREPARE_THRESHOLD= (empty) behind it"
        )
    with local_stack(pooled_database, db_prepare_threshold=prepare_threshold) as running:
        tokens = {f"{user_id}-{n}": running.token(f"{user_id}-{n}") for n in range(8)}
        codes = _busy_users(running.url, tokens)
    assert codes == {201: 80, 200: 168}, codes


@pytest.mark.slow
@pytest.mark.pgbouncer
def test_pooler_refuses_connections_without_tls(bouncer: PgBouncer) -> None:
    with pytest.raises(psycopg.OperationalError):
        psycopg.connect(bouncer.url_for("postgres", sslmode="disable"), connect_timeout=5)
    with psycopg.connect(bouncer.url_for("postgres"), connect_timeout=5) as conn:
        assert conn.pgconn.ssl_in_use
