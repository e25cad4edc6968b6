"""The backends one comparison judges: from `--target`/`--launch` flags or a TOML file.

    [[target]]
    name = "team-a"
    base_url = "http://127.0.0.1:9001"
    better_auth_secret_env = "TEAM_A_SECRET"   # any key + "_env": read from that variable
    user_claim = "user_id"

    [[target]]
    name = "team-b"
    command = "uvicorn main:app --port $PORT"
    cwd = "../team-b"
    port = 9002
    database_variable = "DATABASE_URL"
    database_scheme = "postgresql+asyncpg"
    token_mode = "jwks"

Each key is one variable the features read (`docs/judging.md`); `[defaults]` applies to all.
"""

from __future__ import annotations

import json
import os
import re
import tomllib
from collections.abc import Iterable, Mapping
from pathlib import Path
from typing import Any

from judging.target import Target, from_environment

VARIABLES = {
    "better_auth_secret": "BETTER_AUTH_SECRET",
    "better_auth_url": "BETTER_AUTH_URL",
    "token_mode": "JUDGE_TOKEN_MODE",
    "token_alg": "JUDGE_TOKEN_ALG",
    "jwks_port": "JUDGE_JWKS_PORT",
    "jwks_keys": "JUDGE_JWKS_KEYS",
    "token_issuer": "JUDGE_TOKEN_ISSUER",
    "user_claim": "JUDGE_USER_CLAIM",
    "extra_claims": "JUDGE_EXTRA_CLAIMS",
    "token_lifetime": "JUDGE_TOKEN_LIFETIME",
    "token_command": "JUDGE_TOKEN_COMMAND",
    "cwd": "JUDGE_BACKEND_CWD",
    "port": "JUDGE_BACKEND_PORT",
    "database_variable": "JUDGE_DATABASE_VARIABLE",
    "database_scheme": "JUDGE_DATABASE_SCHEME",
}
PLACES = ("name", "base_url", "command", "description")
NAME = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._-]{0,39}$")
RESERVED = "reference"


class TargetError(ValueError):
    """A target file or flag that cannot be used; the message says which key and why."""


def targets_from_file(path: Path) -> list[Target]:
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except (OSError, tomllib.TOMLDecodeError) as error:
        raise TargetError(f"{path}: {error}") from None
    defaults = data.get("defaults", {})
    entries = data.get("target", [])
    if not isinstance(entries, list) or not entries:
        raise TargetError(f"{path}: no [[target]] table")
    return [_target({**defaults, **entry}, base=path.parent, where=path) for entry in entries]


def _target(entry: Mapping[str, Any], *, base: Path, where: Path) -> Target:
    name = str(entry.get("name", ""))
    label = f"{where}: target {name or '(unnamed)'}"
    check_name(name, label)
    environment: dict[str, str] = {}
    for key, value in entry.items():
        if key in PLACES:
            continue
        if key.endswith("_env") and key.removesuffix("_env") in VARIABLES:
            variable = str(value)
            if variable not in os.environ:
                raise TargetError(f"{label}: {key} names {variable}, which is not set")
            key, value = key.removesuffix("_env"), os.environ[variable]
        if key not in VARIABLES:
            known = ", ".join([*PLACES, *VARIABLES])
            raise TargetError(f"{label}: unknown key {key!r} (known: {known})")
        if key == "cwd":
            value = str((base / str(value)).resolve())
        environment[VARIABLES[key]] = _text(value)
    base_url, command = entry.get("base_url"), entry.get("command")
    if bool(base_url) == bool(command):
        raise TargetError(f"{label}: give exactly one of base_url and command")
    return Target(
        name=name,
        description=str(entry.get("description") or base_url or command),
        base_url=str(base_url) if base_url else None,
        command=str(command) if command else None,
        environment=environment,
    )


def _text(value: Any) -> str:
    """A TOML value as the environment variable's text (tables and arrays as JSON)."""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, dict | list):
        return json.dumps(value)
    return str(value)


def check_name(name: str, label: str) -> None:
    if not NAME.match(name):
        raise TargetError(f"{label}: a name is 1-40 letters, digits, '.', '_' or '-'")
    if name == RESERVED:
        raise TargetError(f"{label}: '{RESERVED}' is our own backend's column")


def targets_from_flags(urls: Iterable[str], commands: Iterable[str]) -> list[Target]:
    """`--target NAME=URL` and `--launch NAME=COMMAND`; token options from the environment."""
    found = []
    for flag, values in (("--target", urls), ("--launch", commands)):
        for value in values:
            name, sep, where = value.partition("=")
            if not sep or not where:
                raise TargetError(f"{flag} {value!r}: expected NAME=URL or NAME=COMMAND")
            check_name(name, f"{flag} {value!r}")
            found.append(
                Target(
                    name=name,
                    description=where,
                    base_url=where if flag == "--target" else None,
                    command=where if flag == "--launch" else None,
                    environment=from_environment(),
                )
            )
    return found


def unique(targets: list[Target]) -> list[Target]:
    names = [target.name for target in targets]
    repeated = sorted({name for name in names if names.count(name) > 1})
    if repeated:
        raise TargetError(f"each target needs its own name; repeated: {', '.join(repeated)}")
    return targets
