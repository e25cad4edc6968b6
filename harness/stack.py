"""A whole local stack for tests and features: database, JWKS server, backend, token minting."""

from __future__ import annotations

import secrets
from collections.abc import Iterator
from contextlib import ExitStack, contextmanager
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import unquote

from backend import migrate
from backend.settings import Settings
from harness import better_auth
from harness.client import TodoClient
from harness.database import throwaway_database, throwaway_server
from harness.jwks_server import JwksServer
from harness.live import LiveServer
from harness.tokens import ALGORITHMS, SESSION, SigningKey, hs256_token, jwks_of


def settings_for(database_url: str, **overrides: Any) -> Settings:
    """Settings for a test backend: no `.env` files read, a fresh secret unless given."""
    values: dict[str, Any] = {
        "better_auth_secret": secrets.token_urlsafe(48),
        "database_url": database_url,
        "log_format": "json",
    }
    values.update(overrides)
    return Settings(**{"_env_file": None, **values})


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
    database_url: str = ""
    better_auth_tables: bool = False

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
        """A valid token for `user_id`: HS256 with the secret, Better Auth's JWKS-signed kind,
        or (`alg="session"`) a Better Auth session token (see `session_token`)."""
        if alg == "HS256":
            return hs256_token(user_id, self.secret, **options)
        if alg == SESSION:
            return self.session_token(user_id, **options)
        options.setdefault("issuer", self.auth_base_url)
        options.setdefault("audience", self.auth_base_url)
        return self.keys[alg].token(user_id, **options)

    def session_token(
        self,
        user_id: str,
        *,
        ttl: float | None = None,
        now: float | None = None,
        signed: bool = True,
        url_encoded: bool = False,
        **_: Any,
    ) -> str:
        """A new Better Auth session for `user_id`, as its bearer plugin hands it out.

        The session is a row in Better Auth's `session` table when the stack has those
        tables, else it is held by the stand-in's `get-session` endpoint.
        """
        if self.better_auth_tables:
            token = better_auth.insert_session(self.database_url, user_id, ttl=ttl, now=now)
        else:
            token = better_auth.new_token()
            self.jwks.add_session(token, user_id, better_auth.session_end(ttl, now))
        return better_auth.bearer_value(token, self.secret, signed=signed, url_encoded=url_encoded)

    def sign_out(self, bearer: str) -> None:
        """End the session of a session token, as Better Auth's sign-out does."""
        token = unquote(bearer).split(".")[0]
        if self.better_auth_tables:
            better_auth.delete_session(self.database_url, token)
        else:
            self.jwks.sessions.pop(token, None)

    def client(self, user_id: str, alg: str = "HS256") -> TodoClient:
        return TodoClient(self.url, user_id, self.token(user_id, alg))


@contextmanager
def local_stack(
    database_url: str,
    *,
    better_auth_tables: bool = False,
    port: int | None = None,
    **setting_overrides: Any,
) -> Iterator[Stack]:
    """Start a Better Auth stand-in (a JWKS with one key per algorithm, `get-session`) and the
    backend trusting it, on `port` (default: a free one). With `better_auth_tables`, Better
    Auth's `user` and `session` tables are created in the database, so sessions live there (as
    when both share one database)."""
    keys = {alg: SigningKey.generate(alg) for alg in ALGORITHMS}
    if better_auth_tables:
        better_auth.create_tables(database_url)
    with ExitStack() as stack:
        jwks = stack.enter_context(JwksServer(jwks_of(*keys.values())))
        setting_overrides.setdefault("better_auth_url", jwks.base_url)
        settings = settings_for(database_url, **setting_overrides)
        server = stack.enter_context(LiveServer(settings, port=port))
        yield Stack(
            server=server,
            jwks=jwks,
            keys=keys,
            database_url=database_url,
            better_auth_tables=better_auth_tables,
        )
