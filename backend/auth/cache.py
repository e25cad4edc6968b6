"""Credentials that verified, remembered for a while: a session's later requests skip the work.

Only successes are kept, keyed by the whole credential, so a refused one is checked (and
logged) every time. Each entry is good until a moment fixed when it was stored: a JWT's `exp`;
a Better Auth session's `expiresAt`, or `SESSION_CACHE_SECONDS` from its lookup if sooner (the
bound on how long a signed-out session still works). An entry of a JWKS-signed token names its
`kid`, so the caller can drop it once the key leaves the JWKS.
"""

from __future__ import annotations

import time
from collections import OrderedDict
from typing import NamedTuple

MAX_ENTRIES = 10_000


class Remembered(NamedTuple):
    user_id: str
    good_until: float
    kid: str | None


class VerifiedTokens:
    """A bounded LRU of credential → (user id, good until, key id).

    Hand-written rather than cachetools' `TLRUCache` (or its `LRUCache` plus this expiry check):
    a hit, which every request with a known token makes, costs a fraction of theirs
    (`docs/performance.md`, "Issue 13").
    """

    def __init__(self, max_entries: int = MAX_ENTRIES) -> None:
        self._max_entries = max_entries
        self._entries: OrderedDict[str, Remembered] = OrderedDict()

    def __len__(self) -> int:
        return len(self._entries)

    def get(self, token: str) -> Remembered | None:
        """The entry of a credential that verified and is still good, else None."""
        entry = self._entries.get(token)
        if entry is None:
            return None
        if time.time() >= entry.good_until:
            del self._entries[token]
            return None
        self._entries.move_to_end(token)
        return entry

    def remember(self, token: str, user_id: str, good_until: float, kid: str | None = None) -> None:
        """Keep a credential that just verified, until `good_until` (epoch seconds)."""
        self._entries[token] = Remembered(user_id, good_until, kid)
        self._entries.move_to_end(token)
        while len(self._entries) > self._max_entries:
            self._entries.popitem(last=False)

    def forget(self, token: str) -> None:
        self._entries.pop(token, None)
