"""Alembic environment: runs migrations on the URL the caller put in the config."""

from __future__ import annotations

from alembic import context
from sqlalchemy import create_engine, pool

from backend.migrate import ours
from backend.models import Task

target_metadata = Task.metadata


def run_migrations_online() -> None:
    config = context.config
    connectable = config.attributes.get("connection")
    if connectable is not None:
        _run(connectable)
        return
    url = config.get_main_option("sqlalchemy.url") or _configured_url()
    engine = create_engine(url, poolclass=pool.NullPool)
    with engine.connect() as connection:
        _run(connection)
    engine.dispose()


def _configured_url() -> str:
    """For the `alembic` command line: the service's own `NEON_DATABASE_URL`."""
    from backend.settings import load_settings

    database_url = load_settings().database_url
    if database_url is None:
        raise SystemExit("Set NEON_DATABASE_URL (or DATABASE_URL) to run alembic directly.")
    return database_url.get_secret_value()


def _run(connection) -> None:  # type: ignore[no-untyped-def]
    context.configure(
        connection=connection,
        target_metadata=target_metadata,
        compare_type=True,
        include_name=ours,
    )
    with context.begin_transaction():
        context.run_migrations()


run_migrations_online()
