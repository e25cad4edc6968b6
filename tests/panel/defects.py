"""One deliberate defect each: our backend with one small change, to prove the judge is precise.

Each defect rewrites what goes in or out of the real app (an ASGI wrapper around it) or, for
the foreign key, the schema after the migrations; the backend itself is never edited. Each
says which spec requirements it really breaks (the IDs a fair judge turns red, and only
those) and a few words, one of which the report must use to name the cause.
"""

from __future__ import annotations

import json
import os
import re
import time
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from typing import Any

import jwt
from starlette.types import ASGIApp, Message, Receive, Scope, Send

LIST_PATH = re.compile(r"^/api/[^/]+/tasks$")
TIMESTAMP_FIELDS = ("created_at", "updated_at")
UTC_SUFFIX = re.compile(r"(Z|[+-]00:00)$")


@dataclass
class Exchange:
    """A request on its way in, and (once the app answered) its response on the way out."""

    method: str
    path: str
    headers: dict[str, str]
    body: bytes
    status: int = 0
    response_headers: dict[str, str] = field(default_factory=dict)
    response_body: bytes = b""

    def json(self) -> Any:
        try:
            return json.loads(self.body)
        except ValueError:
            return None

    def response_json(self) -> Any:
        try:
            return json.loads(self.response_body)
        except ValueError:
            return None

    def answer(self, status: int, content: Any) -> None:
        self.status = status
        self.response_body = json.dumps(content).encode()
        self.response_headers = {"content-type": "application/json"}


Hook = Callable[[Exchange], None]


def _none(exchange: Exchange) -> None:
    return None


@dataclass(frozen=True)
class Defect:
    name: str
    summary: str
    breaks: frozenset[str]  # the spec requirement IDs it really breaks (none: a finding only)
    words: tuple[str, ...]  # the report names the cause with one of these (any case)
    request: Hook = _none  # may change the request, or answer it (set `status`)
    response: Hook = _none  # may change the app's response
    after_migrations: str = ""  # SQL run once the schema is in place


class Wrapped:
    """The app with a defect's request and response hooks around every HTTP exchange."""

    def __init__(self, app: ASGIApp, defect: Defect) -> None:
        self.app = app
        self.defect = defect

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        body = b""
        while True:
            message = await receive()
            body += message.get("body", b"")
            if not message.get("more_body"):
                break
        headers = {k.decode("latin-1").lower(): v.decode("latin-1") for k, v in scope["headers"]}
        exchange = Exchange(scope["method"], scope["path"], headers, body)
        self.defect.request(exchange)
        if not exchange.status:
            await self._call_app(scope, exchange)
            self.defect.response(exchange)
        await _send(send, exchange)

    async def _call_app(self, scope: Scope, exchange: Exchange) -> None:
        headers = {**exchange.headers, "content-length": str(len(exchange.body))}
        inner = {
            **scope,
            "path": exchange.path,
            "raw_path": exchange.path.encode(),
            "headers": [(k.encode("latin-1"), v.encode("latin-1")) for k, v in headers.items()],
        }
        sent = False

        async def receive() -> Message:
            nonlocal sent
            if sent:
                return {"type": "http.disconnect"}
            sent = True
            return {"type": "http.request", "body": exchange.body, "more_body": False}

        async def collect(message: Message) -> None:
            if message["type"] == "http.response.start":
                exchange.status = message["status"]
                exchange.response_headers = {
                    k.decode("latin-1").lower(): v.decode("latin-1")
                    for k, v in message.get("headers", [])
                }
            elif message["type"] == "http.response.body":
                exchange.response_body += message.get("body", b"")

        await self.app(inner, receive, collect)


async def _send(send: Callable[[Message], Awaitable[None]], exchange: Exchange) -> None:
    headers = {**exchange.response_headers, "content-length": str(len(exchange.response_body))}
    if exchange.status in (204, 304):
        headers.pop("content-length")
        exchange.response_body = b""
    await send(
        {
            "type": "http.response.start",
            "status": exchange.status,
            "headers": [(k.encode("latin-1"), v.encode("latin-1")) for k, v in headers.items()],
        }
    )
    await send({"type": "http.response.body", "body": exchange.response_body})


def _each_task(content: Any, change: Callable[[dict[str, Any]], None]) -> Any:
    for task in content if isinstance(content, list) else [content]:
        if isinstance(task, dict) and "id" in task and "title" in task:
            change(task)
    return content


def _rewrite_tasks(change: Callable[[dict[str, Any]], None]) -> Hook:
    def hook(exchange: Exchange) -> None:
        content = exchange.response_json()
        if exchange.status < 300 and content is not None:
            exchange.response_body = json.dumps(_each_task(content, change)).encode()

    return hook


def _strip_offset(task: dict[str, Any]) -> None:
    for name in TIMESTAMP_FIELDS:
        if isinstance(task.get(name), str):
            task[name] = UTC_SUFFIX.sub("", task[name])


def _freeze_updated_at(task: dict[str, Any]) -> None:
    task["updated_at"] = task.get("created_at")


def _forbid_without_token(exchange: Exchange) -> None:
    """The app's own 401 for a request without a token (logged as usual) leaves as a 403."""
    if exchange.status == 401 and not exchange.headers.get("authorization"):
        exchange.answer(403, {"detail": "Forbidden"})


def _put_replaces_everything(exchange: Exchange) -> None:
    body = exchange.json()
    if exchange.method == "PUT" and isinstance(body, dict):
        exchange.body = json.dumps({"description": None, "completed": False, **body}).encode()


def _wrap_list(exchange: Exchange) -> None:
    content = exchange.response_json()
    if exchange.method == "GET" and LIST_PATH.match(exchange.path) and isinstance(content, list):
        exchange.response_body = json.dumps({"tasks": content}).encode()


def _redirect_to_trailing_slash(exchange: Exchange) -> None:
    if LIST_PATH.match(exchange.path):
        exchange.status = 307
        host = exchange.headers.get("host", "127.0.0.1")
        exchange.response_headers = {"location": f"http://{host}{exchange.path}/"}
    elif LIST_PATH.match(exchange.path.removesuffix("/")):
        exchange.path = exchange.path.removesuffix("/")


def _accept_expired(exchange: Exchange) -> None:
    """An expired HS256 token with a good signature is signed again, fresh: so it passes."""
    scheme, _, token = exchange.headers.get("authorization", "").partition(" ")
    secret = os.environ.get("BETTER_AUTH_SECRET", "")
    try:
        claims = jwt.decode(
            token, secret, algorithms=["HS256"], options={"verify_exp": False, "verify_aud": False}
        )
    except jwt.PyJWTError:
        return
    if claims.get("exp", time.time() + 1) < time.time():
        claims["exp"] = int(time.time()) + 300
        exchange.headers["authorization"] = f"{scheme} {jwt.encode(claims, secret, 'HS256')}"


def _malformed_as_422(exchange: Exchange) -> None:
    if exchange.status == 400:
        exchange.answer(422, {"detail": [{"loc": ["body"], "msg": "invalid", "type": "invalid"}]})


def _description_limit_500(exchange: Exchange) -> None:
    """Over 500 characters, the description is made one the app itself refuses (after auth)."""
    body = exchange.json()
    if exchange.method in ("POST", "PUT") and isinstance(body, dict):
        description = body.get("description")
        if isinstance(description, str) and len(description) > 500:
            exchange.body = json.dumps({**body, "description": "x" * 1001}).encode()


def _completed_by_default(exchange: Exchange) -> None:
    body = exchange.json()
    if exchange.method == "POST" and isinstance(body, dict) and "completed" not in body:
        exchange.body = json.dumps({**body, "completed": True}).encode()


def _404_for_other_users_list(exchange: Exchange) -> None:
    if exchange.method == "GET" and LIST_PATH.match(exchange.path) and exchange.status == 403:
        exchange.answer(404, {"detail": "Not found"})


def _cors_wildcard(exchange: Exchange) -> None:
    exchange.response_headers.pop("access-control-allow-credentials", None)
    exchange.response_headers.pop("vary", None)
    if "origin" in exchange.headers:
        exchange.response_headers["access-control-allow-origin"] = "*"


def _unstructured_validation(exchange: Exchange) -> None:
    if exchange.status == 422:
        exchange.answer(422, {"detail": "Invalid request"})


def _delete_answers_200(exchange: Exchange) -> None:
    if exchange.method == "DELETE" and exchange.status == 204:
        exchange.answer(200, {"deleted": True})


USERS_TABLE = """
CREATE TABLE IF NOT EXISTS users (id varchar(255) PRIMARY KEY, name text);
ALTER TABLE tasks DROP CONSTRAINT IF EXISTS fk_tasks_user;
ALTER TABLE tasks ADD CONSTRAINT fk_tasks_user FOREIGN KEY (user_id) REFERENCES users (id);
"""

DEFECTS = {
    d.name: d
    for d in (
        Defect(
            "no-utc-offset",
            "timestamps without a UTC offset",
            frozenset({"FR-010", "FR-011"}),  # created_at's and updated_at's own clauses
            ("offset", "utc", "timezone", "time zone"),
            response=_rewrite_tasks(_strip_offset),
        ),
        Defect(
            "403-without-token",
            "403 instead of 401 for a missing token",
            frozenset({"US1-3", "US2-4", "FR-004", "FR-015"}),
            ("403", "401"),
            response=_forbid_without_token,
        ),
        Defect(
            "put-wipes-omitted",
            "a PUT resets the fields it does not carry",
            frozenset({"US3-1"}),
            ("description", "completed", "omitted", "kept"),
            request=_put_replaces_everything,
        ),
        Defect(
            "list-wrapped",
            'the list comes as {"tasks": [...]}, not a JSON array',
            frozenset({"US2-1", "US2-3", "SC-005"}),
            ("array", "list"),
            response=_wrap_list,
        ),
        Defect(
            "redirect-trailing-slash",
            "307 from /tasks to /tasks/",
            frozenset(),  # followed, and reported once as a finding: no requirement is red
            ("redirect", "307"),
            request=_redirect_to_trailing_slash,
        ),
        Defect(
            "fk-users-table",
            "tasks.user_id is a foreign key to a users table nobody fills",
            frozenset({"US1-1", "FR-015"}),  # 500, not 201; what needs a task is blocked, not red
            ("500", "create"),
            after_migrations=USERS_TABLE,
        ),
        Defect(
            "expired-accepted",
            "expired tokens are accepted",
            frozenset({"US1-4", "EC-1", "FR-004", "SC-003"}),
            ("expired",),
            request=_accept_expired,
        ),
        Defect(
            "malformed-json-422",
            "422 instead of 400 for a malformed body",
            frozenset({"FR-015"}),
            ("400", "malformed"),
            response=_malformed_as_422,
        ),
        Defect(
            "description-limit-500",
            "descriptions over 500 characters refused (the spec allows 1000)",
            frozenset({"FR-008"}),
            ("description", "1000"),
            request=_description_limit_500,
        ),
        Defect(
            "updated-at-frozen",
            "updated_at never advances",
            frozenset({"US3-1", "US4-1", "FR-011"}),
            ("updated_at",),
            response=_rewrite_tasks(_freeze_updated_at),
        ),
        Defect(
            "completed-default-true",
            "a new task is completed unless told otherwise",
            frozenset({"FR-012"}),
            ("completed",),
            request=_completed_by_default,
        ),
        Defect(
            "404-other-users-list",
            "404 instead of 403 for another user's list",
            frozenset({"US2-2", "EC-7", "FR-003", "FR-005", "FR-015"}),
            ("404", "403"),
            response=_404_for_other_users_list,
        ),
        Defect(
            "cors-wildcard",
            "CORS answers Access-Control-Allow-Origin: * (fails with credentials)",
            frozenset({"FR-019"}),
            ("cors", "origin", "credentials"),
            response=_cors_wildcard,
        ),
        Defect(
            "unstructured-422",
            "validation errors as one plain string, naming no field",
            frozenset({"EC-2", "EC-3", "SC-008"}),
            ("field", "structured", "detail"),
            response=_unstructured_validation,
        ),
        Defect(
            "delete-answers-200",
            "DELETE answers 200 with a body instead of 204",
            frozenset({"US5-1", "FR-015"}),
            ("204", "200"),
            response=_delete_answers_200,
        ),
    )
}
