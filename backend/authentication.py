"""Builds the app's `Authenticator` from the settings: JWKS keys and the session store.

`SESSION_LOOKUP`: `database` reads Better Auth's `session` table in our database, `http` asks
Better Auth's `get-session` endpoint, `auto` (the default) takes the table when it exists and
the endpoint otherwise, `off` refuses session tokens (JWTs only).
"""

from __future__ import annotations

from backend.auth.authenticator import Authenticator, SessionPolicy
from backend.auth.jwks import JwksKeys
from backend.auth.jwt import VerifierConfig
from backend.auth.session import SessionStore
from backend.auth.session_http import BetterAuthSessions
from backend.db import Database
from backend.sessions import AutoSessions, DatabaseSessions, SessionTable
from backend.settings import Settings


def build_authenticator(settings: Settings, database: Database) -> Authenticator:
    return Authenticator(
        config=verifier_config(settings),
        keys=jwks_keys(settings),
        sessions=session_store(settings, database),
        policy=SessionPolicy(
            require_signature=settings.session_require_signature,
            cache_seconds=settings.session_cache_seconds,
        ),
    )


def verifier_config(settings: Settings) -> VerifierConfig:
    return VerifierConfig(
        secret=settings.better_auth_secret.get_secret_value(),
        issuer=settings.expected_issuer,
        audience=settings.expected_audience,
        leeway_seconds=settings.jwt_leeway_seconds,
        check_shared_secret_issuer=bool(settings.jwt_issuer or settings.jwt_audience),
    )


def jwks_keys(settings: Settings) -> JwksKeys:
    return JwksKeys(
        settings.jwks_url,
        deadline=settings.jwks_timeout_seconds,
        max_bytes=settings.jwks_max_bytes,
        cache_seconds=settings.jwks_cache_seconds,
        refetches_per_minute=settings.jwks_refetches_per_minute,
    )


def session_store(settings: Settings, database: Database) -> SessionStore | None:
    mode = settings.session_lookup
    if mode == "off":
        return None
    table = DatabaseSessions(
        database,
        SessionTable(
            table=settings.session_table,
            token=settings.session_token_column,
            user_id=settings.session_user_id_column,
            expires_at=settings.session_expires_at_column,
        ),
    )
    http = BetterAuthSessions(
        settings.session_url,
        secret=settings.better_auth_secret.get_secret_value(),
        deadline=settings.session_timeout_seconds,
    )
    if mode == "database":
        return table
    if mode == "http":
        return http
    return AutoSessions(table, http)
