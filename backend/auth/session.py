"""Better Auth session tokens: their shape, their signature, and where sessions are looked up.

Better Auth's bearer plugin hands the frontend `<token>.<signature>` (the session cookie's value,
possibly URL-encoded): `token` is the random id stored in its `session` table, `signature` the
base64 HMAC-SHA256 of `token` keyed with `BETTER_AUTH_SECRET`. Without the `.signature` part the
token is still accepted unless `requireSignature` is set; `SESSION_REQUIRE_SIGNATURE` mirrors it.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import hmac
import re
from dataclasses import dataclass
from datetime import datetime
from typing import Protocol

from backend.auth.jwt import AuthError

TOKEN_PATTERN = re.compile(r"[A-Za-z0-9]{20,255}")  # Better Auth: 32 letters and digits
SIGNATURE_PATTERN = re.compile(r"[A-Za-z0-9+/_-]{43}=?")


class SessionLookupUnavailable(Exception):
    """The session store (Better Auth's table or its API) could not answer (503, not 401)."""


@dataclass(frozen=True)
class SessionToken:
    """A session token as received: the stored `token`, and its signature if it came with one."""

    token: str
    signature: str | None

    def signed_value(self, secret: str) -> str:
        """`token.signature` as Better Auth's cookie carries it (signing it here if unsigned)."""
        return f"{self.token}.{self.signature or sign(self.token, secret)}"


@dataclass(frozen=True)
class SessionRecord:
    """What the store knows of a live session."""

    user_id: str
    expires_at: datetime


class SessionStore(Protocol):
    """Finds a session by its token; raises an exception mapped to 503 when it cannot answer."""

    async def find(self, session: SessionToken) -> SessionRecord | None: ...

    async def aclose(self) -> None: ...


def parse_session_token(value: str) -> SessionToken:
    """`token` or `token.signature` (already URL-decoded), else `AuthError("malformed")`."""
    token, dot, signature = value.partition(".")
    if not TOKEN_PATTERN.fullmatch(token):
        raise AuthError("malformed")
    if not dot:
        return SessionToken(token, None)
    if not SIGNATURE_PATTERN.fullmatch(signature):
        raise AuthError("malformed")
    return SessionToken(token, signature)


def sign(token: str, secret: str) -> str:
    """Better Auth's cookie signature: base64 (standard alphabet, padded) HMAC-SHA256."""
    mac = hmac.new(secret.encode(), token.encode(), hashlib.sha256).digest()
    return base64.b64encode(mac).decode()


def check_signature(session: SessionToken, secret: str, *, required: bool) -> None:
    """A signature must be `token`'s HMAC (compared in constant time); none, only if allowed."""
    if session.signature is None:
        if required:
            raise AuthError("unsigned_session")
        return
    alphabet = b"-_" if "-" in session.signature or "_" in session.signature else None
    padded = session.signature.rstrip("=") + "="
    try:
        given = base64.b64decode(padded, altchars=alphabet, validate=True)
    except binascii.Error:
        raise AuthError("malformed") from None
    expected = hmac.new(secret.encode(), session.token.encode(), hashlib.sha256).digest()
    if not hmac.compare_digest(given, expected):
        raise AuthError("bad_signature")
