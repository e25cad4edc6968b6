"""Verified credentials are remembered until they expire, and never past their key."""

from __future__ import annotations

import time

import httpx

from backend.auth.cache import VerifiedTokens
from harness.client import statuses_until
from harness.stack import local_stack
from harness.tokens import SigningKey, hs256_token, jwks_of

SECRET = "s" * 48


def test_a_remembered_token_is_forgotten_when_its_moment_passes() -> None:
    cache = VerifiedTokens()
    live = hs256_token("alice", SECRET, ttl=600)
    dead = hs256_token("bob", SECRET, now=time.time() - 600, ttl=60)
    cache.remember(live, "alice", time.time() + 600)
    cache.remember(dead, "bob", time.time() - 540)
    remembered = cache.get(live)
    assert remembered is not None
    assert remembered == ("alice", remembered.good_until, None)
    assert cache.get(dead) is None
    assert cache.get(hs256_token("alice", SECRET, ttl=601)) is None  # only the exact token


def test_an_entry_names_the_key_that_verified_it() -> None:
    cache = VerifiedTokens()
    cache.remember("a.b.c", "alice", time.time() + 60, kid="key-1")
    remembered = cache.get("a.b.c")
    assert remembered is not None and remembered.kid == "key-1"
    cache.forget("a.b.c")
    assert cache.get("a.b.c") is None


def test_the_cache_is_bounded_and_drops_the_least_recently_used() -> None:
    cache = VerifiedTokens(max_entries=3)
    tokens = [hs256_token(f"user-{n}", SECRET) for n in range(4)]
    until = time.time() + 600
    for n, token in enumerate(tokens[:3]):
        cache.remember(token, f"user-{n}", until)
    assert cache.get(tokens[0]) is not None  # now the most recently used
    cache.remember(tokens[3], "user-3", until)
    assert len(cache) == 3
    assert cache.get(tokens[1]) is None
    users = [cache.get(t).user_id for t in (tokens[0], tokens[2], tokens[3])]  # type: ignore[union-attr]
    assert users == ["user-0", "user-2", "user-3"]


def test_a_token_that_worked_says_expired_once_it_expires(database_url: str, user_id: str) -> None:
    with local_stack(database_url, jwt_leeway_seconds=0) as running:
        token = hs256_token(user_id, running.secret, ttl=2)
        url = f"{running.url}/api/{user_id}/tasks"
        headers = {"Authorization": f"Bearer {token}"}
        assert httpx.get(url, headers=headers).status_code == 200
        time.sleep(2.5)
        expired = httpx.get(url, headers=headers)
        assert expired.status_code == 401
        assert expired.json()["detail"] == "Token has expired"


def test_a_remembered_token_stops_working_once_its_key_leaves_the_jwks(
    database_url: str, user_id: str
) -> None:
    """The key set is refreshed in the background once stale; then the old key's tokens fail."""
    with local_stack(database_url, jwks_cache_seconds=0.5) as running:
        old_token = running.token(user_id, "EdDSA")
        url = f"{running.url}/api/{user_id}/tasks"
        headers = {"Authorization": f"Bearer {old_token}"}
        assert httpx.get(url, headers=headers).status_code == 200
        running.jwks.document = jwks_of(SigningKey.generate("EdDSA"))
        time.sleep(0.6)
        statuses = statuses_until(url, headers, 401)
        assert statuses[-1] == 401, statuses  # the first may still pass while the refresh runs
