"""Whole-backend mode's launcher (harness/launcher.py): a team's command, started on a database
we provide, its output kept, restartable, and stopped with everything it started."""

from __future__ import annotations

import socket
import sys
from dataclasses import replace
from pathlib import Path

import httpx
import psycopg
import pytest

from harness.launcher import LaunchError, LaunchSpec, launch, team_database_url
from harness.live import free_port

# A stand-in backend: prints the database variable it got, then serves HTTP on $PORT.
SERVER = f'echo "db=$TEAM_DB"; exec {sys.executable} -m http.server $PORT --bind 127.0.0.1'


def spec(command: str, tmp_path: Path) -> LaunchSpec:
    return LaunchSpec(command=command, cwd=tmp_path, port=free_port(), database_variable="TEAM_DB")


def test_the_schemes_teams_read() -> None:
    url = "postgresql+psycopg://postgres@127.0.0.1:5555/judge_x"
    assert team_database_url(url, "postgres") == "postgres://postgres@127.0.0.1:5555/judge_x"
    assert team_database_url(url, "postgresql+asyncpg").startswith("postgresql+asyncpg://")
    assert team_database_url(url, "postgresql") == "postgresql://postgres@127.0.0.1:5555/judge_x"


def test_the_environment_names_the_mode() -> None:
    assert LaunchSpec.from_environment({}) is None
    found = LaunchSpec.from_environment(
        {"JUDGE_BACKEND_COMMAND": "npm start", "JUDGE_BACKEND_PORT": "4000"}
    )
    assert found is not None and found.port == 4000
    assert found.database_variable == "NEON_DATABASE_URL" and found.database_scheme == "postgresql"


def test_the_backend_gets_a_fresh_database_and_only_our_settings(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("BETTER_AUTH_SECRET", "the-harness-own-secret-never-passed-on")
    with launch(spec(SERVER, tmp_path), {"BETTER_AUTH_SECRET": "fresh"}) as launched:
        assert httpx.get(launched.base_url + "/").status_code == 200
        assert launched.environment["BETTER_AUTH_SECRET"] == "fresh"
        url = launched.environment["TEAM_DB"]
        assert url.startswith("postgresql://") and "127.0.0.1" in url
        with psycopg.connect(url) as conn:  # through the proxy, as the team's code would
            (name,) = conn.execute("SELECT current_database()").fetchone() or ("",)
        assert name.startswith("judge_")
        assert any(line.startswith("db=postgresql://") for line in launched.process.output.lines)
        launched.proxy.cut()
        with pytest.raises(psycopg.OperationalError):
            psycopg.connect(url, connect_timeout=2)
        launched.proxy.restore()
        launched.process.restart()
        assert launched.process.starts == 2
        assert httpx.get(launched.base_url + "/").status_code == 200
    with pytest.raises(httpx.TransportError):
        httpx.get(launched.base_url + "/", timeout=1)


def test_a_command_that_exits_says_why(tmp_path: Path) -> None:
    with pytest.raises(LaunchError, match="exited .*\n.*missing NEON_DATABASE_URL"):
        with launch(spec("echo 'missing NEON_DATABASE_URL'; exit 2", tmp_path), {}):
            pass


def test_a_port_taken_before_the_backend_binds_it_moves_the_backend(tmp_path: Path) -> None:
    """Between `free_port()` and the backend's bind, something else may take the port (another
    judge, an outgoing connection): the backend is started again on another one."""
    with socket.socket() as squatter:
        squatter.bind(("127.0.0.1", 0))
        squatter.listen()
        taken = squatter.getsockname()[1]
        moved = replace(spec(SERVER, tmp_path), port=taken)
        with launch(moved, {}) as launched:
            assert launched.process.spec.port != taken
            assert httpx.get(launched.base_url + "/", timeout=5).status_code == 200
        named = replace(moved, port_given=True)
        with pytest.raises(LaunchError, match="exited"), launch(named, {}):
            pass
