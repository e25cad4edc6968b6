"""All configuration, read from the environment and `.env` files (FR-020, SC-010)."""

from __future__ import annotations

import difflib
import os
import re
from collections.abc import Mapping
from functools import cached_property
from pathlib import Path
from typing import Annotated, Literal
from urllib.parse import urlsplit

from dotenv import dotenv_values
from pydantic import AliasChoices, Field, SecretStr, ValidationError, field_validator
from pydantic.fields import FieldInfo
from pydantic_settings import BaseSettings, NoDecode, SettingsConfigDict

from backend.database_url import normalise_database_url

ENV_FILES = (".env", "backend/.env")
IDENTIFIER = re.compile(r"[A-Za-z_][A-Za-z0-9_$]{0,62}")

# Variables with these prefixes are meant for us: one that no setting reads is likely a typo.
OUR_PREFIXES = ("BETTER_AUTH_", "NEON_", "DB_", "JWT_", "JWKS_", "SESSION_", "LOG_")


class SettingsError(Exception):
    """A setting is missing or invalid; the message names it and never shows its value."""


class Settings(BaseSettings):
    """The service's settings. Build one with `load_settings()`."""

    model_config = SettingsConfigDict(
        env_file=ENV_FILES,
        env_file_encoding="utf-8",
        extra="ignore",
        frozen=True,
        populate_by_name=True,
    )

    better_auth_secret: SecretStr = Field(min_length=32)
    better_auth_url: str = "http://localhost:3000"
    better_auth_jwks_url: str | None = None
    database_url: SecretStr | None = Field(
        default=None, validation_alias=AliasChoices("NEON_DATABASE_URL", "DATABASE_URL")
    )
    cors_origins: Annotated[list[str], NoDecode] = []

    jwt_issuer: str | None = None
    jwt_audience: str | None = None
    jwt_leeway_seconds: float = Field(default=10, ge=0, le=300)
    jwks_timeout_seconds: float = Field(default=3, gt=0, le=30)
    jwks_cache_seconds: float = Field(default=300, ge=0)
    jwks_refetches_per_minute: float = Field(default=10, ge=1, le=600)
    jwks_max_bytes: int = Field(default=64 * 1024, ge=1024, le=10 * 1024 * 1024)

    session_lookup: Literal["auto", "database", "http", "off"] = "auto"
    session_require_signature: bool = False
    session_cache_seconds: float = Field(default=5, ge=0, le=300)
    session_timeout_seconds: float = Field(default=3, gt=0, le=30)
    better_auth_session_url: str | None = None
    session_table: str = "session"
    session_token_column: str = "token"
    session_user_id_column: str = "userId"
    session_expires_at_column: str = "expiresAt"

    # Overflow connections are closed when returned, so steady load reopens one per request
    # (the database CPU it costs: docs/performance.md): keep every connection in the pool.
    db_pool_size: int = Field(default=20, ge=1, le=200)
    db_max_overflow: int = Field(default=0, ge=0, le=200)
    db_pool_timeout_seconds: float = Field(default=2, gt=0, le=60)
    db_pool_recycle_seconds: int = Field(default=240, ge=1)
    db_connect_timeout_seconds: int = Field(default=5, ge=1, le=60)
    db_statement_timeout_seconds: float = Field(default=5, gt=0, le=300)
    db_prepare_threshold: int | None = Field(default=5, ge=0)

    embedded_db_dir: Path = Path(".data/postgres")

    log_level: Literal["DEBUG", "INFO", "WARNING", "ERROR"] = "INFO"
    log_format: Literal["json", "text"] = "json"

    @field_validator(
        "session_table",
        "session_token_column",
        "session_user_id_column",
        "session_expires_at_column",
    )
    @classmethod
    def _identifier(cls, value: str) -> str:
        parts = value.split(".")
        if len(parts) > 2 or not all(IDENTIFIER.fullmatch(part) for part in parts):
            raise ValueError("must be a table or column name such as session or userId")
        return value

    @field_validator("session_lookup", mode="before")
    @classmethod
    def _lower(cls, value: object) -> object:
        return value.strip().lower() if isinstance(value, str) else value

    @field_validator("better_auth_url", "better_auth_jwks_url", "better_auth_session_url")
    @classmethod
    def _http_url(cls, value: str | None) -> str | None:
        if value is None:
            return None
        parts = urlsplit(value)
        if parts.scheme not in ("http", "https") or not parts.netloc:
            raise ValueError("must be an http(s) URL such as http://localhost:3000")
        return value.rstrip("/")

    @field_validator("database_url", mode="before")
    @classmethod
    def _driver_url(cls, value: object) -> object:
        if isinstance(value, SecretStr):
            value = value.get_secret_value()
        if isinstance(value, str):
            return normalise_database_url(value) if value.strip() else None
        return value

    @field_validator("cors_origins", mode="before")
    @classmethod
    def _comma_separated(cls, value: object) -> object:
        if isinstance(value, str):
            return [origin.strip().rstrip("/") for origin in value.split(",") if origin.strip()]
        return value

    @field_validator("db_prepare_threshold", mode="before")
    @classmethod
    def _empty_disables(cls, value: object) -> object:
        """`DB_PREPARE_THRESHOLD=` (empty) turns prepared statements off, as the README says."""
        return None if isinstance(value, str) and not value.strip() else value

    @field_validator("log_level", mode="before")
    @classmethod
    def _upper(cls, value: object) -> object:
        return value.upper() if isinstance(value, str) else value

    @cached_property
    def frontend_origin(self) -> str:
        """The origin (scheme://host[:port]) of `BETTER_AUTH_URL`."""
        parts = urlsplit(self.better_auth_url)
        return f"{parts.scheme}://{parts.netloc}"

    @cached_property
    def allowed_origins(self) -> list[str]:
        """CORS origins: the frontend first, then `CORS_ORIGINS`."""
        return list(dict.fromkeys([self.frontend_origin, *self.cors_origins]))

    @cached_property
    def jwks_url(self) -> str:
        return self.better_auth_jwks_url or f"{self.better_auth_url}/api/auth/jwks"

    @cached_property
    def session_url(self) -> str:
        return self.better_auth_session_url or f"{self.better_auth_url}/api/auth/get-session"

    @cached_property
    def expected_issuer(self) -> str:
        return self.jwt_issuer or self.better_auth_url

    @cached_property
    def expected_audience(self) -> str:
        return self.jwt_audience or self.better_auth_url


def load_settings(**overrides: object) -> Settings:
    """Read the settings, or raise `SettingsError` with one line per bad variable."""
    try:
        return Settings(**overrides)  # type: ignore[arg-type]
    except ValidationError as error:
        raise SettingsError(describe_errors(error)) from None


def describe_errors(error: ValidationError) -> str:
    """Name each bad variable and what is wrong in plain words, never the value it holds."""
    lines = []
    for item in error.errors(include_input=False, include_url=False):
        field = str(item["loc"][0]) if item["loc"] else "settings"
        info = Settings.model_fields.get(field)
        variable = variable_names(field, info)[0] if info else field.upper()
        if item["type"] == "missing":
            message = "is required"
        elif item["type"] in ("too_short", "string_too_short"):
            message = f"must be at least {item.get('ctx', {}).get('min_length')} characters long"
        else:
            message = item["msg"].removeprefix("Value error, ")
        lines.append(f"Configuration error: {variable} {message}")
    return "\n".join(lines)


def variable_names(field: str, info: FieldInfo) -> list[str]:
    """The variables a setting is read from, the preferred one first."""
    alias = info.validation_alias
    if isinstance(alias, AliasChoices):
        return [str(choice).upper() for choice in alias.choices if isinstance(choice, str)]
    return [str(alias).upper()] if isinstance(alias, str) else [field.upper()]


def known_variables() -> list[str]:
    """Every variable some setting reads, from the `Settings` model itself."""
    return [
        name
        for field, info in Settings.model_fields.items()
        for name in variable_names(field, info)
    ]


def configured(*names: str, environ: Mapping[str, str] = os.environ) -> str | None:
    """A variable as the settings read it (the first of `names` that is set, as for
    `NEON_DATABASE_URL` or `DATABASE_URL`): the environment first, then the `.env` files, the
    later one winning (`ENV_FILES`, as pydantic-settings reads them); None when unset or empty."""
    files = [dotenv_values(path) for path in reversed(ENV_FILES) if Path(path).is_file()]
    for values in (environ, *files):
        for name in names:
            if value := values.get(name):
                return value
    return None


def unknown_variable_warnings(environ: Mapping[str, str] = os.environ) -> list[str]:
    """One line per variable with our prefixes that no setting reads, in the environment or a
    `.env` file, naming the setting it most likely meant."""
    known = known_variables()
    found = dict.fromkeys(environ, "the environment")
    for path in ENV_FILES:
        if Path(path).is_file():
            found.update({name: path for name in dotenv_values(path) if name not in found})
    lines = []
    for name, where in sorted(found.items()):
        upper = name.upper()
        if not upper.startswith(OUR_PREFIXES) or upper in known:
            continue
        line = f"Warning: {name} (in {where}) is not a setting of this backend and is ignored"
        close = difflib.get_close_matches(upper, known, n=1, cutoff=0.7)
        lines.append(f"{line}; did you mean {close[0]}?" if close else line)
    return lines
