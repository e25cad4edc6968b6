"""Better Auth's public keys, fetched from its JWKS endpoint and cached by `kid`.

- A key that was fetched once keeps verifying whatever the endpoint does later (down, slow,
  malformed): only a well-formed key set that no longer lists it retires it.
- A request whose key is cached never waits: once the set is older than `cache_seconds`, it
  is refreshed in the background while the cached keys go on answering.
- An unknown `kid` is looked up at once while the refetch budget (a token bucket) lasts;
  one fetch is in flight at a time, and requests that need it share it.
- A fetch has one deadline for the whole exchange and a size cap; any failure (unreachable,
  slow, too big, not a JWKS, no usable key) keeps the last good set and backs off.
- A `kid` listed more than once is ambiguous: it is left out of the set (docs/decisions.md).
"""

from __future__ import annotations

import asyncio
import time
from collections import Counter
from collections.abc import Callable
from typing import Any

import jwt

from backend.auth.budget import TokenBucket
from backend.auth.fetch import FetchFailed, get_json, new_client
from backend.auth.jwt import AuthError
from backend.logs import security_log

MAX_KEYS = 100
ASYMMETRIC_KEY_TYPES = frozenset({"OKP", "EC", "RSA"})
FIRST_BACKOFF_SECONDS = 1.0
MAX_BACKOFF_SECONDS = 30.0


class JwksKeys:
    """The keys of one JWKS URL; `get_key(kid)` for a token, `cached(kid)` for a remembered one."""

    def __init__(
        self,
        url: str,
        *,
        deadline: float,
        max_bytes: int,
        cache_seconds: float,
        refetches_per_minute: float,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self.url = url
        self._deadline = deadline
        self._max_bytes = max_bytes
        self._cache_seconds = cache_seconds
        self._clock = clock
        self._budget = TokenBucket(refetches_per_minute, 60.0, clock)
        self._keys: dict[str, jwt.PyJWK] = {}
        self._fetched_at: float | None = None
        self._failures = 0
        self._retry_at = 0.0
        self._fetch: asyncio.Task[None] | None = None
        self.fetches = 0

    def cached(self, kid: str) -> jwt.PyJWK | None:
        """The key from the last good set, never waiting; a stale set is refreshed meanwhile."""
        key = self._keys.get(kid)
        if key is not None and self._is_stale():
            self._start_fetch()
        return key

    async def get_key(self, kid: str) -> jwt.PyJWK:
        """The key for `kid`: cached, or fetched if the budget allows; else `AuthError`."""
        key = self.cached(kid)
        if key is not None:
            return key
        fetch = self._start_fetch()
        if fetch is None:
            raise AuthError("unknown_key" if self._fetched_at is not None else "jwks_unavailable")
        await asyncio.shield(fetch)
        key = self._keys.get(kid)
        if key is None:
            raise AuthError("unknown_key" if self._failures == 0 else "jwks_unavailable")
        return key

    def _is_stale(self) -> bool:
        return self._fetched_at is None or self._clock() - self._fetched_at >= self._cache_seconds

    def _start_fetch(self) -> asyncio.Task[None] | None:
        """Start the one fetch, unless one is running, a failure is backing off, or no budget."""
        if self._fetch is not None:
            return self._fetch
        if self._clock() < self._retry_at or not self._budget.take():
            return None
        self._fetch = asyncio.get_running_loop().create_task(self._refresh())
        return self._fetch

    async def _refresh(self) -> None:
        self.fetches += 1
        try:
            async with new_client() as client:
                status, document = await get_json(
                    client, self.url, deadline=self._deadline, max_bytes=self._max_bytes
                )
            if status != 200:
                raise FetchFailed(f"status_{status}")
            keys = parse_jwks(document)
        except FetchFailed as failure:
            self._failures += 1
            backoff = min(MAX_BACKOFF_SECONDS, FIRST_BACKOFF_SECONDS * 2 ** (self._failures - 1))
            self._retry_at = self._clock() + backoff
            security_log.warning(
                "jwks fetch failed",
                extra={"event": "jwks_fetch_failed", "reason": failure.reason, "url": self.url},
            )
        else:
            self._keys, self._fetched_at, self._failures = keys, self._clock(), 0
        finally:
            self._fetch = None


def parse_jwks(document: Any) -> dict[str, jwt.PyJWK]:
    """The usable signing keys of a JWKS by `kid`; `FetchFailed` when there is none."""
    if not isinstance(document, dict) or not isinstance(document.get("keys"), list):
        raise FetchFailed("not_a_jwks")
    entries = [entry for entry in document["keys"] if isinstance(entry, dict)]
    if len(entries) > MAX_KEYS:
        raise FetchFailed("too_many_keys")
    listed = Counter(entry.get("kid") for entry in entries)
    keys: dict[str, jwt.PyJWK] = {}
    for entry in entries:
        kid = entry.get("kid")
        if not isinstance(kid, str) or not kid or listed[kid] > 1:
            continue
        key = _signing_key(entry)
        if key is not None:
            keys[kid] = key
    if not keys:
        raise FetchFailed("no_usable_key")
    return keys


def _signing_key(entry: dict[str, Any]) -> jwt.PyJWK | None:
    """The entry as a public signing key, or None for anything else (or anything unreadable)."""
    if entry.get("kty") not in ASYMMETRIC_KEY_TYPES or entry.get("use", "sig") != "sig":
        return None
    if any(name in entry for name in ("d", "p", "q")):  # a private key has no business here
        return None
    try:
        return jwt.PyJWK(entry)
    except Exception:  # whatever the library and cryptography raise on a key they cannot read
        return None
