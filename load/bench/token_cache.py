"""`python -m load.bench.token_cache`: the verified-token cache's hit and store, ours against
cachetools (`TLRUCache`, and `LRUCache` with our expiry check), interleaved rounds of timeit.

Every request with a token seen before makes one hit; a new token makes one store. Prints the
median and best nanoseconds per call of each (`docs/performance.md`, "Issue 13").
"""

from __future__ import annotations

import argparse
import statistics
import sys
import time
import timeit
from collections.abc import Callable

from cachetools import LRUCache, TLRUCache

from backend.auth.cache import MAX_ENTRIES, Remembered, VerifiedTokens


def _good_until(key: str, value: Remembered, now: float) -> float:
    return value.good_until


def contenders(size: int) -> dict[str, tuple[Callable[[str], object], Callable[[str], None]]]:
    """Per cache, full of `size` tokens: (hit, store)."""
    later = time.time() + 3600
    ours = VerifiedTokens(size)
    tlru: TLRUCache[str, Remembered] = TLRUCache(size, ttu=_good_until, timer=time.time)
    lru: LRUCache[str, Remembered] = LRUCache(size)

    def lru_get(token: str) -> Remembered | None:
        entry = lru.get(token)
        if entry is not None and time.time() >= entry.good_until:
            del lru[token]
            return None
        return entry

    def tlru_store(token: str) -> None:
        tlru[token] = Remembered("user", later, None)

    def lru_store(token: str) -> None:
        lru[token] = Remembered("user", later, None)

    def ours_store(token: str) -> None:
        ours.remember(token, "user", later)

    for n in range(size):
        for store in (ours_store, tlru_store, lru_store):
            store(_token(n))
    return {
        "ours (OrderedDict)": (ours.get, ours_store),
        "cachetools TLRUCache": (tlru.get, tlru_store),
        "cachetools LRUCache + expiry check": (lru_get, lru_store),
    }


def _token(n: int) -> str:
    return f"eyJhbGciOiJIUzI1NiJ9.{n:040d}.signature-{n}"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m load.bench.token_cache", description=__doc__)
    parser.add_argument("--rounds", type=int, default=9, help="interleaved rounds (default 9)")
    args = parser.parse_args(argv)
    caches = contenders(MAX_ENTRIES)
    hits = [_token(n) for n in range(0, MAX_ENTRIES, 97)]
    fresh = iter(range(MAX_ENTRIES, 10**9))
    timings: dict[str, list[float]] = {}
    for _ in range(args.rounds):
        for name, (get, store) in caches.items():
            new = [_token(next(fresh)) for _ in hits]
            for kind, call, tokens in (("hit", get, hits), ("store", store, new)):

                def run(call: Callable[[str], object] = call, tokens: list[str] = tokens) -> None:
                    for token in tokens:
                        call(token)

                seconds = min(timeit.repeat(run, number=1, repeat=5))
                timings.setdefault(f"{name}: {kind}", []).append(seconds / len(tokens) * 1e9)
    for label, values in timings.items():
        print(f"{label}: median {statistics.median(values):,.0f} ns, best {min(values):,.0f} ns")
    return 0


if __name__ == "__main__":
    sys.exit(main())
