"""CORS for a frontend that sends credentials (axios `withCredentials`) (FR-019)."""

from __future__ import annotations

import httpx
import pytest

from harness.stack import Stack, local_stack

EVIL = "https://evil.example"


def preflight(base_url: str, path: str, origin: str, method: str = "POST") -> httpx.Response:
    return httpx.options(
        base_url + path,
        headers={
            "Origin": origin,
            "Access-Control-Request-Method": method,
            "Access-Control-Request-Headers": "authorization,content-type",
        },
    )


def listed(header: str) -> set[str]:
    return {item.strip().lower() for item in header.split(",")}


@pytest.mark.parametrize(
    ("method", "suffix"),
    [("GET", ""), ("POST", ""), ("PUT", "/1"), ("DELETE", "/1"), ("PATCH", "/1/complete")],
)
def test_preflight_from_the_frontend_needs_no_token(
    stack: Stack, user_id: str, method: str, suffix: str
) -> None:
    origin = stack.auth_base_url
    response = preflight(stack.url, f"/api/{user_id}/tasks{suffix}", origin, method)

    assert response.status_code == 200
    assert response.headers["access-control-allow-origin"] == origin
    assert response.headers["access-control-allow-credentials"] == "true"
    assert method in response.headers["access-control-allow-methods"]
    assert {"authorization", "content-type"} <= listed(
        response.headers["access-control-allow-headers"]
    )


def test_responses_name_the_origin_allow_credentials_and_expose_headers(
    stack: Stack, user_id: str
) -> None:
    origin = stack.auth_base_url
    headers = {"Origin": origin, "Authorization": f"Bearer {stack.token(user_id)}"}
    response = httpx.post(
        f"{stack.url}/api/{user_id}/tasks", json={"title": "From the browser"}, headers=headers
    )

    assert response.status_code == 201
    assert response.headers["access-control-allow-origin"] == origin
    assert response.headers["access-control-allow-credentials"] == "true"
    assert {"location", "x-total-count"} <= listed(
        response.headers["access-control-expose-headers"]
    )


def test_errors_carry_cors_headers_so_the_frontend_can_read_them(
    stack: Stack, user_id: str
) -> None:
    origin = stack.auth_base_url
    response = httpx.get(f"{stack.url}/api/{user_id}/tasks", headers={"Origin": origin})
    assert response.status_code == 401
    assert response.headers["access-control-allow-origin"] == origin


@pytest.mark.parametrize("origin", [EVIL, "http://localhost:3000", "null"])
def test_other_origins_are_refused(stack: Stack, user_id: str, origin: str) -> None:
    response = preflight(stack.url, f"/api/{user_id}/tasks", origin)
    assert response.status_code == 400
    assert "access-control-allow-origin" not in response.headers

    headers = {"Origin": origin, "Authorization": f"Bearer {stack.token(user_id)}"}
    simple = httpx.get(f"{stack.url}/api/{user_id}/tasks", headers=headers)
    assert "access-control-allow-origin" not in simple.headers  # so the browser hides it


def test_cors_origins_adds_origins_beside_the_frontend(database_url: str, user_id: str) -> None:
    extra = " http://localhost:3001/ , https://my-app.vercel.app"
    with local_stack(database_url, cors_origins=extra) as running:
        for origin in (running.auth_base_url, "http://localhost:3001", "https://my-app.vercel.app"):
            response = preflight(running.url, f"/api/{user_id}/tasks", origin)
            assert response.headers["access-control-allow-origin"] == origin
        assert preflight(running.url, f"/api/{user_id}/tasks", EVIL).status_code == 400


def test_the_frontend_origin_is_taken_from_a_better_auth_url_with_a_path(
    database_url: str, user_id: str
) -> None:
    with local_stack(database_url, better_auth_url="http://localhost:3000/app/") as running:
        response = preflight(running.url, f"/api/{user_id}/tasks", "http://localhost:3000")
        assert response.headers["access-control-allow-origin"] == "http://localhost:3000"
