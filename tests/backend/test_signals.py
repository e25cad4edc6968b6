"""`python -m backend serve` stops on SIGTERM and SIGHUP as on Ctrl-C, and the embedded
PostgreSQL stops with it: `timeout`, systemd, Docker and CI send SIGTERM, a closed terminal
SIGHUP (issue 11)."""

from __future__ import annotations

import os
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import httpx
import psutil
import pytest
from sqlalchemy.engine import make_url

from harness.live import free_port
from harness.process_group import child_group
from tests.support import PROJECT

SETTING_PREFIXES = ("BETTER_AUTH", "NEON_", "DATABASE_URL", "EMBEDDED_DB_DIR", "DB_", "LOG_")
READY_SECONDS = 90
STOP_SECONDS = 30


@pytest.fixture(scope="module")
def data_dir() -> Iterator[Path]:
    """One embedded data folder for the module (initialised once); its server never outlives it.

    Not under pytest's own temporary folder: every pytest run on the machine takes back the
    permissions that folder's parent had given the unprivileged user PostgreSQL runs as.
    """
    with tempfile.TemporaryDirectory(prefix="todo-signals-") as scratch:
        folder = Path(scratch) / "postgres"
        yield folder
        _stop_leftover_postgres(folder)


def postgres_of(data_dir: Path) -> list[psutil.Process]:
    """The PostgreSQL processes serving `data_dir`."""
    found = []
    for process in psutil.process_iter(["name", "cmdline"]):
        cmdline = process.info["cmdline"] or []
        if process.info["name"] == "postgres" and str(data_dir) in cmdline:
            found.append(process)
    return found


@contextmanager
def serving(data_dir: Path, *wrapper: str) -> Iterator[tuple[subprocess.Popen[bytes], str]]:
    """The real command on the embedded PostgreSQL, in a scratch folder, until ready."""
    port = free_port()
    env = {k: v for k, v in os.environ.items() if not k.startswith(SETTING_PREFIXES)}
    env.update(BETTER_AUTH_SECRET="s" * 40, EMBEDDED_DB_DIR=str(data_dir), LOG_LEVEL="WARNING")
    command = [*wrapper, sys.executable, "-m", "backend", "serve", "--port", str(port)]
    log = data_dir.parent / "server.log"
    with (
        log.open("wb") as output,
        child_group(
            command, cwd=data_dir.parent, env=env, stdout=output, stderr=subprocess.STDOUT
        ) as process,
    ):
        url = f"http://127.0.0.1:{port}"
        deadline = time.monotonic() + READY_SECONDS
        while not _ready(url):
            assert process.poll() is None, log.read_text()
            assert time.monotonic() < deadline, log.read_text()
            time.sleep(0.2)
        yield process, url


def _ready(url: str) -> bool:
    try:
        return httpx.get(f"{url}/health/ready", timeout=2).status_code == 200
    except httpx.HTTPError:
        return False


@pytest.mark.parametrize(
    "stop", [signal.SIGTERM, signal.SIGHUP, signal.SIGINT], ids=lambda s: s.name
)
def test_a_stop_signal_ends_the_server_and_its_embedded_postgres(
    data_dir: Path, stop: signal.Signals
) -> None:
    with serving(data_dir) as (process, _):
        assert postgres_of(data_dir), "the embedded PostgreSQL should be running"
        process.send_signal(stop)
        assert process.wait(STOP_SECONDS) == 0
    assert postgres_of(data_dir) == []
    assert not (data_dir / "postmaster.pid").exists()


def test_under_nohup_a_hangup_is_ignored_and_sigterm_still_stops_everything(
    data_dir: Path,
) -> None:
    with serving(data_dir, "nohup") as (process, url):
        process.send_signal(signal.SIGHUP)
        for _ in range(5):
            assert httpx.get(f"{url}/health", timeout=5).status_code == 200
            time.sleep(0.2)
        assert process.poll() is None
        process.send_signal(signal.SIGTERM)
        assert process.wait(STOP_SECONDS) == 0
    assert postgres_of(data_dir) == []


def _stop_leftover_postgres(data_dir: Path) -> None:
    """Whatever a failed test left running: fast shutdown, then kill."""
    for process in postgres_of(data_dir):
        process.send_signal(signal.SIGINT)
    _, alive = psutil.wait_procs(postgres_of(data_dir), timeout=STOP_SECONDS)
    for process in alive:
        process.kill()


WAITING_TEST = """
import time

def test_waits(database_server):
    print("SERVER", database_server, flush=True)
    time.sleep(300)
"""


def test_a_terminated_test_run_stops_the_database_its_fixtures_started(tmp_path: Path) -> None:
    """`timeout 600 make test` or a cancelled CI job: pytest gets SIGTERM mid-test."""
    (tmp_path / "test_waits.py").write_text(WAITING_TEST)
    env = {k: v for k, v in os.environ.items() if k != "TEST_DATABASE_URL"}
    command = [sys.executable, "-m", "pytest", str(tmp_path / "test_waits.py")]
    command += ["-p", "tests.conftest", "-p", "no:cacheprovider", "-s", "-q"]
    data_dir: Path | None = None
    try:
        with child_group(
            command,
            cwd=PROJECT,
            env=env,
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
            text=True,
        ) as run:
            assert run.stdout is not None
            lines: list[str] = []
            while not (lines and lines[-1].startswith("SERVER ")):
                lines.append(run.stdout.readline())
                assert lines[-1], "".join(lines)
            data_dir = Path(str(make_url(lines[-1].split()[1]).query["host"]))
            assert postgres_of(data_dir)
            run.send_signal(signal.SIGTERM)
            output = run.communicate(timeout=STOP_SECONDS)[0]
            assert run.returncode == 2, output  # pytest's "interrupted"
        assert postgres_of(data_dir) == []
        assert not data_dir.exists()
    finally:
        if data_dir is not None:
            _stop_leftover_postgres(data_dir)
            shutil.rmtree(data_dir.parent, ignore_errors=True)


def test_sigterm_while_connecting_to_the_database_stops_with_one_line() -> None:
    """Before serving (migrations, the database), a stop signal ends with 128 + its number."""
    with socket.socket() as silent:  # accepts the connection, never answers: it waits for us
        silent.bind(("127.0.0.1", 0))
        silent.listen()
        silent.settimeout(READY_SECONDS)
        port = silent.getsockname()[1]
        env = {k: v for k, v in os.environ.items() if not k.startswith(SETTING_PREFIXES)}
        env.update(
            BETTER_AUTH_SECRET="s" * 40,
            NEON_DATABASE_URL=f"postgresql://app:pw@127.0.0.1:{port}/neondb",
            DB_CONNECT_TIMEOUT_SECONDS="60",
        )
        command = [sys.executable, "-m", "backend", "migrate"]
        with child_group(command, env=env, stderr=subprocess.PIPE, text=True) as process:
            connection, _ = silent.accept()
            with connection:
                process.send_signal(signal.SIGTERM)
                _, err = process.communicate(timeout=STOP_SECONDS)
    assert process.returncode == 128 + signal.SIGTERM
    assert err == "Stopped by SIGTERM before serving.\n"
