"""Sessions looked up by asking Better Auth: `GET {BETTER_AUTH_URL}/api/auth/get-session`.

For a backend that does not share Better Auth's database. The token goes both as the bearer
plugin expects it (`Authorization: Bearer <token>.<signature>`) and as the session cookie
(which works without the plugin); `disableRefresh` keeps the lookup free of side effects and
`disableCookieCache` makes Better Auth read its own store. Better Auth answers `{session, user}`
or `null`; anything else (unreachable, too slow, an error status, another shape) means the
lookup could not be done: `SessionLookupUnavailable` (503).
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any, NoReturn
from urllib.parse import quote

import httpx

from backend.auth.fetch import FetchFailed, get_json, new_client
from backend.auth.session import SessionLookupUnavailable, SessionRecord, SessionToken
from backend.logs import app_log

MAX_ANSWER_BYTES = 256 * 1024
COOKIE_NAMES = ("better-auth.session_token", "__Secure-better-auth.session_token")
QUERY = "?disableCookieCache=true&disableRefresh=true"


class BetterAuthSessions:
    """Asks Better Auth's `get-session` endpoint; one pooled HTTP client per app."""

    def __init__(self, url: str, *, secret: str, deadline: float) -> None:
        self.url = url
        self._secret = secret
        self._deadline = deadline
        self._client: httpx.AsyncClient | None = None

    async def find(self, session: SessionToken) -> SessionRecord | None:
        signed = session.signed_value(self._secret)
        cookie = "; ".join(f"{name}={quote(signed, safe='')}" for name in COOKIE_NAMES)
        headers = {"Authorization": f"Bearer {signed}", "Cookie": cookie}
        if self._client is None:
            self._client = new_client()
        try:
            status, answer = await get_json(
                self._client,
                self.url + QUERY,
                deadline=self._deadline,
                max_bytes=MAX_ANSWER_BYTES,
                headers=headers,
            )
        except FetchFailed as failure:
            _unavailable(failure.reason)
        if status == 401 or (status == 200 and answer is None):
            return None
        if status != 200:
            _unavailable(f"status_{status}")
        return _record(answer)

    async def aclose(self) -> None:
        if self._client is not None:
            await self._client.aclose()


def _record(answer: Any) -> SessionRecord:
    """The session of a `{session, user}` answer; any other shape is Better Auth misbehaving."""
    session = answer.get("session") if isinstance(answer, dict) else None
    user_id = session.get("userId") if isinstance(session, dict) else None
    expires_at = session.get("expiresAt") if isinstance(session, dict) else None
    if not isinstance(user_id, str) or not isinstance(expires_at, str):
        _unavailable("unexpected_answer")
    try:
        when = datetime.fromisoformat(expires_at)
    except ValueError:
        _unavailable("unexpected_answer")
    return SessionRecord(user_id, when if when.tzinfo else when.replace(tzinfo=UTC))


def _unavailable(reason: str) -> NoReturn:
    app_log.warning("session lookup failed", extra={"reason": reason, "store": "better-auth"})
    raise SessionLookupUnavailable(reason)
