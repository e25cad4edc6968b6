"""The features as a judge, run the way a judge runs them: over `BASE_URL` (with JWKS tokens of
the harness's own), and in whole-backend mode on our backend started by its command. Our
reference must pass every spec and hardening check each way.

Each is a whole features run of its own (the HS256 one over `BASE_URL` alone takes about 40 s),
so all are `slow`: `.ci/run` runs them, and `make test` stays near five minutes.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from contextlib import ExitStack
from pathlib import Path
from typing import Any

import pytest

from harness.live import LiveServer, free_port
from harness.stack import migrated_database, settings_for

PROJECT = Path(__file__).resolve().parents[1]
WHOLE_BACKEND = {"EC-4", "FR-006", "FR-018", "FR-020", "SC-004", "SC-009", "SC-010"}


def run_features(tmp_path: Path, environment: dict[str, str], *args: str) -> dict[str, Any]:
    """`pytest features` in a child process; its acceptance report."""
    env = {k: v for k, v in os.environ.items() if not k.startswith(("JUDGE_", "BASE_URL"))}
    env.update(environment)
    command = [sys.executable, "-m", "pytest", "features", "-q", "-p", "no:cacheprovider"]
    command += ["--acceptance-report", str(tmp_path), *args]
    done = subprocess.run(command, cwd=PROJECT, env=env, capture_output=True, text=True)
    report: dict[str, Any] = json.loads((tmp_path / "acceptance.json").read_text())
    problems = [c["reason"] for c in report["checks"] if c["status"] in ("failed", "blocked")]
    assert done.returncode == 0 and not problems, (problems, done.stdout[-2000:])
    return report


def statuses(report: dict[str, Any]) -> dict[str, str]:
    return {row["id"]: row["status"] for row in report["requirements"]}


@pytest.mark.slow
def test_whole_backend_mode_judges_our_backend_started_by_its_command(tmp_path: Path) -> None:
    report = run_features(
        tmp_path,
        {
            "JUDGE_BACKEND_COMMAND": f"{sys.executable} -m backend serve",
            "JUDGE_DATABASE_VARIABLE": "DATABASE_URL",
            "JUDGE_DATABASE_SCHEME": "postgresql",
            "JUDGE_JWKS_KEYS": str(tmp_path / "keys.json"),
        },
        "-m",
        "own-stack",
    )
    assert report["target"]["mode"] == "launched"
    passed = {id for id, status in statuses(report).items() if status == "passed"}
    assert WHOLE_BACKEND <= passed


def serve_reference(stack: ExitStack, auth_port: int) -> LiveServer:
    settings = settings_for(
        migrated_database(stack), better_auth_url=f"http://127.0.0.1:{auth_port}"
    )
    return stack.enter_context(LiveServer(settings))


@pytest.mark.slow
def test_base_url_mode_with_the_harness_jwks(tmp_path: Path) -> None:
    """A backend that is pointed at the harness's JWKS accepts its tokens, of every algorithm."""
    jwks_port = free_port()
    with ExitStack() as stack:
        server = serve_reference(stack, jwks_port)
        report = run_features(
            tmp_path,
            {
                "BASE_URL": server.url,
                "JUDGE_TOKEN_MODE": "jwks",
                "JUDGE_TOKEN_ALG": "ES256",
                "JUDGE_JWKS_PORT": str(jwks_port),
                "JUDGE_JWKS_KEYS": str(tmp_path / "keys.json"),
            },
            "-m",
            "US1-1 or US1-4 or FR-004 or SC-005",
        )
    assert report["target"]["token_mode"].startswith("ES256 (JWKS")
    jwks_rows = [c for c in report["checks"] if "from its JWKS are accepted" in c["name"]]
    assert [c["status"] for c in jwks_rows] == ["passed"] * 4


@pytest.mark.slow
def test_base_url_mode_with_a_token_command(tmp_path: Path) -> None:
    """Tokens from a command (here our token CLI); what it cannot mint is not run, saying so."""
    with ExitStack() as stack:
        server = serve_reference(stack, free_port())
        secret = server.settings.better_auth_secret.get_secret_value()
        report = run_features(
            tmp_path,
            {
                "BASE_URL": server.url,
                "JUDGE_TOKEN_MODE": "command",
                "JUDGE_TOKEN_COMMAND": f'{sys.executable} -m harness.tokens "$1" --secret={secret}',
            },
            "-m",
            "US1-1 or US1-3 or US1-4",
        )
    assert report["target"]["token_mode"].startswith("command (")
    assert statuses(report)["US1-1"] == statuses(report)["US1-4"] == "passed"
    expired = next(
        c for c in report["checks"] if "US1-4" in c["requirements"] and "expired" in c["name"]
    )
    assert expired["status"] == "not run" and "mints only fresh tokens" in expired["reason"]


@pytest.mark.slow
def test_our_reference_passes_every_check_over_base_url(tmp_path: Path) -> None:
    with ExitStack() as stack:
        server = serve_reference(stack, free_port())
        report = run_features(
            tmp_path,
            {
                "BASE_URL": server.url,
                "BETTER_AUTH_SECRET": server.settings.better_auth_secret.get_secret_value(),
                "BETTER_AUTH_URL": server.settings.better_auth_url,
            },
        )
    assert report["summary"]["requirements"]["failed"] == 0
    not_run = {id for id, status in statuses(report).items() if status == "not run"}
    assert not_run <= WHOLE_BACKEND
