"""Apply the Alembic migrations to a database (`python -m backend migrate`)."""

from __future__ import annotations

from pathlib import Path

from alembic import command
from alembic.config import Config
from sqlalchemy import create_engine, pool

from backend.db import connect_args
from backend.models import Task
from backend.settings import Settings

MIGRATIONS = Path(__file__).with_name("migrations")


def ours(name: str | None, type_: str, parent_names: object) -> bool:
    """Autogenerate looks at our tables only: a database shared with Better Auth also holds its
    `user`, `session`, `account`, … tables, which a revision must never drop."""
    return type_ != "table" or name in Task.metadata.tables


def alembic_config(database_url: str) -> Config:
    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS))
    config.set_main_option("sqlalchemy.url", database_url.replace("%", "%%"))
    return config


def upgrade(settings: Settings, database_url: str) -> None:
    """Bring the schema to the newest revision."""
    engine = create_engine(
        database_url, poolclass=pool.NullPool, connect_args=connect_args(settings)
    )
    with engine.begin() as connection:
        config = alembic_config(database_url)
        config.attributes["connection"] = connection
        command.upgrade(config, "head")
    engine.dispose()
