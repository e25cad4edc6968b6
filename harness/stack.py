"""A whole local stack for tests and features: database, JWKS server, backend, token minting."""

from __future__ import annotations

import secrets
from collections.abc import Iterator
from contextlib import ExitStack, contextmanager
from dataclasses import dataclass, field
from typing import Any

from backend import migrate
from backend.settings import Settings
from harness.client import TodoClient
from harness.database import throwaway_database, throwaway_server
from harness.jwks_server import JwksServer
from harness.live import LiveServer
from harness.tokens import ALGORITHMS, SigningKey, hs256_token, jwks_of


def settings_for(database_url: str, **overrides: Any) -> Settings:
    """Settings for a test backend: no `.env` files read, a fresh secret unless given."""
    values: dict[str, Any] = {
        "better_auth_secret": secrets.token_urlsafe(48),
        "database_url": database_url,
        "log_format": "json",
    }
    values.update(overrides)
    return Settings(_env_file=None, **values)  # type: ignore[call-arg]


def migrated_database(stack: ExitStack, server_url: str | None = None) -> str:
    """A fresh database with the schema applied, dropped when `stack` closes."""
    if server_url is None:
        server_url = stack.enter_context(throwaway_server())
    url = stack.enter_context(throwaway_database(server_url))
    migrate.upgrade(settings_for(url), url)
    return url


@dataclass
class Stack:
    """A running backend with the secret and the Better Auth keys it trusts."""

    server: LiveServer
    jwks: JwksServer
    keys: dict[str, SigningKey] = field(default_factory=dict)

    @property
    def url(self) -> str:
        return self.server.url

    @property
    def settings(self) -> Settings:
        return self.server.settings

    @property
    def secret(self) -> str:
        return self.settings.better_auth_secret.get_secret_value()

    @property
    def auth_base_url(self) -> str:
        return self.settings.better_auth_url

    def token(self, user_id: str, alg: str = "HS256", **options: Any) -> str:
        """A valid token for `user_id`: HS256 with the secret, or Better Auth's JWKS-signed kind."""
        if alg == "HS256":
            return hs256_token(user_id, self.secret, **options)
        options.setdefault("issuer", self.auth_base_url)
        options.setdefault("audience", self.auth_base_url)
        return self.keys[alg].token(user_id, **options)

    def client(self, user_id: str, alg: str = "HS256") -> TodoClient:
        return TodoClient(self.url, user_id, self.token(user_id, alg))


@contextmanager
def local_stack(
    database_url: str, *, port: int | None = None, **setting_overrides: Any
) -> Iterator[Stack]:
    """Start a JWKS server (one key per algorithm) and the backend trusting it, on `port`
    (default: a free one)."""
    keys = {alg: SigningKey.generate(alg) for alg in ALGORITHMS}
    with ExitStack() as stack:
        jwks = stack.enter_context(JwksServer(jwks_of(*keys.values())))
        setting_overrides.setdefault("better_auth_url", jwks.base_url)
        settings = settings_for(database_url, **setting_overrides)
        server = stack.enter_context(LiveServer(settings, port=port))
        yield Stack(server=server, jwks=jwks, keys=keys)
