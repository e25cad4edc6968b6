"""Status codes outside the happy path, the error format, request ids, probes and the docs."""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator

import httpx
import pytest

from harness.client import TodoClient
from harness.stack import Stack
from tests.support import RecordedEvents

MAX_BODY = 64 * 1024
JSON = {"Content-Type": "application/json"}
INTERNALS = re.compile(r"Traceback|File \"|psycopg|sqlalchemy|SELECT|INSERT|postgres", re.I)


def post_raw(client: TodoClient, content: bytes, **headers: str) -> httpx.Response:
    return client.http.post(client.path(), content=content, headers={**client.headers(), **headers})


# --- 400: malformed JSON or not JSON --------------------------------------------------------


@pytest.mark.parametrize(
    "content",
    [b'{"title": "unterminated', b"{'title': 'single quotes'}", b'{"title": "x",}', b"\xff\xfe"],
    ids=["unterminated", "single-quotes", "trailing-comma", "not-utf8"],
)
def test_malformed_json_is_400(client: TodoClient, content: bytes) -> None:
    response = post_raw(client, content, **JSON)
    assert response.status_code == 400
    assert isinstance(response.json()["detail"], str)
    assert client.list().json() == []


@pytest.mark.parametrize(
    "content_type",
    ["text/plain", "application/x-www-form-urlencoded", "multipart/form-data; boundary=x", None],
)
def test_a_body_that_is_not_json_is_400(client: TodoClient, content_type: str | None) -> None:
    headers = {"Content-Type": content_type} if content_type else {}
    response = post_raw(client, b'{"title": "Looks like JSON"}', **headers)
    assert response.status_code == 400
    assert "JSON" in response.json()["detail"]
    assert client.list().json() == []


def test_put_with_malformed_json_is_400(client: TodoClient) -> None:
    task_id = client.create("Unchanged").json()["id"]
    response = client.http.put(
        client.path(task_id), content=b"{not json", headers={**client.headers(), **JSON}
    )
    assert response.status_code == 400
    assert client.get(task_id).json()["title"] == "Unchanged"


@pytest.mark.parametrize("content_type", ["application/json; charset=utf-8", "application/ld+json"])
def test_json_media_types_with_parameters_or_suffixes_are_accepted(
    client: TodoClient, content_type: str
) -> None:
    response = post_raw(client, b'{"title": "Typed"}', **{"Content-Type": content_type})
    assert response.status_code == 201


@pytest.mark.parametrize("content", [b"[]", b'"a string"', b"42", b"null", b""])
def test_json_that_is_not_an_object_is_422(client: TodoClient, content: bytes) -> None:
    response = post_raw(client, content, **JSON)
    assert response.status_code == 422
    assert isinstance(response.json()["detail"], list)


# --- 404 and 405 ------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "path",
    ["/", "/api", "/api/tasks", "/api/u/task", "/api/u/tasks/1/done", "/api/u/tasks/1/complete/x"],
)
def test_unknown_routes_are_404_in_the_error_format(stack: Stack, path: str) -> None:
    response = httpx.get(stack.url + path)
    assert response.status_code == 404
    assert response.json() == {"detail": "Not Found"}


@pytest.mark.parametrize(
    ("method", "suffix"),
    [
        ("DELETE", ""),
        ("PUT", ""),
        ("PATCH", ""),
        ("POST", "/1"),
        ("PATCH", "/1"),
        ("GET", "/1/complete"),
        ("PUT", "/1/complete"),
        ("POST", "/1/complete"),
    ],
)
def test_wrong_methods_are_405_with_allow(client: TodoClient, method: str, suffix: str) -> None:
    response = client.http.request(method, client.path() + suffix, headers=client.headers())
    assert response.status_code == 405
    assert response.json() == {"detail": "Method Not Allowed"}
    assert response.headers["allow"]
    assert method not in response.headers["allow"]


# --- 413: bodies over 64 KiB -----------------------------------------------------------------


def test_a_body_over_64_kib_is_413(client: TodoClient) -> None:
    body = b'{"title": "big", "description": "' + b"x" * MAX_BODY + b'"}'
    response = post_raw(client, body, **JSON)
    assert response.status_code == 413
    assert response.json()["detail"].startswith("Request body too large")
    assert client.list().json() == []


def test_a_streamed_body_over_64_kib_without_length_is_413(client: TodoClient) -> None:
    def chunks() -> Iterator[bytes]:
        yield b'{"title": "big", "description": "'
        for _ in range(20):
            yield b"x" * 4096
        yield b'"}'

    response = client.http.post(
        client.path(), content=chunks(), headers={**client.headers(), **JSON}
    )
    assert response.status_code == 413
    assert client.list().json() == []


def test_a_body_just_under_64_kib_is_read(client: TodoClient) -> None:
    prefix, suffix = b'{"title": "fits", "description": "', b'"}'
    body = prefix + b" " * (MAX_BODY - len(prefix) - len(suffix) - 10) + suffix
    assert len(body) <= MAX_BODY
    response = post_raw(client, body, **JSON)
    assert response.status_code == 422  # read and validated (too long a description), not 413
    assert response.json()["detail"][0]["loc"] == ["body", "description"]


# --- the request id ---------------------------------------------------------------------------


def test_every_response_carries_a_generated_request_id(client: TodoClient, stack: Stack) -> None:
    responses = [
        client.list(),
        client.create("Request ids"),
        client.get(2**31 - 1),
        httpx.get(stack.url + "/nowhere"),
        httpx.get(stack.url + f"/api/{client.user_id}/tasks"),
        httpx.get(stack.url + "/health"),
    ]
    ids = [response.headers["x-request-id"] for response in responses]
    assert all(re.fullmatch(r"[0-9a-f]{32}", request_id) for request_id in ids)
    assert len(set(ids)) == len(ids)


def test_a_sane_incoming_request_id_is_passed_through(client: TodoClient) -> None:
    request_id = "frontend-trace.42:abc"
    response = client.http.get(
        client.path(), headers={**client.headers(), "X-Request-ID": request_id}
    )
    assert response.headers["x-request-id"] == request_id


@pytest.mark.parametrize("request_id", ["has spaces", "x" * 129, "tab\\tinside", "<script>", "é"])
def test_an_unsafe_incoming_request_id_is_replaced(client: TodoClient, request_id: str) -> None:
    sent = {**client.headers(), "X-Request-ID": request_id}
    headers = {name.encode(): value.encode() for name, value in sent.items()}
    response = client.http.get(client.path(), headers=headers)
    assert response.status_code == 200
    assert re.fullmatch(r"[0-9a-f]{32}", response.headers["x-request-id"])


def test_the_access_log_line_carries_the_request_id(
    client: TodoClient, record_logs: Callable[[str], RecordedEvents]
) -> None:
    access = record_logs("todo.access")
    response = client.http.get(client.path(), headers={**client.headers(), "X-Request-ID": "log-1"})
    generated = client.create("Logged").headers["x-request-id"]

    lines = {e["request_id"]: e for e in access.fields() if e["request_id"] in ("log-1", generated)}
    assert lines["log-1"]["status"] == response.status_code == 200
    assert lines["log-1"]["path"] == client.path()
    assert lines[generated]["method"] == "POST"
    assert lines[generated]["status"] == 201


def test_a_malformed_body_without_a_token_is_401(stack: Stack, user_id: str) -> None:
    response = httpx.post(f"{stack.url}/api/{user_id}/tasks", content=b"{bad", headers=JSON)
    assert response.status_code == 401
    assert response.headers["www-authenticate"] == "Bearer"


def test_a_malformed_body_on_another_users_path_is_403(client: TodoClient) -> None:
    response = client.http.put(
        client.path(1, user_id="someone-else"),
        content=b"{bad",
        headers={**client.headers(), **JSON},
    )
    assert response.status_code == 403


def test_a_malformed_body_with_the_right_token_is_400(client: TodoClient) -> None:
    response = client.http.post(
        client.path(), content=b"{bad", headers={**client.headers(), **JSON}
    )
    assert response.status_code == 400


# --- probes and docs --------------------------------------------------------------------------


def test_health_needs_no_token(stack: Stack) -> None:
    response = httpx.get(stack.url + "/health")
    assert response.status_code == 200
    assert response.json()["status"] == "healthy"


def test_ready_answers_200_when_the_database_does(stack: Stack) -> None:
    response = httpx.get(stack.url + "/health/ready")
    assert response.status_code == 200
    assert response.json()["status"] == "ready"


def test_docs_are_served(stack: Stack) -> None:
    response = httpx.get(stack.url + "/docs")
    assert response.status_code == 200
    assert "swagger" in response.text.lower()


EXPECTED_CODES = {
    ("get", "/api/{user_id}/tasks"): {"200", "401", "403", "422", "503"},
    ("post", "/api/{user_id}/tasks"): {"201", "400", "401", "403", "422", "503"},
    ("get", "/api/{user_id}/tasks/{task_id}"): {"200", "401", "403", "404", "422", "503"},
    ("put", "/api/{user_id}/tasks/{task_id}"): {"200", "400", "401", "403", "404", "422", "503"},
    ("delete", "/api/{user_id}/tasks/{task_id}"): {"204", "401", "403", "404", "422", "503"},
    ("patch", "/api/{user_id}/tasks/{task_id}/complete"): {
        "200",
        "401",
        "403",
        "404",
        "422",
        "503",
    },
}


@pytest.mark.parametrize(("method", "path"), list(EXPECTED_CODES))
def test_openapi_states_every_response_code_and_bearer_auth(
    stack: Stack, method: str, path: str
) -> None:
    schema = httpx.get(stack.url + "/openapi.json").json()
    operation = schema["paths"][path][method]
    assert set(operation["responses"]) >= EXPECTED_CODES[(method, path)]
    schemes = schema["components"]["securitySchemes"]
    bearer = [name for name, scheme in schemes.items() if scheme.get("scheme") == "bearer"]
    assert bearer
    assert any(bearer[0] in requirement for requirement in operation["security"])


# --- nothing internal leaks -------------------------------------------------------------------


def test_error_bodies_carry_no_internals(client: TodoClient, stack: Stack) -> None:
    responses = [
        post_raw(client, b'{"title": ', **JSON),
        client.create("x" * 500),
        client.get(2**31 - 1),
        client.http.get(client.path() + "/99999999999999999999", headers=client.headers()),
        httpx.get(
            stack.url + f"/api/{client.user_id}/tasks", headers={"Authorization": "Bearer x"}
        ),
    ]
    for response in responses:
        assert response.status_code >= 400
        assert set(response.json()) == {"detail"}
        assert not INTERNALS.search(response.text), response.text
