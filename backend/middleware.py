"""Pure ASGI middleware, outermost first (`backend/main.py` stacks them, CORS between the first
two so that every answer below it, 408, 413 and 500 included, carries the CORS headers):

1. `RequestContextMiddleware`: the request id and the access log;
2. `GuardMiddleware`: the body's size and time limits, and the last-resort 500;
3. `RequestLineMiddleware`: HEAD answered as GET, a trailing slash served as the path without it.
"""

from __future__ import annotations

import asyncio
import json
import re
import secrets
import time

from starlette.exceptions import HTTPException
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from backend.logs import access_log, app_log, request_id_var

MAX_BODY_BYTES = 64 * 1024
BODY_TIMEOUT_SECONDS = 10
REQUEST_ID_HEADER = b"x-request-id"
_VALID_REQUEST_ID = re.compile(r"^[A-Za-z0-9._:-]{1,128}$")

TOO_LARGE_MESSAGE = "Request body too large (limit 64 KiB)"
TOO_SLOW_MESSAGE = f"Request body not received within {BODY_TIMEOUT_SECONDS} s"


class _BodyRefused(HTTPException):
    """Raised while the body streams in; FastAPI passes HTTP exceptions through to the handlers."""

    detail: str


class _BodyTooLarge(_BodyRefused):
    def __init__(self) -> None:
        super().__init__(status_code=413, detail=TOO_LARGE_MESSAGE)


class _BodyTooSlow(_BodyRefused):
    """The body did not arrive in time; the connection is closed after the answer."""

    def __init__(self) -> None:
        super().__init__(status_code=408, detail=TOO_SLOW_MESSAGE, headers={"Connection": "close"})


class RequestContextMiddleware:
    """Gives each request an id (`X-Request-ID`, passed through when sane) and logs it once."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        request_id = _incoming_request_id(scope) or secrets.token_hex(16)
        request_id_var.set(request_id)
        started = time.perf_counter()
        status = 500

        async def send_with_id(message: Message) -> None:
            nonlocal status
            if message["type"] == "http.response.start":
                status = message["status"]
                message["headers"] = [
                    *message.get("headers", []),
                    (REQUEST_ID_HEADER, request_id.encode()),
                ]
            await send(message)

        try:
            await self.app(scope, receive, send_with_id)
        finally:
            access_log.info(
                "request",
                extra={
                    "method": scope["method"],
                    "path": scope["path"],
                    "status": status,
                    "duration_ms": round((time.perf_counter() - started) * 1000, 2),
                },
            )


class GuardMiddleware:
    """Refuses bodies over 64 KiB (413) or not complete within 10 s (408), and turns any
    unhandled error into a generic 500."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        response_started = False

        async def send_tracked(message: Message) -> None:
            nonlocal response_started
            response_started = response_started or message["type"] == "http.response.start"
            await send(message)

        try:
            if _declared_length(scope) > MAX_BODY_BYTES:
                raise _BodyTooLarge
            await self.app(scope, _limited(receive), send_tracked)
        except _BodyRefused as refused:
            if not response_started:
                await _send_json(send_tracked, refused.status_code, refused.detail)
        except Exception as error:  # the one place unexpected errors end up
            app_log.error("unhandled error", extra={"error": type(error).__name__})
            if not response_started:
                await _send_json(send_tracked, 500, "Internal server error")


class RequestLineMiddleware:
    """HEAD on any GET route answers as GET would, without the body (RFC 9110 §9.3.2); a path
    with a trailing slash is served as the path without it, so no redirect (whose `Location`
    would be built from the untrusted `Host` header) is ever needed."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] == "http":
            path: str = scope["path"]
            if len(path) > 1 and path.endswith("/"):
                raw_path: bytes = scope.get("raw_path") or path.encode()
                scope = {**scope, "path": path.rstrip("/") or "/"}
                scope["raw_path"] = raw_path.rstrip(b"/") or b"/"
            if scope["method"] == "HEAD":
                scope = {**scope, "method": "GET"}
                send = _without_body(send)
        await self.app(scope, receive, send)


def _without_body(send: Send) -> Send:
    async def send_headers_only(message: Message) -> None:
        if message["type"] == "http.response.body":
            message = {**message, "body": b""}
        await send(message)

    return send_headers_only


def _incoming_request_id(scope: Scope) -> str | None:
    for name, value in scope["headers"]:
        if name == REQUEST_ID_HEADER:
            candidate = value.decode("latin-1")
            return candidate if _VALID_REQUEST_ID.match(candidate) else None
    return None


def _declared_length(scope: Scope) -> int:
    for name, value in scope["headers"]:
        if name == b"content-length":
            return int(value) if value.isdigit() else 0
    return 0


def _limited(receive: Receive) -> Receive:
    """Count the body as it arrives (for clients that send no Content-Length) and give it one
    deadline, from the first read to the last chunk; reads after the body pass through."""
    received = 0
    deadline: float | None = None
    complete = False

    async def receive_limited() -> Message:
        nonlocal received, deadline, complete
        if complete:
            return await receive()
        if deadline is None:
            deadline = asyncio.get_running_loop().time() + BODY_TIMEOUT_SECONDS
        try:
            async with asyncio.timeout_at(deadline):
                message = await receive()
        except TimeoutError:
            raise _BodyTooSlow from None
        if message["type"] == "http.request":
            received += len(message.get("body", b""))
            if received > MAX_BODY_BYTES:
                raise _BodyTooLarge
            complete = not message.get("more_body", False)
        return message

    return receive_limited


async def _send_json(send: Send, status: int, detail: str) -> None:
    body = json.dumps({"detail": detail}).encode()
    await send(
        {
            "type": "http.response.start",
            "status": status,
            "headers": [
                (b"content-type", b"application/json"),
                (b"content-length", str(len(body)).encode()),
            ],
        }
    )
    await send({"type": "http.response.body", "body": body})
