"""Tokens that verified, remembered until they expire: a session's later requests skip the crypto.

Only successes are kept, keyed by the whole token, so a refused token is checked (and logged)
every time. A JWKS-signed token is kept no longer than its key is (`JWKS_CACHE_SECONDS`), so
rotating a key away still locks its tokens out within that bound.
"""

from __future__ import annotations

import base64
import json
import time
from collections import OrderedDict

MAX_ENTRIES = 10_000


class VerifiedTokens:
    """A bounded LRU of token → user id, each entry good until the token's `exp` (or sooner)."""

    def __init__(self, asymmetric_seconds: float, max_entries: int = MAX_ENTRIES) -> None:
        self._asymmetric_seconds = asymmetric_seconds
        self._max_entries = max_entries
        self._entries: OrderedDict[str, tuple[str, float]] = OrderedDict()

    def __len__(self) -> int:
        return len(self._entries)

    def get(self, token: str) -> str | None:
        """The user id of a token that verified and has not expired since, else None."""
        entry = self._entries.get(token)
        if entry is None:
            return None
        user_id, good_until = entry
        if time.time() >= good_until:
            del self._entries[token]
            return None
        self._entries.move_to_end(token)
        return user_id

    def remember(self, token: str, user_id: str, *, asymmetric: bool) -> None:
        """Keep a token that just verified: until its `exp`, or the key's cache time if sooner."""
        good_until = expiry(token)
        if asymmetric:
            good_until = min(good_until, time.time() + self._asymmetric_seconds)
        self._entries[token] = (user_id, good_until)
        self._entries.move_to_end(token)
        while len(self._entries) > self._max_entries:
            self._entries.popitem(last=False)


def expiry(token: str) -> float:
    """The `exp` claim of a token whose signature and claims were already checked."""
    segment = token.split(".")[1]
    claims = json.loads(base64.urlsafe_b64decode(segment + "=" * (-len(segment) % 4)))
    return float(claims["exp"])
