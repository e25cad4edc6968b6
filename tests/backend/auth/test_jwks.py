"""Better Auth JWT-plugin tokens: keys from the JWKS, rotation, outages, `iss` and `aud`."""

from __future__ import annotations

import socket
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

import httpx
import pytest

from harness.jwks_server import Answer, JwksServer
from harness.live import LiveServer, free_port
from harness.stack import Stack, local_stack, settings_for
from harness.tokens import (
    ALGORITHMS,
    DROP,
    SigningKey,
    better_auth_claims,
    hs256_token,
    jwks_of,
)

EVIL = "https://evil.example"
HANG_GUARD = httpx.Timeout(20)  # a hang fails the test; the backend must answer well before


def tasks_url(base_url: str, user_id: str) -> str:
    return f"{base_url}/api/{user_id}/tasks"


def get_tasks(base_url: str, user_id: str, token: str) -> httpx.Response:
    headers = {"Authorization": f"Bearer {token}"}
    return httpx.get(tasks_url(base_url, user_id), headers=headers, timeout=HANG_GUARD)


@pytest.mark.parametrize("alg", ALGORITHMS)
def test_better_auth_tokens_of_every_key_type_work_on_every_endpoint(
    stack: Stack, user_id: str, alg: str
) -> None:
    api = stack.client(user_id, alg)
    try:
        task = api.create("Signed with " + alg)
        assert task.status_code == 201
        task_id = task.json()["id"]
        assert task.json()["user_id"] == user_id
        assert api.get(task_id).status_code == 200
        assert api.update(task_id, title="Renamed").status_code == 200
        assert api.toggle(task_id).json()["completed"] is True
        assert [t["id"] for t in api.list().json()] == [task_id]
        assert api.delete(task_id).status_code == 204
    finally:
        api.close()


@pytest.mark.parametrize(
    "changes",
    [
        {"iss": EVIL},
        {"aud": EVIL},
        {"iss": EVIL, "aud": EVIL},
        {"iss": ""},
        {"iss": DROP},
        {"aud": DROP},
        {"aud": [EVIL, "https://api.example"]},
    ],
    ids=["issuer", "audience", "both", "empty-issuer", "no-issuer", "no-audience", "aud-list"],
)
def test_jwks_tokens_must_carry_the_better_auth_iss_and_aud(
    stack: Stack, user_id: str, changes: dict[str, Any]
) -> None:
    base = stack.auth_base_url
    claims = better_auth_claims(user_id, issuer=base, audience=base, extra=changes)
    response = get_tasks(stack.url, user_id, stack.keys["EdDSA"].sign(claims))
    assert response.status_code == 401


def test_an_audience_list_that_includes_better_auth_is_accepted(stack: Stack, user_id: str) -> None:
    base = stack.auth_base_url
    audiences = {"aud": [base, "https://api.example"]}
    claims = better_auth_claims(user_id, issuer=base, audience=base, extra=audiences)
    assert get_tasks(stack.url, user_id, stack.keys["ES256"].sign(claims)).status_code == 200


def test_a_key_signing_with_another_algorithm_than_published_is_401(
    stack: Stack, user_id: str
) -> None:
    rsa_key = stack.keys["RS256"]
    as_pss = SigningKey("PS256", rsa_key.private_key, rsa_key.kid)  # same key, other algorithm
    ec_with_eddsa_kid = SigningKey.generate("ES256", kid=stack.keys["EdDSA"].kid)
    for key in (as_pss, ec_with_eddsa_kid):
        token = key.token(user_id, issuer=stack.auth_base_url, audience=stack.auth_base_url)
        assert get_tasks(stack.url, user_id, token).status_code == 401


def test_a_token_without_kid_is_401(stack: Stack, user_id: str) -> None:
    import jwt

    key = stack.keys["EdDSA"]
    claims = better_auth_claims(user_id, issuer=stack.auth_base_url, audience=stack.auth_base_url)
    token = jwt.encode(claims, key.private_key, algorithm="EdDSA")
    assert get_tasks(stack.url, user_id, token).status_code == 401


# --- rotation and refetching ------------------------------------------------------------------


def test_a_newly_published_key_is_accepted_at_once(database_url: str, user_id: str) -> None:
    with local_stack(database_url) as running:
        old = running.keys["EdDSA"]
        assert get_tasks(running.url, user_id, running.token(user_id, "EdDSA")).status_code == 200
        fetches = running.jwks.requests

        new = SigningKey.generate("EdDSA")
        running.jwks.document = jwks_of(new, old)
        token = new.token(user_id, issuer=running.auth_base_url, audience=running.auth_base_url)

        assert get_tasks(running.url, user_id, token).status_code == 200
        assert running.jwks.requests == fetches + 1
        assert get_tasks(running.url, user_id, token).status_code == 200
        assert running.jwks.requests == fetches + 1  # cached from now on
        old_token = old.token(user_id, issuer=running.auth_base_url, audience=running.auth_base_url)
        assert get_tasks(running.url, user_id, old_token).status_code == 200


def test_a_burst_of_rotations_is_each_accepted_on_the_first_request(
    database_url: str, user_id: str
) -> None:
    """A dev server restarted six times in a row, each time with new keys (issue 14: 2 of 6)."""
    with local_stack(database_url) as running:
        base = running.auth_base_url
        for _ in range(6):
            key = SigningKey.generate("EdDSA")
            running.jwks.document = jwks_of(key)
            token = key.token(user_id, issuer=base, audience=base)
            assert get_tasks(running.url, user_id, token).status_code == 200


def test_unknown_kids_spend_the_refetch_budget_and_no_more(database_url: str, user_id: str) -> None:
    with local_stack(database_url, jwks_refetches_per_minute=3) as running:
        key = running.keys["EdDSA"]
        assert get_tasks(running.url, user_id, running.token(user_id, "EdDSA")).status_code == 200
        assert running.jwks.requests == 1

        claims = better_auth_claims(
            user_id, issuer=running.auth_base_url, audience=running.auth_base_url
        )
        for n in range(20):
            token = key.sign(claims, kid=f"unknown-{n}")
            assert get_tasks(running.url, user_id, token).status_code == 401

        assert running.jwks.requests <= 1 + 3 + 1  # the burst, plus what refilled meanwhile
        fetches = running.jwks.requests
        assert get_tasks(running.url, user_id, running.token(user_id, "RS256")).status_code == 200
        assert running.jwks.requests == fetches  # cached keys never wait for the budget


def test_a_kid_listed_twice_is_refused_and_the_other_keys_still_work(
    database_url: str, user_id: str
) -> None:
    """Two keys under one `kid` are ambiguous: neither is trusted (docs/decisions.md)."""
    with local_stack(database_url) as running:
        base = running.auth_base_url
        first, second = SigningKey.generate("EdDSA", kid="twice"), SigningKey.generate("ES256")
        second.kid = "twice"
        other = SigningKey.generate("EdDSA")
        running.jwks.document = jwks_of(first, second, other)
        for key in (first, second):
            token = key.token(user_id, issuer=base, audience=base)
            assert get_tasks(running.url, user_id, token).status_code == 401
        token = other.token(user_id, issuer=base, audience=base)
        assert get_tasks(running.url, user_id, token).status_code == 200


def test_a_jwks_without_usable_keys_is_401(database_url: str, user_id: str) -> None:
    with local_stack(database_url) as running:
        token = running.token(user_id, "EdDSA")
        documents: list[dict[str, Any]] = [
            {"keys": []},
            {},
            {"keys": "nope"},
            {"keys": [{"kty": "bogus"}]},
        ]
        for document in documents:
            running.jwks.document = document
            assert get_tasks(running.url, user_id, token).status_code == 401
        assert get_tasks(running.url, user_id, running.token(user_id)).status_code == 200


# --- a JWKS endpoint that misbehaves: 401 for unknown keys, cached keys unharmed, no storm ------

MISBEHAVIOURS = {
    "cut": Answer(cut=True),
    "html": Answer.html(),
    "nested": Answer.nested(),
    "huge": Answer.huge(),
    "status-500": Answer(b"oops", status=500, content_type="text/plain"),
    "slow": Answer(b'{"keys": []}', delay=5),
    "trickle": Answer(b'{"keys": [' + b" " * 500 + b"]}", trickle=0.2),
    "not-an-object": Answer.of_json([1, 2, 3]),
    "private-keys": Answer.of_json(
        {"keys": [{"kty": "OKP", "crv": "Ed25519", "x": "AA", "d": "B"}]}
    ),
    "bad-keys": Answer.of_json({"keys": [{"kty": "RSA", "kid": "k", "n": "!!", "e": "AQAB"}]}),
}


@pytest.fixture
def misbehaving_stack(database_url: str) -> Iterator[Stack]:
    """A backend that looks at its (always stale) key set on every request, fetching sparingly."""
    with local_stack(
        database_url,
        jwks_cache_seconds=0,
        jwks_timeout_seconds=1,
        jwks_refetches_per_minute=2,
    ) as running:
        yield running


@pytest.mark.parametrize("kind", list(MISBEHAVIOURS))
def test_cached_keys_verify_whatever_the_jwks_endpoint_does(
    misbehaving_stack: Stack, user_id: str, kind: str
) -> None:
    running = misbehaving_stack
    good = running.token(user_id, "EdDSA")
    assert get_tasks(running.url, user_id, good).status_code == 200
    running.jwks.answer = MISBEHAVIOURS[kind]
    try:
        unknown = SigningKey.generate("EdDSA").token(
            user_id, issuer=running.auth_base_url, audience=running.auth_base_url
        )
        for _ in range(5):
            assert get_tasks(running.url, user_id, good).status_code == 200
            assert get_tasks(running.url, user_id, unknown).status_code == 401
            assert (
                get_tasks(running.url, user_id, running.token(user_id, "PS256")).status_code == 200
            )
        assert running.jwks.requests <= 1 + 2 + 1  # the first fetch, the budget, one refill
    finally:
        running.jwks.answer = None


@pytest.mark.parametrize("kind", list(MISBEHAVIOURS))
def test_a_jwks_that_misbehaves_from_the_start_gives_401_and_backs_off(
    database_url: str, user_id: str, kind: str
) -> None:
    with local_stack(database_url, jwks_timeout_seconds=1, jwks_refetches_per_minute=2) as running:
        running.jwks.answer = MISBEHAVIOURS[kind]
        for _ in range(10):
            response = get_tasks(running.url, user_id, running.token(user_id, "EdDSA"))
            assert response.status_code == 401
            assert response.json()["detail"] == "Invalid or malformed token"
        assert running.jwks.requests <= 2  # back-off (1 s, doubling) within a budget of 2
        assert get_tasks(running.url, user_id, running.token(user_id)).status_code == 200


def test_a_trickling_jwks_holds_no_request_whose_key_is_cached(
    database_url: str, user_id: str
) -> None:
    """One byte every 0.2 s, never finishing: the fetch it costs ends at its deadline, the
    requests that need it share it, and requests with cached keys answer while it runs."""
    with local_stack(database_url, jwks_timeout_seconds=5, jwks_cache_seconds=0) as running:
        cached = running.token(user_id, "EdDSA")
        assert get_tasks(running.url, user_id, cached).status_code == 200
        running.jwks.answer = MISBEHAVIOURS["trickle"]
        fetches = running.jwks.requests
        unknown = SigningKey.generate("EdDSA").token(
            user_id, issuer=running.auth_base_url, audience=running.auth_base_url
        )
        finished: list[str] = []

        def unknown_key_request() -> None:
            finished.append(str(get_tasks(running.url, user_id, unknown).status_code))

        waiting = [threading.Thread(target=unknown_key_request) for _ in range(3)]
        for thread in waiting:
            thread.start()
        while running.jwks.requests == fetches and any(t.is_alive() for t in waiting):
            time.sleep(0.01)  # until the trickling fetch has started
        for _ in range(5):
            assert get_tasks(running.url, user_id, cached).status_code == 200
            finished.append("cached")
        for thread in waiting:
            thread.join(timeout=20)
        assert finished == ["cached"] * 5 + ["401"] * 3
        assert running.jwks.requests == fetches + 1  # the three shared one fetch


# --- the JWKS is unreachable (401 quickly, never 500, never a hang) ----------------------------


@contextmanager
def silent_port() -> Iterator[int]:
    """A port that accepts connections and never answers."""
    with socket.socket() as listener:
        listener.bind(("127.0.0.1", 0))
        listener.listen(16)
        yield listener.getsockname()[1]


@contextmanager
def backend_with_jwks_at(database_url: str, jwks_url: str) -> Iterator[LiveServer]:
    settings = settings_for(
        database_url,
        better_auth_url="http://localhost:3000",
        better_auth_jwks_url=jwks_url,
        jwks_timeout_seconds=0.5,
    )
    with LiveServer(settings) as server:
        yield server


def jwks_token(user_id: str) -> str:
    base = "http://localhost:3000"
    return SigningKey.generate("EdDSA").token(user_id, issuer=base, audience=base)


def test_a_closed_jwks_port_gives_401_and_hs256_still_works(
    database_url: str, user_id: str
) -> None:
    jwks_url = f"http://127.0.0.1:{free_port()}/api/auth/jwks"
    with backend_with_jwks_at(database_url, jwks_url) as server:
        for _ in range(3):
            response = get_tasks(server.url, user_id, jwks_token(user_id))
            assert response.status_code == 401
            assert response.headers["www-authenticate"].startswith("Bearer")
        secret = server.settings.better_auth_secret.get_secret_value()
        assert get_tasks(server.url, user_id, hs256_token(user_id, secret)).status_code == 200


def test_a_jwks_that_never_answers_gives_401_not_a_hang(database_url: str, user_id: str) -> None:
    with silent_port() as port:
        jwks_url = f"http://127.0.0.1:{port}/api/auth/jwks"
        with backend_with_jwks_at(database_url, jwks_url) as server:
            for _ in range(3):
                assert get_tasks(server.url, user_id, jwks_token(user_id)).status_code == 401
            assert httpx.get(server.url + "/health", timeout=HANG_GUARD).status_code == 200


def test_a_jwks_that_comes_back_is_used_again(database_url: str, user_id: str) -> None:
    with local_stack(database_url) as running:
        running.jwks.answer = Answer(cut=True)
        token = running.token(user_id, "ES256")
        assert get_tasks(running.url, user_id, token).status_code == 401
        running.jwks.answer = None
        time.sleep(1.1)  # the first back-off after a failed fetch
        assert get_tasks(running.url, user_id, token).status_code == 200


def test_a_separate_jwks_url_with_iss_and_aud_from_better_auth_url(
    database_url: str, user_id: str
) -> None:
    key = SigningKey.generate("ES256")
    with JwksServer(key.jwks()) as jwks, backend_with_jwks_at(database_url, jwks.url) as server:
        base = "http://localhost:3000"
        good = key.token(user_id, issuer=base, audience=base)
        assert get_tasks(server.url, user_id, good).status_code == 200
        served_origin = key.token(user_id, issuer=jwks.base_url, audience=jwks.base_url)
        assert get_tasks(server.url, user_id, served_origin).status_code == 401


def test_configured_issuer_and_audience_override_the_defaults(
    database_url: str, user_id: str
) -> None:
    issuer, audience = "https://auth.example.com", "todo-api"
    with local_stack(database_url, jwt_issuer=issuer, jwt_audience=audience) as running:
        key = running.keys["EdDSA"]
        good = key.token(user_id, issuer=issuer, audience=audience)
        assert get_tasks(running.url, user_id, good).status_code == 200
        default = running.token(user_id, "EdDSA")
        assert get_tasks(running.url, user_id, default).status_code == 401

        named = {"iss": issuer, "aud": audience}  # HS256 tokens must now name them too
        hs256 = hs256_token(user_id, running.secret, extra=named)
        assert get_tasks(running.url, user_id, hs256).status_code == 200
        assert get_tasks(running.url, user_id, running.token(user_id)).status_code == 401
