"""`python -m harness.tokens`: its tokens are the ones a real backend accepts or refuses."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
from pathlib import Path

import httpx
import jwt
import pytest

from harness.live import LiveServer, free_port
from harness.process_group import child_group
from harness.stack import Stack, local_stack, settings_for
from harness.tokens import DEFAULT_TTL_SECONDS, BadTokens, main
from tests.support import PROJECT

BAD_KINDS = list(BadTokens("user123", "s" * 32).all())


def run_cli(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[str, str]:
    """The token (stdout) and the curl line (stderr) the command prints."""
    assert main(list(argv)) == 0
    out, err = capsys.readouterr()
    return out.strip(), err.strip()


def list_tasks(base_url: str, user: str, token: str) -> httpx.Response:
    headers = {"Authorization": f"Bearer {token}"}
    return httpx.get(f"{base_url}/api/{user}/tasks", headers=headers, timeout=10)


def test_hs256_token_is_accepted_and_comes_with_a_curl_line(
    stack: Stack, user_id: str, capsys: pytest.CaptureFixture[str]
) -> None:
    token, curl = run_cli(capsys, user_id, f"--secret={stack.secret}", "--api", stack.url)
    claims = jwt.decode(token, stack.secret, algorithms=["HS256"])
    assert claims["sub"] == user_id
    assert claims["exp"] - claims["iat"] == DEFAULT_TTL_SECONDS
    assert curl == f"curl -H 'Authorization: Bearer {token}' {stack.url}/api/{user_id}/tasks"
    assert list_tasks(stack.url, user_id, token).status_code == 200


def test_secret_comes_from_the_environment(
    stack: Stack,
    user_id: str,
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
    tmp_path: Path,
) -> None:
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("BETTER_AUTH_SECRET", stack.secret)
    token, _ = run_cli(capsys, user_id, "--ttl", "60")
    assert list_tasks(stack.url, user_id, token).status_code == 200
    claims = jwt.decode(token, stack.secret, algorithms=["HS256"])
    assert claims["exp"] - claims["iat"] == 60


def test_secret_comes_from_a_dotenv_file(
    stack: Stack,
    user_id: str,
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
    tmp_path: Path,
) -> None:
    monkeypatch.chdir(tmp_path)
    monkeypatch.delenv("BETTER_AUTH_SECRET", raising=False)
    (tmp_path / ".env").write_text(f"BETTER_AUTH_SECRET={stack.secret}\n")
    token, _ = run_cli(capsys, user_id)
    assert list_tasks(stack.url, user_id, token).status_code == 200


def test_without_any_secret_it_says_how_to_get_one(
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    monkeypatch.chdir(tmp_path)
    monkeypatch.delenv("BETTER_AUTH_SECRET", raising=False)
    with pytest.raises(SystemExit) as exit_:
        main(["user123"])
    assert exit_.value.code == 2
    assert "BETTER_AUTH_SECRET" in capsys.readouterr().err


def test_an_unknown_bad_kind_is_a_usage_error(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as exit_:
        main(["user123", "--secret", "s" * 32, "--bad", "no-such-kind"])
    assert exit_.value.code == 2
    assert "invalid choice" in capsys.readouterr().err


@pytest.mark.parametrize("kind", BAD_KINDS)
def test_every_bad_kind_is_refused_by_the_backend(
    stack: Stack, user_id: str, capsys: pytest.CaptureFixture[str], kind: str
) -> None:
    token, _ = run_cli(capsys, user_id, f"--secret={stack.secret}", "--bad", kind)
    response = list_tasks(stack.url, user_id, token)
    assert response.status_code == 401, (kind, response.text)


@pytest.mark.parametrize(
    ("alg", "stop"),
    [
        ("EdDSA", signal.SIGTERM),
        ("ES256", signal.SIGHUP),
        ("RS256", signal.SIGINT),
        ("PS256", signal.SIGTERM),
    ],
    ids=["EdDSA-SIGTERM", "ES256-SIGHUP", "RS256-SIGINT", "PS256-SIGTERM"],
)
def test_served_jwks_token_is_accepted_by_a_backend_trusting_that_jwks(
    database_url: str, user_id: str, alg: str, stop: signal.Signals
) -> None:
    """The command as a README demo runs it: it serves its key the way Better Auth does, until
    Ctrl-C, SIGTERM or SIGHUP; the test stops it even when it fails."""
    port = free_port()
    command = [sys.executable, "-m", "harness.tokens", user_id, "--alg", alg]
    environment = {**os.environ, "PYTHONUNBUFFERED": "1"}
    with child_group(
        [*command, "--serve-jwks", str(port)],
        cwd=PROJECT,
        env=environment,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    ) as process:
        assert process.stdout is not None and process.stderr is not None
        token = process.stdout.readline().strip()
        process.stderr.readline()  # the curl line
        assert "Serving the public key" in process.stderr.readline()
        header = jwt.get_unverified_header(token)
        assert header["alg"] == alg and header["kid"]
        auth_url = f"http://localhost:{port}"
        settings = settings_for(database_url, better_auth_url=auth_url)
        with LiveServer(settings) as backend:
            assert list_tasks(backend.url, user_id, token).status_code == 200
            assert list_tasks(backend.url, "someone-else", token).status_code == 403
        claims = jwt.decode(token, options={"verify_signature": False})
        assert claims["iss"] == claims["aud"] == auth_url
        assert claims["sub"] == user_id
        assert claims["exp"] - claims["iat"] == DEFAULT_TTL_SECONDS
        process.send_signal(stop)
        assert process.wait(timeout=10) == 0


def test_a_session_token_is_a_row_in_better_auths_table_and_opens_the_backend(
    fresh_database: str,
    user_id: str,
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
    tmp_path: Path,
) -> None:
    monkeypatch.chdir(tmp_path)
    with local_stack(fresh_database) as running:
        token, curl = run_cli(
            capsys, user_id, "--alg", "session", f"--secret={running.secret}",
            "--database-url", fresh_database, "--api", running.url,
        )  # fmt: skip
        raw, signature = token.split(".")
        assert len(raw) == 32 and len(signature) == 44
        assert list_tasks(running.url, user_id, token).status_code == 200
        assert list_tasks(running.url, "someone-else", token).status_code == 403
        assert running.jwks.session_requests == 0  # found in the table, not asked over HTTP
        assert curl.endswith(f"{running.url}/api/{user_id}/tasks")

        unsigned, _ = run_cli(
            capsys, user_id, "--alg", "session", "--unsigned", f"--secret={running.secret}",
            "--database-url", fresh_database,
        )  # fmt: skip
        assert "." not in unsigned
        assert list_tasks(running.url, user_id, unsigned).status_code == 200


def test_a_session_without_a_database_says_what_it_needs(
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    monkeypatch.chdir(tmp_path)
    for name in ("NEON_DATABASE_URL", "DATABASE_URL"):
        monkeypatch.delenv(name, raising=False)
    with pytest.raises(SystemExit) as exit_:
        main(["user123", "--alg", "session", "--secret", "s" * 32])
    assert exit_.value.code == 2
    assert "--database-url" in capsys.readouterr().err
