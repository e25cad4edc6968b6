"""What the features judge, and how they mint tokens it trusts.

Three modes, chosen by the environment (docs/judging.md):

- `local-stack` (nothing set): our own stack, started in this process on a throwaway database;
- `base-url` (`BASE_URL`): a running backend, ours or a team's; nothing started;
- `launched` (`JUDGE_BACKEND_COMMAND`): a team's backend started from its command, on a
  database the harness provides, so restarts, outages, logs and configuration can be judged.

Tokens follow `JUDGE_TOKEN_MODE` (hs256, jwks, session, command) and the shape options of
`harness.judge_tokens.TokenShape`.
"""

from __future__ import annotations

import os
import secrets
from collections.abc import Iterator, Mapping
from contextlib import ExitStack, contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlsplit

import httpx

from features.control import Control, LaunchedControl, LocalControl
from harness.judge_tokens import (
    JWKS_ALGORITHMS,
    BadTokenKit,
    CommandMinter,
    Hs256Minter,
    JudgeKeys,
    JwksMinter,
    Minter,
    SessionMinter,
    TokenShape,
    TokenUnavailable,
)
from harness.jwks_server import JwksServer
from harness.launcher import LaunchSpec, launch
from harness.live import free_port
from harness.stack import Stack, local_stack, migrated_database
from harness.tokens import SigningKey

OWN_STACK_TAG = "own-stack"
IN_PROCESS_TAG = "in-process"
NEEDS_CONTROL = (
    "needs a backend the harness starts itself (restart, database outage, logs, configuration):"
    " run without BASE_URL, or judge the whole backend with JUDGE_BACKEND_COMMAND"
)
NEEDS_IN_PROCESS = "checks our own settings code in this process: only on the local stack"
TOKEN_MODES = ("hs256", "jwks", "session", "command")
DEFAULT_KEYS_FILE = Path("reports/.judge-keys.json")


@dataclass
class Target:
    """The backend under test and what it takes to mint tokens it trusts.

    `trusted` is the asymmetric key it trusts (with `issuer`, the base URL such tokens name)
    and `keys` every one by algorithm, when it trusts a JWKS of ours; `secret` its
    `BETTER_AUTH_SECRET` when known; `control` what the harness can do to it (None over
    `BASE_URL`); `stack` our own stack in local mode.
    """

    mode: str
    label: str
    base_url: str
    minter: Minter
    secret: str | None = None
    trusted: SigningKey | None = None
    issuer: str | None = None
    keys: dict[str, SigningKey] = field(default_factory=dict)
    frontend_origin: str | None = None
    control: Control | None = None
    stack: Stack | None = None

    @property
    def token_mode(self) -> str:
        return self.minter.label

    def token(
        self, user_id: str, *, issued_at: float | None = None, lifetime: int | None = None
    ) -> str:
        return self.minter.token(user_id, issued_at=issued_at, lifetime=lifetime)

    def bad_tokens(self, user_id: str) -> BadTokenKit:
        return BadTokenKit(self.minter, user_id, self.trusted, self.issuer)

    def hs256_token(self, user_id: str) -> str:
        if self.secret is None:
            raise TokenUnavailable("no BETTER_AUTH_SECRET given: HS256 tokens cannot be signed")
        return Hs256Minter(self.secret, self.minter.shape).token(user_id)

    def jwks_token(self, user_id: str, alg: str) -> str:
        if not self.keys or self.issuer is None:
            raise TokenUnavailable(
                "the backend was not pointed at a JWKS of the harness (JUDGE_TOKEN_MODE=jwks)"
            )
        if alg not in self.keys:
            raise TokenUnavailable(f"the JWKS the backend trusts has no {alg} key")
        return JwksMinter(self.keys[alg], self.issuer, self.minter.shape).token(user_id)


def mode_of(environ: Mapping[str, str] = os.environ) -> str:
    if environ.get("JUDGE_BACKEND_COMMAND", "").strip():
        return "launched"
    return "base-url" if environ.get("BASE_URL") else "local-stack"


def origin_of(url: str) -> str:
    parts = urlsplit(url)
    return f"{parts.scheme}://{parts.netloc}"


@dataclass
class TokenSetup:
    """How this run signs: the minter, and the JWKS keys (with their issuer) if any."""

    minter: Minter
    keys: dict[str, SigningKey] = field(default_factory=dict)
    issuer: str | None = None

    @property
    def trusted(self) -> SigningKey | None:
        return getattr(self.minter, "key", None) or next(iter(self.keys.values()), None)


def token_mode(environ: Mapping[str, str]) -> tuple[str, str]:
    mode = (environ.get("JUDGE_TOKEN_MODE") or "hs256").lower()
    if mode not in TOKEN_MODES:
        raise RuntimeError(f"JUDGE_TOKEN_MODE must be one of {', '.join(TOKEN_MODES)}")
    alg = environ.get("JUDGE_TOKEN_ALG") or "EdDSA"
    if mode == "jwks" and alg not in JWKS_ALGORITHMS:
        raise RuntimeError(f"JUDGE_TOKEN_ALG must be one of {', '.join(JWKS_ALGORITHMS)}")
    return mode, alg


def tokens_for(
    environ: Mapping[str, str],
    secret: str | None,
    keys: dict[str, SigningKey],
    issuer: str | None,
    session_database: str | None = None,
) -> TokenSetup:
    mode, alg = token_mode(environ)
    shape = TokenShape.from_environment(environ)
    if mode == "session":
        if session_database is None or not secret:
            raise RuntimeError(
                "JUDGE_TOKEN_MODE=session writes Better Auth sessions into the backend's database:"
                " only on the local stack"
            )
        return TokenSetup(SessionMinter(session_database, secret, shape), keys, issuer)
    if mode == "command":
        command = environ.get("JUDGE_TOKEN_COMMAND", "").strip()
        if not command:
            raise RuntimeError("JUDGE_TOKEN_MODE=command needs JUDGE_TOKEN_COMMAND")
        return TokenSetup(CommandMinter(command, shape), keys, issuer)
    if mode == "jwks":
        if issuer is None:
            raise RuntimeError("JUDGE_TOKEN_MODE=jwks needs the JWKS the backend trusts")
        return TokenSetup(JwksMinter(keys[alg], issuer, shape), keys, issuer)
    if not secret:
        raise RuntimeError("HS256 tokens need BETTER_AUTH_SECRET (the backend's secret)")
    return TokenSetup(Hs256Minter(secret, shape), keys, issuer)


def served_keys(
    resources: ExitStack, environ: Mapping[str, str]
) -> tuple[dict[str, SigningKey], str]:
    """The harness's own JWKS, served at 127.0.0.1:$JUDGE_JWKS_PORT/api/auth/jwks; its issuer."""
    port_text = environ.get("JUDGE_JWKS_PORT")
    if not port_text and mode_of(environ) != "launched":
        raise RuntimeError(
            "JUDGE_TOKEN_MODE=jwks needs JUDGE_JWKS_PORT: the port the backend's"
            " BETTER_AUTH_URL (http://127.0.0.1:PORT) points at"
        )
    port = int(port_text or free_port())
    keys = JudgeKeys.load_or_create(Path(environ.get("JUDGE_JWKS_KEYS") or DEFAULT_KEYS_FILE))
    resources.enter_context(JwksServer(keys.jwks(), port=port))
    return keys.keys, (environ.get("JUDGE_TOKEN_ISSUER") or f"http://127.0.0.1:{port}").rstrip("/")


@contextmanager
def open_target(environ: Mapping[str, str] = os.environ) -> Iterator[Target]:
    mode = mode_of(environ)
    with ExitStack() as resources:
        if mode == "local-stack":
            yield local_target(resources, environ)
        elif mode == "base-url":
            yield remote_target(resources, environ)
        else:
            yield launched_target(resources, environ)


def local_target(resources: ExitStack, environ: Mapping[str, str]) -> Target:
    database_url = migrated_database(resources)
    stack = resources.enter_context(local_stack(database_url, better_auth_tables=True))
    setup = tokens_for(environ, stack.secret, stack.keys, stack.auth_base_url, database_url)
    return Target(
        mode="local-stack",
        label=environ.get("JUDGE_LABEL") or "reference (local stack)",
        base_url=stack.url,
        minter=setup.minter,
        secret=stack.secret,
        trusted=setup.trusted,
        issuer=stack.auth_base_url,
        keys=stack.keys,
        frontend_origin=stack.settings.frontend_origin,
        control=LocalControl(stack, setup.minter.shape),
        stack=stack,
    )


def remote_target(resources: ExitStack, environ: Mapping[str, str]) -> Target:
    base_url = environ["BASE_URL"].rstrip("/")
    secret = environ.get("BETTER_AUTH_SECRET") or None
    keys: dict[str, SigningKey] = {}
    issuer = None
    if token_mode(environ)[0] == "jwks":
        keys, issuer = served_keys(resources, environ)
    setup = tokens_for(environ, secret, keys, issuer)
    auth_url = (environ.get("BETTER_AUTH_URL") or issuer or "").rstrip("/")
    return Target(
        mode="base-url",
        label=environ.get("JUDGE_LABEL") or base_url,
        base_url=base_url,
        minter=setup.minter,
        secret=secret,
        trusted=setup.trusted,
        issuer=issuer,
        keys=keys,
        frontend_origin=origin_of(auth_url) if auth_url else None,
    )


def launched_target(resources: ExitStack, environ: Mapping[str, str]) -> Target:
    """A team's backend, started with a fresh secret and pointed at the harness's own JWKS
    (so JWKS-signed tokens can be tried whatever the token mode)."""
    spec = LaunchSpec.from_environment(environ)
    if spec is None:
        raise RuntimeError("whole-backend mode needs JUDGE_BACKEND_COMMAND")
    secret = secrets.token_urlsafe(48)
    keys, issuer = served_keys(resources, environ)
    setup = tokens_for(environ, secret, keys, issuer)
    settings = {"BETTER_AUTH_SECRET": secret, "BETTER_AUTH_URL": issuer}
    launched = resources.enter_context(launch(spec, settings))

    def recovered() -> bool:
        user = "judge-probe"
        try:
            answer = httpx.get(
                f"{launched.base_url}/api/{user}/tasks",
                headers={"Authorization": f"Bearer {setup.minter.token(user)}"},
                timeout=3,
            )
        except httpx.TransportError:
            return False
        return answer.is_success

    return Target(
        mode="launched",
        label=environ.get("JUDGE_LABEL") or spec.command,
        base_url=launched.base_url,  # its port may have moved (harness.launcher._started)
        minter=setup.minter,
        secret=secret,
        trusted=setup.trusted,
        issuer=issuer,
        keys=keys,
        frontend_origin=origin_of(issuer),
        control=LaunchedControl(launched, setup.minter, recovered),
    )
