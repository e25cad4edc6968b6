"""The first `make run` writes `.env` with a fresh secret, and leaves a configured one alone."""

from __future__ import annotations

import stat
from pathlib import Path

import pytest

from backend.envfile import ensure_secret
from backend.settings import load_settings
from tests.support import PROJECT

SECRET = "s3cret-" + "k" * 40

pytestmark = pytest.mark.usefixtures("clean_environment")


def test_ensure_secret_writes_dot_env_from_the_example(
    clean_environment: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    example = (PROJECT / ".env.example").read_text()
    (clean_environment / ".env.example").write_text(example)

    ensure_secret()

    written = (clean_environment / ".env").read_text()
    secret = load_settings().better_auth_secret.get_secret_value()
    assert len(secret) >= 32
    assert f"BETTER_AUTH_SECRET={secret}" in written
    assert written.replace(f"BETTER_AUTH_SECRET={secret}", "BETTER_AUTH_SECRET=") == example
    assert stat.S_IMODE((clean_environment / ".env").stat().st_mode) == 0o600
    said = capsys.readouterr()
    assert ".env" in said.err
    assert secret not in said.out + said.err


def test_ensure_secret_makes_a_new_secret_each_time(clean_environment: Path) -> None:
    ensure_secret()
    first = load_settings().better_auth_secret.get_secret_value()
    (clean_environment / ".env").unlink()
    ensure_secret()
    assert load_settings().better_auth_secret.get_secret_value() != first


def test_ensure_secret_adds_the_secret_to_an_existing_dot_env(clean_environment: Path) -> None:
    (clean_environment / ".env").write_text("BETTER_AUTH_URL=http://localhost:4000\n")
    ensure_secret()
    settings = load_settings()
    assert settings.better_auth_url == "http://localhost:4000"
    assert len(settings.better_auth_secret.get_secret_value()) >= 32


@pytest.mark.parametrize("where", ["environment", ".env", "backend/.env"])
def test_ensure_secret_leaves_a_configured_secret_alone(
    clean_environment: Path, monkeypatch: pytest.MonkeyPatch, where: str
) -> None:
    if where == "environment":
        monkeypatch.setenv("BETTER_AUTH_SECRET", SECRET)
    else:
        path = clean_environment / where
        path.parent.mkdir(exist_ok=True)
        path.write_text(f"BETTER_AUTH_SECRET={SECRET}\n")
    before = sorted(p.relative_to(clean_environment) for p in clean_environment.rglob("*"))

    ensure_secret()

    assert sorted(p.relative_to(clean_environment) for p in clean_environment.rglob("*")) == before
    assert load_settings().better_auth_secret.get_secret_value() == SECRET
