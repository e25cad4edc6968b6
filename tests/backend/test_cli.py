"""`python -m backend migrate` and the start-up error path: exit 2, one clear line, no value."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
from pathlib import Path
from typing import Any

import psycopg
import pytest
from sqlalchemy import create_engine, text
from sqlalchemy.engine import make_url

from backend.connect_errors import CAUSES
from harness.database import throwaway_database
from tests.support import PROJECT

SECRET = "cli-secret-" + "z" * 40
UNSHARE = ("unshare", "--net")
SETTING_NAMES = ("BETTER_AUTH", "NEON_DATABASE_URL", "DATABASE_URL", "JWT_", "JWKS_", "DB_", "LOG_")


def run_backend(cwd: Path, *args: str, **variables: str) -> subprocess.CompletedProcess[str]:
    """Run `python -m backend ...` in `cwd` with only `variables` as settings."""
    return run_wrapped((), cwd, *args, **variables)


def run_wrapped(
    wrapper: tuple[str, ...], cwd: Path, *args: str, **variables: str
) -> subprocess.CompletedProcess[str]:
    """`run_backend` under a command such as `unshare --net`."""
    env = {k: v for k, v in os.environ.items() if not k.startswith(SETTING_NAMES)}
    env.update(variables)
    return subprocess.run(
        [*wrapper, sys.executable, "-m", "backend", *args],
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
    tmp_path: Path, variables: dict[str, Any], named: str, hidden: str
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

        target = make_url(url)
        for result in (first, again):
            assert result.returncode == 0, result.stderr
            assert result.stderr.splitlines()[-1] == (
                f'Database "{target.database}" on {describe_where(url)}: migrations applied.'
            )
            assert SECRET not in result.stdout + result.stderr
        engine = create_engine(url)
        with engine.connect() as conn:
            assert conn.scalar(text("SELECT to_regclass('tasks')")) == "tasks"
            assert conn.scalar(text("SELECT version_num FROM alembic_version"))
        engine.dispose()


def describe_where(url: str) -> str:
    target = make_url(url)
    host = target.host or str(target.query.get("host"))
    return f"the Unix socket in {host}" if host.startswith("/") else f"{host}:{target.port or 5432}"


def test_a_typo_in_dot_env_is_named_with_the_setting_it_meant(tmp_path: Path) -> None:
    (tmp_path / ".env").write_text(f"BETTER_AUTH_SECERT={SECRET}\n")
    result = run_backend(tmp_path, "migrate")
    assert result.returncode == 2
    assert result.stderr.splitlines() == [
        "Warning: BETTER_AUTH_SECERT (in .env) is not a setting of this backend and is ignored;"
        " did you mean BETTER_AUTH_SECRET?",
        "Configuration error: BETTER_AUTH_SECRET is required",
    ]


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


# --- a database that cannot be reached: one line naming it and the cause, exit 1 ---------------

MACHINE_POSTGRES = "postgresql://postgres@127.0.0.1:5432/test"
PASSWORD = "pa55-hunter2"


@pytest.fixture(scope="module")
def machine_postgres() -> str:
    """The machine's PostgreSQL at 127.0.0.1:5432 (user postgres, trust, no TLS), or a skip."""
    try:
        psycopg.connect(MACHINE_POSTGRES, connect_timeout=3).close()
    except psycopg.Error:
        pytest.skip("no PostgreSQL at 127.0.0.1:5432 (user postgres, database test)")
    return MACHINE_POSTGRES


def closed_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port: int = sock.getsockname()[1]
        return port


def assert_one_line(result: subprocess.CompletedProcess[str], database: str, where: str) -> str:
    """Exit 1, and one line naming the database and where it is, never the password."""
    assert result.returncode == 1, result.stderr
    lines = result.stderr.splitlines()
    assert len(lines) == 1, result.stderr
    prefix = f'Cannot connect to database "{database}" on {where}: '
    assert lines[0].startswith(prefix)
    assert PASSWORD not in result.stdout + result.stderr
    return lines[0].removeprefix(prefix)


def migrate_with(tmp_path: Path, url: str, **variables: str) -> subprocess.CompletedProcess[str]:
    return run_backend(
        tmp_path, "migrate", BETTER_AUTH_SECRET=SECRET, NEON_DATABASE_URL=url, **variables
    )


def test_a_refused_port_is_named(tmp_path: Path) -> None:
    port = closed_port()
    result = migrate_with(tmp_path, f"postgresql://app:{PASSWORD}@127.0.0.1:{port}/neondb")
    cause = assert_one_line(result, "neondb", f"127.0.0.1:{port}")
    assert cause.startswith("connection refused; ")


def test_a_server_that_never_answers_is_a_timeout(tmp_path: Path) -> None:
    with socket.socket() as silent:  # accepts TCP connections (the backlog), never speaks
        silent.bind(("127.0.0.1", 0))
        silent.listen()
        port = silent.getsockname()[1]
        url = f"postgresql://app:{PASSWORD}@127.0.0.1:{port}/neondb"
        result = migrate_with(tmp_path, url, DB_CONNECT_TIMEOUT_SECONDS="1")
    cause = assert_one_line(result, "neondb", f"127.0.0.1:{port}")
    assert cause.startswith("timeout; no answer within DB_CONNECT_TIMEOUT_SECONDS (1 s)")


@pytest.mark.parametrize(
    ("change", "database", "cause"),
    [
        ({"database": "no_such_database_here"}, "no_such_database_here", "no such database; "),
        ({"username": "no_such_user"}, "test", 'authentication failed for user "no_such_user"; '),
        (
            {"query": {"sslmode": "require"}},
            "test",
            "TLS failed (server does not support SSL, but SSL was required); ",
        ),
    ],
    ids=["no-such-database", "no-such-user", "tls-required-without-tls"],
)
def test_the_machines_postgresql_refusing_a_url_names_why(
    tmp_path: Path, machine_postgres: str, change: dict[str, Any], database: str, cause: str
) -> None:
    url = make_url(machine_postgres).set(password=PASSWORD, **change)
    result = migrate_with(tmp_path, url.render_as_string(hide_password=False))
    assert assert_one_line(result, database, "127.0.0.1:5432").startswith(cause)


def test_a_host_name_that_does_not_resolve_is_dns(tmp_path: Path) -> None:
    """Neon's URL as pasted, with the reserved `.invalid` name, resolved in a network namespace
    of its own (loopback only) so that not even the DNS query leaves the machine."""
    if subprocess.run(["unshare", "--net", "true"], capture_output=True).returncode != 0:
        pytest.skip("cannot make a network namespace here (unshare --net)")
    url = f"postgresql://alex:{PASSWORD}@ep-cool-darkness-123456.invalid/neondb?sslmode=require"
    result = run_wrapped(
        UNSHARE, tmp_path, "migrate", BETTER_AUTH_SECRET=SECRET, NEON_DATABASE_URL=url
    )
    cause = assert_one_line(result, "neondb", "ep-cool-darkness-123456.invalid:5432")
    assert cause.startswith("host not found (DNS); ")


def test_the_readme_has_a_troubleshooting_row_for_each_cause() -> None:
    readme = (PROJECT / "README.md").read_text()
    for cause in CAUSES:
        phrase = cause.advice.split(";")[0].split("{")[0]
        assert f": {phrase}" in readme, phrase
