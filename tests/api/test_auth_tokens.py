"""Bearer tokens: who gets in, who gets 401 or 403, and what the security log keeps (FR-001–005)."""

from __future__ import annotations

import time
from typing import Any

import httpx
import pytest

from harness.client import ENDPOINTS, TodoClient
from harness.stack import Stack
from harness.tokens import DROP, BadTokens, hs256_token
from tests.support import RecordedEvents

BODY = {"title": "Sneaky"}


def call(
    stack: Stack, method: str, path: str, token: str | None = None, **headers: str
) -> httpx.Response:
    """One request with an explicit `Authorization` header (or none)."""
    if token is not None:
        headers["Authorization"] = f"Bearer {token}"
    body = BODY if method in ("POST", "PUT") else None
    return httpx.request(method, stack.url + path, headers=headers, timeout=30, json=body)


def assert_unauthorized(response: httpx.Response) -> None:
    assert response.status_code == 401, response.text
    assert response.headers["www-authenticate"].startswith("Bearer")
    assert isinstance(response.json()["detail"], str)


# --- accepted ---------------------------------------------------------------------------------


@pytest.mark.parametrize("scheme", ["Bearer", "bearer", "BEARER", "bEaReR"])
def test_the_bearer_scheme_is_case_insensitive(stack: Stack, user_id: str, scheme: str) -> None:
    token = stack.token(user_id)
    response = httpx.get(
        f"{stack.url}/api/{user_id}/tasks", headers={"Authorization": f"{scheme} {token}"}
    )
    assert response.status_code == 200


@pytest.mark.parametrize(
    "claims",
    [
        {},
        {"sub": DROP, "user_id": "{user}"},
        {"sub": DROP, "id": "{user}"},
        {"user_id": "{user}", "id": "{user}"},
    ],
    ids=["sub", "user_id-only", "id-only", "all-three-agree"],
)
def test_the_user_is_sub_else_user_id_else_id(
    stack: Stack, user_id: str, claims: dict[str, Any]
) -> None:
    extra = {k: v.format(user=user_id) if isinstance(v, str) else v for k, v in claims.items()}
    token = hs256_token(user_id, stack.secret, extra=extra)
    response = call(stack, "POST", f"/api/{user_id}/tasks", token)
    assert response.status_code == 201
    assert response.json()["user_id"] == user_id


def test_clock_skew_within_the_leeway_is_tolerated(stack: Stack, user_id: str) -> None:
    token = hs256_token(user_id, stack.secret, now=time.time() - 65, ttl=60)  # expired 5 s ago
    assert call(stack, "GET", f"/api/{user_id}/tasks", token).status_code == 200


# --- 401 --------------------------------------------------------------------------------------


@pytest.mark.parametrize(("method", "suffix"), ENDPOINTS)
def test_every_endpoint_needs_a_token(stack: Stack, user_id: str, method: str, suffix: str) -> None:
    response = call(stack, method, f"/api/{user_id}/tasks{suffix}")
    assert_unauthorized(response)
    assert response.headers["www-authenticate"] == "Bearer"
    assert "missing" in response.json()["detail"].lower()


@pytest.mark.parametrize(
    "authorization",
    [
        "",
        "Bearer",
        "Bearer\t{token}",
        "Basic dXNlcjpwYXNz",
        "Token {token}",
        "{token}",
        "Bearer {token} extra",
        "Bearer a.b",
    ],
    ids=[
        "empty",
        "scheme-only",
        "tab-separated",
        "basic",
        "token-scheme",
        "no-scheme",
        "two-parts",
        "two-segments",
    ],
)
def test_malformed_authorization_headers_are_401(
    stack: Stack, user_id: str, authorization: str
) -> None:
    header = authorization.format(token=stack.token(user_id))
    response = httpx.get(f"{stack.url}/api/{user_id}/tasks", headers={"Authorization": header})
    assert_unauthorized(response)


def test_tokens_in_query_strings_or_cookies_are_not_read(stack: Stack, user_id: str) -> None:
    token = stack.token(user_id)
    url = f"{stack.url}/api/{user_id}/tasks"
    for name in ("token", "access_token", "jwt"):
        assert_unauthorized(httpx.get(url, params={name: token}))
    for name in ("token", "better-auth.session_token", "better-auth.session_data", "jwt"):
        assert_unauthorized(httpx.get(url, cookies={name: token}))


BAD_KINDS = list(BadTokens("u", "s" * 32).all())


@pytest.mark.parametrize("kind", BAD_KINDS)
def test_every_kind_of_bad_token_is_401(stack: Stack, user_id: str, kind: str) -> None:
    bad = BadTokens(user_id, stack.secret, stack.keys["EdDSA"], base_url=stack.auth_base_url)
    response = call(stack, "GET", f"/api/{user_id}/tasks", bad.all()[kind])
    assert_unauthorized(response)
    assert 'error="invalid_token"' in response.headers["www-authenticate"]
    expired = kind.startswith("expired")
    assert ("expired" in response.json()["detail"].lower()) is expired


@pytest.mark.parametrize("spelling", ["none", "None", "NONE", "nOnE"])
def test_unsigned_tokens_are_401_however_none_is_spelled(
    stack: Stack, user_id: str, spelling: str
) -> None:
    token = BadTokens(user_id, stack.secret).alg_none(spelling)
    assert_unauthorized(call(stack, "GET", f"/api/{user_id}/tasks", token))


@pytest.mark.parametrize("alg", ["HS384", "HS512"])
def test_hmac_algorithms_other_than_hs256_are_401(stack: Stack, user_id: str, alg: str) -> None:
    import jwt

    claims = {"sub": user_id, "exp": int(time.time()) + 600}
    token = jwt.encode(claims, stack.secret, algorithm=alg)
    assert_unauthorized(call(stack, "GET", f"/api/{user_id}/tasks", token))


@pytest.mark.parametrize(
    "claims",
    [
        {"user_id": "someone-else"},
        {"id": "someone-else"},
        {"sub": DROP, "user_id": "{user}", "id": "someone-else"},
        {"sub": 12345},
        {"sub": DROP, "user_id": ["{user}"]},
        {"sub": ""},
        {"sub": "   "},
        {"sub": "u" * 256},
        {"sub": "nul\x00inside"},
        {"sub": DROP},
        {"sub": None},
    ],
    ids=[
        "sub-vs-user_id",
        "sub-vs-id",
        "user_id-vs-id",
        "number",
        "list",
        "empty",
        "blank",
        "too-long",
        "nul",
        "no-user",
        "null",
    ],
)
def test_tokens_that_do_not_name_one_sane_user_are_401(
    stack: Stack, user_id: str, claims: dict[str, Any]
) -> None:
    extra = {
        k: v.format(user=user_id) if isinstance(v, str) and "{" in v else v
        for k, v in claims.items()
    }
    token = hs256_token(user_id, stack.secret, extra=extra)
    assert_unauthorized(call(stack, "POST", f"/api/{user_id}/tasks", token))


def test_an_oversized_token_is_401(stack: Stack, user_id: str) -> None:
    token = hs256_token(user_id, stack.secret, extra={"padding": "p" * 10_000})
    assert_unauthorized(call(stack, "GET", f"/api/{user_id}/tasks", token))


def test_a_bad_token_is_401_before_the_body_is_validated(stack: Stack, user_id: str) -> None:
    response = httpx.post(f"{stack.url}/api/{user_id}/tasks", json={"title": ""})
    assert_unauthorized(response)


# --- 403 --------------------------------------------------------------------------------------


@pytest.mark.parametrize(("method", "suffix"), ENDPOINTS)
def test_another_users_path_is_403(
    stack: Stack, user_id: str, other_user_id: str, method: str, suffix: str
) -> None:
    response = call(stack, method, f"/api/{other_user_id}/tasks{suffix}", stack.token(user_id))
    assert response.status_code == 403
    assert response.json() == {"detail": "Access forbidden: user_id mismatch"}


@pytest.mark.parametrize(("method", "suffix"), ENDPOINTS)
def test_a_bad_token_on_another_users_path_is_401_not_403(
    stack: Stack, user_id: str, other_user_id: str, method: str, suffix: str
) -> None:
    bad = BadTokens(user_id, stack.secret).wrong_secret()
    assert_unauthorized(call(stack, method, f"/api/{other_user_id}/tasks{suffix}", bad))


def test_a_path_user_that_differs_only_in_case_is_403(stack: Stack, user_id: str) -> None:
    response = call(stack, "GET", f"/api/{user_id.upper()}/tasks", stack.token(user_id))
    assert response.status_code == 403


def test_403_comes_before_body_validation(stack: Stack, user_id: str, other_user_id: str) -> None:
    response = httpx.post(
        f"{stack.url}/api/{other_user_id}/tasks",
        json={"title": ""},
        headers={"Authorization": f"Bearer {stack.token(user_id)}"},
    )
    assert response.status_code == 403


# --- the security log (SC-009, FR-017) --------------------------------------------------------


def test_authentication_failures_are_logged_without_token_secret_or_claims(
    stack: Stack, user_id: str, security_events: RecordedEvents
) -> None:
    bad = BadTokens(user_id, stack.secret)
    tampered = bad.tampered()
    response = call(stack, "GET", f"/api/{user_id}/tasks", tampered, **{"X-Request-ID": "trace-1"})
    assert response.status_code == 401

    events = [e for e in security_events.fields() if e.get("request_id") == "trace-1"]
    assert len(events) == 1
    event = events[0]
    assert event["event"] == "authentication_failed"
    assert event["reason"] == "bad_signature"
    assert event["method"] == "GET"
    assert event["path"] == f"/api/{user_id}/tasks"
    assert event["client"] == "127.0.0.1"
    logged = repr(event)
    for sensitive in (tampered, *tampered.split("."), stack.secret, "admin"):
        assert sensitive not in logged


@pytest.mark.parametrize(
    ("kind", "reason"),
    [("expired", "expired"), ("garbage", "malformed"), ("alg_none", "algorithm_not_allowed")],
)
def test_each_failure_is_logged_with_its_reason(
    stack: Stack, user_id: str, security_events: RecordedEvents, kind: str, reason: str
) -> None:
    token = BadTokens(user_id, stack.secret).all()[kind]
    call(stack, "GET", f"/api/{user_id}/tasks", token, **{"X-Request-ID": f"why-{kind}"})
    events = [e for e in security_events.fields() if e.get("request_id") == f"why-{kind}"]
    assert [e["reason"] for e in events] == [reason]


def test_a_missing_token_and_a_foreign_path_are_logged_too(
    stack: Stack, user_id: str, other_user_id: str, security_events: RecordedEvents
) -> None:
    call(stack, "GET", f"/api/{user_id}/tasks", **{"X-Request-ID": "no-token"})
    call(
        stack,
        "GET",
        f"/api/{other_user_id}/tasks",
        stack.token(user_id),
        **{"X-Request-ID": "foreign"},
    )
    by_id = {e.get("request_id"): e for e in security_events.fields()}
    assert by_id["no-token"]["reason"] == "missing"
    assert by_id["foreign"]["event"] == "authorization_failed"
    assert by_id["foreign"]["path"] == f"/api/{other_user_id}/tasks"


def test_valid_requests_log_no_security_event(
    client: TodoClient, security_events: RecordedEvents
) -> None:
    assert client.list().status_code == 200
    assert security_events.records == []
