"""From a bearer credential to a user id: a JWT, or a Better Auth session token.

The credential's shape decides, never a try-one-then-the-other: a JWT is three base64url
segments whose first is a JSON object; a session token is `token` or `token.signature`
(Better Auth's cookie value, perhaps URL-encoded). Each is then checked its own way only.
"""

from __future__ import annotations

import time
from collections import OrderedDict
from dataclasses import dataclass
from urllib.parse import unquote

from backend.auth.cache import VerifiedTokens
from backend.auth.jwks import JwksKeys
from backend.auth.jwt import (
    EXPIRED_MESSAGE,
    MAX_TOKEN_LENGTH,
    AuthError,
    VerifierConfig,
    checked_user_id,
    is_asymmetric,
    key_id,
    read_header,
    verify_token,
)
from backend.auth.session import (
    SessionStore,
    SessionToken,
    check_signature,
    parse_session_token,
)

JWT_SEGMENTS = 3
MAX_SESSIONS_SEEN = 10_000


@dataclass(frozen=True)
class SessionPolicy:
    """How session tokens are taken: signature required or not, how long a lookup is trusted."""

    require_signature: bool = False
    cache_seconds: float = 5.0


class Authenticator:
    """Checks credentials; remembers the ones that verified (`VerifiedTokens`)."""

    def __init__(
        self,
        config: VerifierConfig,
        keys: JwksKeys,
        sessions: SessionStore | None,
        policy: SessionPolicy,
    ) -> None:
        self.config = config
        self.keys = keys
        self.sessions = sessions
        self.policy = policy
        self.verified = VerifiedTokens()
        self._session_ends: OrderedDict[str, float] = OrderedDict()

    async def user_of(self, credential: str) -> str:
        """The user id of a bearer credential, or `AuthError` (or a 503-mapped lookup error)."""
        remembered = self.verified.get(credential)
        if remembered is not None:
            if remembered.kid is None or self.keys.cached(remembered.kid) is not None:
                return remembered.user_id
            self.verified.forget(credential)
        if len(credential) > MAX_TOKEN_LENGTH:
            raise AuthError("malformed")
        if credential.count(".") == JWT_SEGMENTS - 1:
            return await self._jwt_user(credential)
        return await self._session_user(parse_session_token(unquote(credential)), credential)

    async def aclose(self) -> None:
        if self.sessions is not None:
            await self.sessions.aclose()

    async def _jwt_user(self, token: str) -> str:
        header = read_header(token)
        if not is_asymmetric(header):
            verified = verify_token(token, self.config, None, header)
            self.verified.remember(token, verified.user_id, verified.expires_at)
            return verified.user_id
        kid = key_id(header)
        key = await self.keys.get_key(kid)
        verified = verify_token(token, self.config, key, header)
        self.verified.remember(token, verified.user_id, verified.expires_at, kid)
        return verified.user_id

    async def _session_user(self, session: SessionToken, credential: str) -> str:
        check_signature(session, self.config.secret, required=self.policy.require_signature)
        if self.sessions is None:
            raise AuthError("sessions_off")
        record = await self.sessions.find(session)
        now = time.time()
        if record is None:
            ended = self._session_ends.get(session.token)
            if ended is not None and ended <= now:
                raise AuthError("session_expired", EXPIRED_MESSAGE)
            raise AuthError("unknown_session")
        expires_at = record.expires_at.timestamp()
        self._note_end(session.token, expires_at)
        if expires_at <= now:
            raise AuthError("session_expired", EXPIRED_MESSAGE)
        user_id = checked_user_id(record.user_id)
        good_until = min(expires_at, now + self.policy.cache_seconds)
        self.verified.remember(credential, user_id, good_until)
        return user_id

    def _note_end(self, token: str, expires_at: float) -> None:
        """Remember when a session ends, to say "expired" once its store has forgotten it."""
        self._session_ends[token] = expires_at
        self._session_ends.move_to_end(token)
        while len(self._session_ends) > MAX_SESSIONS_SEEN:
            self._session_ends.popitem(last=False)
