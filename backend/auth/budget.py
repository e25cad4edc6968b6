"""A token bucket: a budget of actions that refills steadily and allows bursts up to its size."""

from __future__ import annotations

import time
from collections.abc import Callable


class TokenBucket:
    """`capacity` actions at once, then `capacity` more per `period` seconds, spread evenly.

    The same idea as jwks-rsa's `jwksRequestsPerMinute`: a burst of new keys (a rotation, a dev
    server restarted a few times) is looked up at once, while a flood of unknown key ids costs
    at most one fetch per `period / capacity` seconds once the burst is spent.
    """

    def __init__(
        self, capacity: float, period: float, clock: Callable[[], float] = time.monotonic
    ) -> None:
        self._capacity = capacity
        self._rate = capacity / period
        self._clock = clock
        self._tokens = capacity
        self._updated = clock()

    def take(self) -> bool:
        """Spend one action if the budget has one; False (nothing spent) if it is empty."""
        now = self._clock()
        self._tokens = min(self._capacity, self._tokens + (now - self._updated) * self._rate)
        self._updated = now
        if self._tokens < 1:
            return False
        self._tokens -= 1
        return True
