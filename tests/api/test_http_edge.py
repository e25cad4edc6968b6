"""The HTTP edge on the in-process server: access before the body, non-finite numbers, CORS on
the middleware's own answers, HEAD, trailing slashes (issue 12). Below HTTP parsing (header
caps, read timeouts) the real server is tested: `tests/reliability/test_server_layer.py`."""

from __future__ import annotations

import httpx
import pytest

from backend import crud
from backend.errors import MALFORMED_JSON_MESSAGE, _public
from harness.client import TodoClient
from harness.stack import Stack

JSON = {"Content-Type": "application/json"}

UNPARSABLE = {
    "invalid-utf8": b'{"title": "caf\xc3\x28"}',
    "nested-10000": b'{"title": ' + b"[" * 10_000 + b"]" * 10_000 + b"}",
    "int-5000-digits": b'{"title": ' + b"9" * 5000 + b"}",
    "bad-json": b'{"title": "unterminated',
    "nan": b'{"title": NaN}',
    "infinity": b'{"title": "x", "completed": Infinity}',
    "1e999": b'{"title": "x", "description": 1e999}',
}
NON_FINITE = ["NaN", "Infinity", "-Infinity", "1e999", "-1e999"]
FIELDS = ["title", "description", "completed"]


def send(client: TodoClient, method: str, body: bytes, **headers: str) -> httpx.Response:
    """POST to the list or PUT to task 1 of `client`'s path, with exactly `headers`."""
    path = client.path() if method == "POST" else client.path(1)
    return client.http.request(method, path, content=body, headers={**JSON, **headers})


# --- 401 and 403 win over any body, and every body that does not parse is one 400 ----------


@pytest.mark.parametrize("method", ["POST", "PUT"])
@pytest.mark.parametrize("body", UNPARSABLE.values(), ids=UNPARSABLE.keys())
def test_any_unparsable_body_without_a_token_is_401(
    client: TodoClient, method: str, body: bytes
) -> None:
    response = send(client, method, body)
    assert response.status_code == 401
    assert response.headers["www-authenticate"] == "Bearer"


@pytest.mark.parametrize("method", ["POST", "PUT"])
@pytest.mark.parametrize("body", UNPARSABLE.values(), ids=UNPARSABLE.keys())
def test_any_unparsable_body_with_another_users_token_is_403(
    client: TodoClient, stack: Stack, method: str, body: bytes
) -> None:
    response = send(client, method, body, Authorization=f"Bearer {stack.token('someone-else')}")
    assert response.status_code == 403


@pytest.mark.parametrize("method", ["POST", "PUT"])
@pytest.mark.parametrize("body", UNPARSABLE.values(), ids=UNPARSABLE.keys())
def test_any_unparsable_body_with_access_is_the_documented_400(
    client: TodoClient, method: str, body: bytes
) -> None:
    response = send(client, method, body, **client.headers())
    assert response.status_code == 400
    assert response.json() == {"detail": MALFORMED_JSON_MESSAGE}


@pytest.mark.parametrize("method", ["POST", "PUT"])
@pytest.mark.parametrize("field", FIELDS)
@pytest.mark.parametrize("number", NON_FINITE)
def test_non_finite_numbers_in_any_field_are_400_never_500(
    client: TodoClient, method: str, field: str, number: str
) -> None:
    task_id = client.create("Unchanged").json()["id"]
    fields = {"title": '"Kept"', "description": '"kept"', "completed": "false", field: number}
    body = ("{" + ", ".join(f'"{k}": {v}' for k, v in fields.items()) + "}").encode()
    path = client.path() if method == "POST" else client.path(task_id)
    response = client.http.request(method, path, content=body, headers={**JSON, **client.headers()})
    assert response.status_code == 400
    assert response.json() == {"detail": MALFORMED_JSON_MESSAGE}
    assert [t["title"] for t in client.list().json()] == ["Unchanged"]


def test_a_validation_error_never_echoes_a_value_json_cannot_carry() -> None:
    problem = {"loc": ("body", "title"), "msg": "m", "type": "string_type"}
    assert "input" not in _public({**problem, "input": float("nan")})
    assert _public({**problem, "input": 1.5})["input"] == 1.5


# --- CORS headers on the middleware's own answers -------------------------------------------


def test_the_413_from_content_length_carries_cors_headers(client: TodoClient, stack: Stack) -> None:
    origin = stack.auth_base_url
    body = b'{"title": "big", "description": "' + b"x" * 70_000 + b'"}'
    response = send(client, "POST", body, Origin=origin, **client.headers())
    assert response.status_code == 413
    assert response.headers["access-control-allow-origin"] == origin
    assert response.headers["access-control-allow-credentials"] == "true"
    assert response.headers["x-request-id"]


def test_an_unexpected_error_is_a_500_with_cors_headers(
    client: TodoClient, stack: Stack, monkeypatch: pytest.MonkeyPatch
) -> None:
    async def broken(*args: object, **kwargs: object) -> None:
        raise RuntimeError("boom")

    monkeypatch.setattr(crud, "get_task", broken)
    origin = stack.auth_base_url
    response = client.http.get(client.path(1), headers={**client.headers(), "Origin": origin})
    assert response.status_code == 500
    assert response.json() == {"detail": "Internal server error"}
    assert response.headers["access-control-allow-origin"] == origin
    assert response.headers["x-request-id"]


def test_a_preflight_carries_a_request_id(stack: Stack, user_id: str) -> None:
    response = httpx.options(
        f"{stack.url}/api/{user_id}/tasks",
        headers={"Origin": stack.auth_base_url, "Access-Control-Request-Method": "POST"},
    )
    assert response.status_code == 200
    assert response.headers["x-request-id"]


# --- HEAD on every GET route ----------------------------------------------------------------


def get_routes(client: TodoClient) -> list[str]:
    task_id = client.create("Headed").json()["id"]
    return [
        "/health",
        "/health/ready",
        client.path(),
        client.path(task_id),
        client.path(2**31 - 1),
        "/openapi.json",
        "/docs",
    ]


def test_head_answers_every_get_route_as_get_would_without_a_body(client: TodoClient) -> None:
    for path in get_routes(client):
        get = client.http.get(path, headers=client.headers())
        head = client.http.head(path, headers=client.headers())
        assert head.status_code == get.status_code, path
        assert head.content == b"", path
        assert head.headers["content-length"] == get.headers["content-length"], path
        assert head.headers["content-type"] == get.headers["content-type"], path


def test_head_needs_the_same_token_as_get(client: TodoClient) -> None:
    assert client.http.head(client.path()).status_code == 401
    assert client.http.head(client.path(1), headers=client.headers()).status_code == 404


def test_head_on_a_route_without_get_is_405(client: TodoClient) -> None:
    response = client.http.head(client.path(1) + "/complete", headers=client.headers())
    assert response.status_code == 405
    assert response.headers["allow"] == "PATCH"


# --- trailing slashes: served, never redirected with a Location built from Host ------------


@pytest.mark.parametrize("suffix", ["/", "//"])
def test_a_trailing_slash_is_served_as_the_path_without_it(client: TodoClient, suffix: str) -> None:
    task_id = client.create("Slashed").json()["id"]
    hostile = {**client.headers(), "Host": "evil.example"}
    listed = client.http.get(client.path() + suffix, headers=hostile)
    one = client.http.get(client.path(task_id) + suffix, headers=hostile)
    health = client.http.get("/health" + suffix, headers=hostile)
    for response in (listed, one, health):
        assert response.status_code == 200
        assert "location" not in response.headers
    assert [t["id"] for t in listed.json()] == [task_id]
    assert one.json()["id"] == task_id


def test_a_write_to_a_slashed_path_lands_once(client: TodoClient) -> None:
    response = client.http.post(
        client.path() + "/", json={"title": "Once"}, headers=client.headers()
    )
    assert response.status_code == 201
    assert response.headers["location"] == client.path(response.json()["id"])
    assert [t["title"] for t in client.list().json()] == ["Once"]


def test_the_root_path_is_still_404(stack: Stack) -> None:
    response = httpx.get(stack.url + "/", headers={"Host": "evil.example"})
    assert response.status_code == 404
    assert "location" not in response.headers
