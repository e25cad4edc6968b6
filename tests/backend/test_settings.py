"""Configuration from the environment and `.env` (FR-020, SC-010): clear errors, no values shown."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy.engine import make_url

from backend.settings import (
    Settings,
    SettingsError,
    configured,
    known_variables,
    load_settings,
    unknown_variable_warnings,
)
from tests.support import PROJECT

SECRET = "s3cret-" + "k" * 40
NEON = (
    "postgresql://alex:AbC123dEf@ep-cool-darkness-123456.us-east-2.aws.neon.tech/dbname"
    "?sslmode=require&channel_binding=require"
)

pytestmark = pytest.mark.usefixtures("clean_environment")


def database_url_of(settings: Settings) -> str:
    assert settings.database_url is not None
    return settings.database_url.get_secret_value()


def error_of(monkeypatch: pytest.MonkeyPatch, **variables: str) -> str:
    for name, value in variables.items():
        monkeypatch.setenv(name, value)
    with pytest.raises(SettingsError) as raised:
        load_settings()
    return str(raised.value)


# --- required and invalid settings ------------------------------------------------------------


def test_a_missing_secret_is_one_line_naming_the_variable(monkeypatch: pytest.MonkeyPatch) -> None:
    assert error_of(monkeypatch) == "Configuration error: BETTER_AUTH_SECRET is required"


@pytest.mark.parametrize(
    ("variables", "named", "hidden"),
    [
        (
            {"BETTER_AUTH_SECRET": "short-but-secret-value-31-chars"},
            "BETTER_AUTH_SECRET",
            "short-but",
        ),
        ({"BETTER_AUTH_URL": "myhost:3000"}, "BETTER_AUTH_URL", "myhost"),
        ({"BETTER_AUTH_URL": "ftp://files.example"}, "BETTER_AUTH_URL", "files.example"),
        ({"BETTER_AUTH_JWKS_URL": "not a url"}, "BETTER_AUTH_JWKS_URL", "not a url"),
        (
            {"NEON_DATABASE_URL": "mysql://root:hunter2@db.example/app"},
            "NEON_DATABASE_URL",
            "hunter2",
        ),
        ({"DATABASE_URL": "mysql://root:hunter2@db.example/app"}, "NEON_DATABASE_URL", "hunter2"),
        ({"NEON_DATABASE_URL": "postgresql:///nohost-hunter2"}, "NEON_DATABASE_URL", "hunter2"),
        ({"JWT_LEEWAY_SECONDS": "soon"}, "JWT_LEEWAY_SECONDS", "soon"),
        ({"JWT_LEEWAY_SECONDS": "-1"}, "JWT_LEEWAY_SECONDS", "-1"),
        ({"DB_POOL_SIZE": "0"}, "DB_POOL_SIZE", "0"),
        ({"LOG_LEVEL": "chatty"}, "LOG_LEVEL", "chatty"),
        ({"LOG_FORMAT": "xml"}, "LOG_FORMAT", "xml"),
    ],
)
def test_an_invalid_setting_names_the_variable_and_hides_the_value(
    monkeypatch: pytest.MonkeyPatch, variables: dict[str, Any], named: str, hidden: str
) -> None:
    variables = {"BETTER_AUTH_SECRET": SECRET} | variables
    message = error_of(monkeypatch, **variables)

    assert message.count("\n") == 0
    assert message.startswith(f"Configuration error: {named} ")
    assert hidden not in message.removeprefix(f"Configuration error: {named} ")
    assert SECRET not in message


def test_each_bad_variable_gets_its_own_line(monkeypatch: pytest.MonkeyPatch) -> None:
    message = error_of(monkeypatch, BETTER_AUTH_URL="nope", DB_POOL_SIZE="-3")
    lines = message.splitlines()
    assert len(lines) == 3
    assert [line.split()[2] for line in lines] == [
        "BETTER_AUTH_SECRET",
        "BETTER_AUTH_URL",
        "DB_POOL_SIZE",
    ]


def test_a_32_character_secret_is_enough(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("BETTER_AUTH_SECRET", "x" * 32)
    assert load_settings().better_auth_secret.get_secret_value() == "x" * 32


def test_secrets_never_show_in_the_settings_repr(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("BETTER_AUTH_SECRET", SECRET)
    monkeypatch.setenv("NEON_DATABASE_URL", NEON)
    settings = load_settings()
    for text in (repr(settings), str(settings), str(settings.model_dump())):
        assert SECRET not in text
        assert "AbC123dEf" not in text


# --- database URLs as pasted ------------------------------------------------------------------


@pytest.mark.parametrize(
    "pasted",
    [NEON, NEON.replace("postgresql://", "postgres://", 1), f"  {NEON}\n"],
    ids=["postgresql", "postgres", "whitespace"],
)
def test_a_neon_url_is_normalised_with_its_tls_parameters_kept(
    monkeypatch: pytest.MonkeyPatch, pasted: str
) -> None:
    monkeypatch.setenv("BETTER_AUTH_SECRET", SECRET)
    monkeypatch.setenv("NEON_DATABASE_URL", pasted)
    url = make_url(database_url_of(load_settings()))

    assert url.drivername == "postgresql+psycopg"
    assert (url.username, url.password) == ("alex", "AbC123dEf")
    assert url.host == "ep-cool-darkness-123456.us-east-2.aws.neon.tech"
    assert url.database == "dbname"
    assert dict(url.query) == {"sslmode": "require", "channel_binding": "require"}


def test_database_url_is_an_alias_and_neon_database_url_wins(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv("BETTER_AUTH_SECRET", SECRET)
    monkeypatch.setenv("DATABASE_URL", "postgres://u:p@alias.example/db")
    assert make_url(database_url_of(load_settings())).host == "alias.example"
    monkeypatch.setenv("NEON_DATABASE_URL", "postgres://u:p@neon.example/db")
    assert make_url(database_url_of(load_settings())).host == "neon.example"


@pytest.mark.parametrize("value", ["", "   "])
def test_an_empty_database_url_means_the_embedded_server(
    monkeypatch: pytest.MonkeyPatch, value: str
) -> None:
    monkeypatch.setenv("BETTER_AUTH_SECRET", SECRET)
    monkeypatch.setenv("NEON_DATABASE_URL", value)
    assert load_settings().database_url is None


# --- derived values ---------------------------------------------------------------------------


def test_defaults_follow_better_auth_url(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("BETTER_AUTH_SECRET", SECRET)
    settings = load_settings()
    assert settings.better_auth_url == "http://localhost:3000"
    assert settings.jwks_url == "http://localhost:3000/api/auth/jwks"
    assert settings.expected_issuer == settings.expected_audience == "http://localhost:3000"
    assert settings.allowed_origins == ["http://localhost:3000"]

    monkeypatch.setenv("BETTER_AUTH_URL", "https://todo.example.com/")
    settings = load_settings()
    assert settings.better_auth_url == "https://todo.example.com"
    assert settings.jwks_url == "https://todo.example.com/api/auth/jwks"
    assert settings.expected_issuer == "https://todo.example.com"


def test_explicit_jwks_url_issuer_audience_and_origins_win(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("BETTER_AUTH_SECRET", SECRET)
    monkeypatch.setenv("BETTER_AUTH_URL", "https://todo.example.com")
    monkeypatch.setenv("BETTER_AUTH_JWKS_URL", "https://auth.example.com/keys")
    monkeypatch.setenv("JWT_ISSUER", "https://auth.example.com")
    monkeypatch.setenv("JWT_AUDIENCE", "todo-api")
    monkeypatch.setenv("CORS_ORIGINS", "http://localhost:3001/, https://todo.example.com ,")
    settings = load_settings()
    assert settings.jwks_url == "https://auth.example.com/keys"
    assert settings.expected_issuer == "https://auth.example.com"
    assert settings.expected_audience == "todo-api"
    assert settings.allowed_origins == ["https://todo.example.com", "http://localhost:3001"]


# --- .env files -------------------------------------------------------------------------------


def test_load_settings_reads_dot_env(clean_environment: Path) -> None:
    (clean_environment / ".env").write_text(
        f"BETTER_AUTH_SECRET={SECRET}\nBETTER_AUTH_URL=http://localhost:4000\n"
        f"NEON_DATABASE_URL={NEON}\n"
    )
    settings = load_settings()
    assert settings.better_auth_secret.get_secret_value() == SECRET
    assert settings.better_auth_url == "http://localhost:4000"
    assert make_url(database_url_of(settings)).query["sslmode"] == "require"


def test_backend_dot_env_is_read_too(clean_environment: Path) -> None:
    (clean_environment / "backend").mkdir()
    (clean_environment / "backend" / ".env").write_text(f"BETTER_AUTH_SECRET={SECRET}\n")
    assert load_settings().better_auth_secret.get_secret_value() == SECRET


def test_the_environment_overrides_dot_env(
    clean_environment: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    (clean_environment / ".env").write_text(f"BETTER_AUTH_SECRET={SECRET}\nLOG_LEVEL=DEBUG\n")
    monkeypatch.setenv("LOG_LEVEL", "warning")
    assert load_settings().log_level == "WARNING"


def test_a_bad_value_in_dot_env_is_reported_without_it(clean_environment: Path) -> None:
    (clean_environment / ".env").write_text("BETTER_AUTH_SECRET=too-short-to-be-safe\n")
    with pytest.raises(SettingsError) as raised:
        load_settings()
    assert "BETTER_AUTH_SECRET" in str(raised.value)
    assert "too-short-to-be-safe" not in str(raised.value)


# --- configured(): one variable read as the settings read it --------------------------------


def test_configured_reads_the_environment_before_any_dot_env(
    clean_environment: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    (clean_environment / ".env").write_text("BETTER_AUTH_URL=http://from-dot-env\n")
    assert configured("BETTER_AUTH_URL") == "http://from-dot-env"
    monkeypatch.setenv("BETTER_AUTH_URL", "http://from-environment")
    assert configured("BETTER_AUTH_URL") == "http://from-environment"


def test_configured_takes_backend_dot_env_over_dot_env_as_the_settings_do(
    clean_environment: Path,
) -> None:
    (clean_environment / ".env").write_text(f"BETTER_AUTH_SECRET=a-{SECRET}\n")
    (clean_environment / "backend").mkdir()
    (clean_environment / "backend" / ".env").write_text(f"BETTER_AUTH_SECRET=b-{SECRET}\n")
    assert configured("BETTER_AUTH_SECRET") == f"b-{SECRET}"
    assert load_settings().better_auth_secret.get_secret_value() == f"b-{SECRET}"


def test_configured_takes_the_first_name_set_and_skips_empty_values(
    clean_environment: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    (clean_environment / ".env").write_text("NEON_DATABASE_URL=\nDATABASE_URL=postgres://h/d\n")
    assert configured("NEON_DATABASE_URL", "DATABASE_URL") == "postgres://h/d"
    monkeypatch.setenv("DATABASE_URL", "postgres://env/d")
    assert configured("NEON_DATABASE_URL", "DATABASE_URL") == "postgres://env/d"
    assert configured("JWT_ISSUER") is None


# --- plain words, and typos named ---------------------------------------------------------------

SHORT_SECRET = "Configuration error: BETTER_AUTH_SECRET must be at least 32 characters long"


def test_a_short_secret_is_said_in_plain_words_as_the_readme_quotes_it(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    assert error_of(monkeypatch, BETTER_AUTH_SECRET="x" * 31) == SHORT_SECRET
    assert f"`{SHORT_SECRET}`" in (PROJECT / "README.md").read_text()


@pytest.mark.parametrize(
    ("typo", "meant"),
    [
        ("NEON_DATABSE_URL", "NEON_DATABASE_URL"),
        ("BETTER_AUTH_SECERT", "BETTER_AUTH_SECRET"),
        ("DB_POOLSIZE", "DB_POOL_SIZE"),
        ("jwt_leeway", "JWT_LEEWAY_SECONDS"),
        ("LOG_LEVLE", "LOG_LEVEL"),
        ("JWKS_CACHE", "JWKS_CACHE_SECONDS"),
        ("SESSION_LOOKPU", "SESSION_LOOKUP"),
    ],
)
def test_a_typo_in_the_environment_is_named_with_the_setting_it_meant(
    typo: str, meant: str
) -> None:
    assert unknown_variable_warnings({typo: "value", "PATH": "/bin"}) == [
        f"Warning: {typo} (in the environment) is not a setting of this backend and is ignored;"
        f" did you mean {meant}?"
    ]


def test_a_typo_in_dot_env_is_named_with_the_file(clean_environment: Path) -> None:
    (clean_environment / "backend").mkdir()
    (clean_environment / "backend" / ".env").write_text("NEON_DATABSE_URL=postgres://x@h/d\n")
    assert unknown_variable_warnings({}) == [
        "Warning: NEON_DATABSE_URL (in backend/.env) is not a setting of this backend and is"
        " ignored; did you mean NEON_DATABASE_URL?"
    ]


def test_a_prefixed_name_far_from_any_setting_is_named_without_a_guess() -> None:
    assert unknown_variable_warnings({"DB_HOST": "db"}) == [
        "Warning: DB_HOST (in the environment) is not a setting of this backend and is ignored"
    ]


def test_every_setting_and_every_other_prefix_passes_without_a_warning() -> None:
    """The known names come from the `Settings` model, so a setting added there is known."""
    environ = dict.fromkeys(known_variables(), "value")
    environ |= {"PATH": "/bin", "HOST": "0.0.0.0", "NEXT_PUBLIC_API_URL": "x", "LOAD_AUTH": "x"}
    assert unknown_variable_warnings(environ) == []


def test_dot_env_example_names_only_settings_and_shows_their_defaults() -> None:
    """Every `NAME=value` in `.env.example` is a setting; those shown as defaults are them."""
    lines = (PROJECT / ".env.example").read_text().splitlines()
    assignment = re.compile(r"^#?\s*([A-Z][A-Z0-9_]*)=(.*)$")
    defaults_from = next(i for i, line in enumerate(lines) if "with their defaults" in line)
    defaults = Settings(_env_file=None, better_auth_secret=SECRET)
    shown = 0
    for number, line in enumerate(lines):
        match = assignment.match(line)
        if not match:
            continue
        name, value = match.groups()
        assert name in known_variables(), line
        if number > defaults_from:
            field = name.lower()
            given = Settings(_env_file=None, better_auth_secret=SECRET, **{field: value})  # type: ignore[arg-type]
            assert getattr(given, field) == getattr(defaults, field), line
            shown += 1
    assert shown >= 5
