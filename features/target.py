"""What the features run against: a stack they start themselves, or `BASE_URL`'s deployment."""

from __future__ import annotations

import os
from collections.abc import Iterator
from contextlib import ExitStack, contextmanager
from dataclasses import dataclass
from typing import Any

from harness.stack import Stack, local_stack, migrated_database
from harness.tokens import ALGORITHMS, DEFAULT_BASE_URL, SESSION, BadTokens, hs256_token

OWN_STACK_TAG = "own-stack"
SKIP_REASON = (
    "needs the stack the features start themselves (restart, database, logs or a trusted JWKS key);"
    " not available with BASE_URL"
)


@dataclass
class Target:
    """The API under test and what it takes to mint tokens it trusts.

    `stack` is the local stack when the features started their own, else None.
    """

    base_url: str
    secret: str
    auth_base_url: str
    token_alg: str = "HS256"
    stack: Stack | None = None
    frontend_origin: str | None = None

    @property
    def token_mode(self) -> str:
        if self.token_alg == SESSION:
            return "Better Auth session (its session table)"
        return (
            "HS256 (BETTER_AUTH_SECRET)"
            if self.token_alg == "HS256"
            else f"{self.token_alg} (JWKS)"
        )

    def token(self, user_id: str, alg: str | None = None, **options: Any) -> str:
        """A valid token for `user_id`, in the run's token mode unless `alg` is given."""
        alg = alg or self.token_alg
        if self.stack is not None:
            return self.stack.token(user_id, alg, **options)
        if alg != "HS256":
            raise RuntimeError(
                f"{alg} tokens need the local stack (its JWKS); BASE_URL runs use HS256"
            )
        return hs256_token(user_id, self.secret, **options)

    def bad_tokens(self, user_id: str) -> BadTokens:
        key = self.stack.keys["EdDSA"] if self.stack is not None else None
        return BadTokens(user_id, self.secret, key, base_url=self.auth_base_url)


def runs_remotely() -> bool:
    """True when `BASE_URL` names a deployment to check instead of a local stack."""
    return bool(os.environ.get("BASE_URL"))


@contextmanager
def open_target() -> Iterator[Target]:
    """`BASE_URL` (with `BETTER_AUTH_SECRET`) when set, else a fresh local stack."""
    alg = os.environ.get("TOKEN_ALG", "HS256")
    if alg not in ("HS256", *ALGORITHMS, SESSION):
        raise RuntimeError(f"TOKEN_ALG must be HS256, {SESSION} or one of {ALGORITHMS}")
    if runs_remotely():
        yield remote_target(os.environ["BASE_URL"].rstrip("/"), alg)
        return
    with ExitStack() as resources:
        database_url = migrated_database(resources)
        stack = resources.enter_context(local_stack(database_url, better_auth_tables=True))
        yield Target(
            base_url=stack.url,
            secret=stack.secret,
            auth_base_url=stack.auth_base_url,
            token_alg=alg,
            stack=stack,
            frontend_origin=stack.settings.frontend_origin,
        )


def remote_target(base_url: str, alg: str) -> Target:
    secret = os.environ.get("BETTER_AUTH_SECRET")
    if not secret:
        raise RuntimeError("BASE_URL runs need BETTER_AUTH_SECRET (the deployment's secret)")
    if alg != "HS256":
        raise RuntimeError("BASE_URL runs mint HS256 tokens; unset TOKEN_ALG")
    auth_url = os.environ.get("BETTER_AUTH_URL", "").rstrip("/")
    return Target(
        base_url=base_url,
        secret=secret,
        auth_base_url=auth_url or DEFAULT_BASE_URL,
        frontend_origin=auth_url or None,
    )
