"""`python -m backend migrate` and the start-up error path: exit 2, one clear line, no value."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest
from sqlalchemy import create_engine, text

from harness.database import throwaway_database

SECRET = "cli-secret-" + "z" * 40
SETTING_NAMES = ("BETTER_AUTH", "NEON_DATABASE_URL", "DATABASE_URL", "JWT_", "JWKS_", "DB_", "LOG_")


def run_backend(cwd: Path, *args: str, **variables: str) -> subprocess.CompletedProcess[str]:
    """Run `python -m backend ...` in `cwd` with only `variables` as settings."""
    env = {k: v for k, v in os.environ.items() if not k.startswith(SETTING_NAMES)}
    env.update(variables)
    return subprocess.run(
        [sys.executable, "-m", "backend", *args],
        cwd=cwd,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )


def test_a_missing_secret_exits_2_with_one_line(tmp_path: Path) -> None:
    result = run_backend(tmp_path, "migrate")
    assert result.returncode == 2
    assert result.stderr == "Configuration error: BETTER_AUTH_SECRET is required\n"
    assert result.stdout == ""
    assert not (tmp_path / ".env").exists()


@pytest.mark.parametrize(
    ("variables", "named", "hidden"),
    [
        ({"BETTER_AUTH_SECRET": "tiny-secret"}, "BETTER_AUTH_SECRET", "tiny-secret"),
        (
            {"BETTER_AUTH_SECRET": SECRET, "NEON_DATABASE_URL": "mysql://app:pa55w0rd@db/x"},
            "NEON_DATABASE_URL",
            "pa55w0rd",
        ),
    ],
    ids=["short-secret", "bad-database-url"],
)
def test_an_invalid_setting_exits_2_naming_it_without_its_value(
    tmp_path: Path, variables: dict, named: str, hidden: str
) -> None:
    result = run_backend(tmp_path, "migrate", **variables)
    assert result.returncode == 2
    lines = result.stderr.splitlines()
    assert len(lines) == 1
    assert lines[0].startswith(f"Configuration error: {named} ")
    output = result.stdout + result.stderr
    assert hidden not in output
    assert SECRET not in output
    assert "Traceback" not in output


def test_migrate_creates_the_schema_and_can_run_again_from_dot_env(
    tmp_path: Path, database_server: str
) -> None:
    with throwaway_database(database_server, prefix="todo_cli") as url:
        first = run_backend(tmp_path, "migrate", BETTER_AUTH_SECRET=SECRET, NEON_DATABASE_URL=url)
        (tmp_path / ".env").write_text(f"BETTER_AUTH_SECRET={SECRET}\nNEON_DATABASE_URL={url}\n")
        again = run_backend(tmp_path, "migrate")

        for result in (first, again):
            assert result.returncode == 0, result.stderr
            assert "Migrations applied." in result.stderr
            assert SECRET not in result.stdout + result.stderr
        engine = create_engine(url)
        with engine.connect() as conn:
            assert conn.scalar(text("SELECT to_regclass('tasks')")) == "tasks"
            assert conn.scalar(text("SELECT version_num FROM alembic_version"))
        engine.dispose()


def test_nothing_reads_settings_or_connects_at_import_time(tmp_path: Path) -> None:
    modules = [
        "backend.main",
        "backend.db",
        "backend.dependencies",
        "backend.routes.tasks",
        "backend.routes.health",
        "backend.migrate",
        "backend.auth.jwt",
        "backend.auth.jwks",
    ]
    env = {k: v for k, v in os.environ.items() if not k.startswith(SETTING_NAMES)}
    env["NEON_DATABASE_URL"] = "not even a url"
    result = subprocess.run(
        [sys.executable, "-c", "import " + ", ".join(modules)],
        cwd=tmp_path,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 0, result.stderr
