"""Better Auth's public keys, fetched from its JWKS endpoint and cached by `kid`."""

from __future__ import annotations

import threading
import time

import jwt

from backend.auth.jwt import AuthError


class JwksKeys:
    """Keys from a JWKS URL: cached, refetched on an unknown `kid` at most every `refetch_seconds`.

    When the endpoint cannot be reached, lookups fail fast with `AuthError("jwks_unavailable")`
    until `refetch_seconds` have passed, so an outage never makes requests hang.
    """

    def __init__(
        self, url: str, *, timeout: float, cache_seconds: float, refetch_seconds: float
    ) -> None:
        self._client = jwt.PyJWKClient(
            url,
            cache_jwk_set=cache_seconds > 0,
            lifespan=max(cache_seconds, 1),
            timeout=timeout,
            cooldown_duration=refetch_seconds,
        )
        self._refetch_seconds = refetch_seconds
        self._failed_at: float | None = None
        self._lock = threading.Lock()

    def get_key(self, kid: str) -> jwt.PyJWK:
        with self._lock:
            if self._failed_at is not None:
                if time.monotonic() - self._failed_at < self._refetch_seconds:
                    raise AuthError("jwks_unavailable")
            try:
                key = self._client.get_signing_key(kid)
            except jwt.PyJWKClientConnectionError:
                self._failed_at = time.monotonic()
                raise AuthError("jwks_unavailable") from None
            except jwt.PyJWTError:
                raise AuthError("unknown_key") from None
            self._failed_at = None
            return key
