"""Verified tokens are remembered until they expire, never past it, and never past their key."""

from __future__ import annotations

import time

import httpx

from backend.auth.cache import VerifiedTokens
from harness.stack import local_stack
from harness.tokens import SigningKey, hs256_token, jwks_of

SECRET = "s" * 48


def test_a_remembered_token_is_forgotten_when_it_expires() -> None:
    cache = VerifiedTokens(asymmetric_seconds=300)
    live = hs256_token("alice", SECRET, ttl=600)
    dead = hs256_token("bob", SECRET, now=time.time() - 600, ttl=60)
    cache.remember(live, "alice", asymmetric=False)
    cache.remember(dead, "bob", asymmetric=False)
    assert cache.get(live) == "alice"
    assert cache.get(dead) is None
    assert cache.get(hs256_token("alice", SECRET, ttl=601)) is None  # only the exact token


def test_a_jwks_token_is_kept_no_longer_than_its_key() -> None:
    token = SigningKey.generate("EdDSA").token("alice", ttl=600)
    kept = VerifiedTokens(asymmetric_seconds=300)
    kept.remember(token, "alice", asymmetric=True)
    assert kept.get(token) == "alice"
    not_kept = VerifiedTokens(asymmetric_seconds=0)
    not_kept.remember(token, "alice", asymmetric=True)
    assert not_kept.get(token) is None


def test_the_cache_is_bounded_and_drops_the_least_recently_used() -> None:
    cache = VerifiedTokens(asymmetric_seconds=300, max_entries=3)
    tokens = [hs256_token(f"user-{n}", SECRET) for n in range(4)]
    for n, token in enumerate(tokens[:3]):
        cache.remember(token, f"user-{n}", asymmetric=False)
    assert cache.get(tokens[0]) == "user-0"  # now the most recently used
    cache.remember(tokens[3], "user-3", asymmetric=False)
    assert len(cache) == 3
    assert cache.get(tokens[1]) is None
    assert [cache.get(t) for t in (tokens[0], tokens[2], tokens[3])] == [
        "user-0",
        "user-2",
        "user-3",
    ]


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


def test_a_rotated_away_key_locks_its_tokens_out(database_url: str, user_id: str) -> None:
    with local_stack(database_url, jwks_cache_seconds=1, jwks_refetch_seconds=0) as running:
        old_token = running.token(user_id, "EdDSA")
        url = f"{running.url}/api/{user_id}/tasks"
        headers = {"Authorization": f"Bearer {old_token}"}
        assert httpx.get(url, headers=headers).status_code == 200
        running.jwks.document = jwks_of(SigningKey.generate("EdDSA"))
        time.sleep(1.5)
        assert httpx.get(url, headers=headers).status_code == 401
