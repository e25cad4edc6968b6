"""The one place that maps failures to status codes and the `{"detail": ...}` error format."""

from __future__ import annotations

import json
from collections.abc import Mapping
from typing import Any

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from starlette.exceptions import HTTPException

from backend.auth.jwt import AuthError
from backend.auth.session import SessionLookupUnavailable
from backend.db import DatabaseUnavailable
from backend.logs import app_log, security_log

RETRY_AFTER_SECONDS = "5"
UNAVAILABLE_MESSAGE = "Service temporarily unavailable, please retry"
MALFORMED_JSON_MESSAGE = "Malformed JSON in request body"


class ForbiddenError(Exception):
    """The token's user is not the user the path names (403, EC-7)."""


class NotJsonContentError(Exception):
    """A body whose `Content-Type` is not JSON: a malformed request (400, FR-015), not 415."""


class MalformedJsonError(HTTPException):
    """A body that does not parse as JSON (400). An `HTTPException`, which FastAPI's body
    reading passes on unchanged (any other error there becomes its own 400 message)."""

    def __init__(self) -> None:
        super().__init__(status_code=400, detail=MALFORMED_JSON_MESSAGE)


def install_error_handlers(app: FastAPI) -> None:
    """Register every handler."""
    app.add_exception_handler(AuthError, _auth_failed)
    app.add_exception_handler(ForbiddenError, _forbidden)
    app.add_exception_handler(NotJsonContentError, _not_json)
    app.add_exception_handler(RequestValidationError, _invalid_request)
    app.add_exception_handler(DatabaseUnavailable, _database_unavailable)
    app.add_exception_handler(SessionLookupUnavailable, _database_unavailable)
    app.add_exception_handler(HTTPException, _http_error)


def _detail(status: int, detail: object, headers: dict[str, str] | None = None) -> JSONResponse:
    return JSONResponse({"detail": detail}, status_code=status, headers=headers)


async def _auth_failed(request: Request, error: Exception) -> JSONResponse:
    assert isinstance(error, AuthError)
    _security_event(request, "authentication_failed", error.reason)
    challenge = "Bearer" if error.reason == "missing" else 'Bearer error="invalid_token"'
    return _detail(401, error.message, {"WWW-Authenticate": challenge})


async def _forbidden(request: Request, error: Exception) -> JSONResponse:
    _security_event(request, "authorization_failed", "path_user_mismatch")
    return _detail(403, "Access forbidden: user_id mismatch")


async def _invalid_request(request: Request, error: Exception) -> JSONResponse:
    assert isinstance(error, RequestValidationError)
    return _detail(422, [_public(problem) for problem in error.errors()])


async def _not_json(request: Request, error: Exception) -> JSONResponse:
    return _detail(400, "Request body must be JSON (Content-Type: application/json)")


async def _database_unavailable(request: Request, error: Exception) -> JSONResponse:
    app_log.warning("database unavailable", extra={"error": str(error)})
    return _detail(503, UNAVAILABLE_MESSAGE, {"Retry-After": RETRY_AFTER_SECONDS})


async def _http_error(request: Request, error: Exception) -> JSONResponse:
    assert isinstance(error, HTTPException)
    return _detail(error.status_code, error.detail, getattr(error, "headers", None))


def _public(problem: Mapping[str, Any]) -> dict[str, Any]:
    """FastAPI's validation entry (loc, msg, type; input for a single field) without internals."""
    entry = {"loc": list(problem["loc"]), "msg": problem["msg"], "type": problem["type"]}
    if len(problem["loc"]) > 1 and "input" in problem and _echoable(problem["input"]):
        entry["input"] = problem["input"]
    return entry


def _echoable(value: object) -> bool:
    """Only inputs the reply can carry are echoed: no unpaired surrogate (not UTF-8), no NaN or
    infinity (not JSON)."""
    try:
        json.dumps(value, ensure_ascii=False, allow_nan=False).encode("utf-8")
    except (TypeError, ValueError):
        return False
    return True


def _security_event(request: Request, event: str, reason: str) -> None:
    """Log an auth failure for monitoring: never the token, the secret or the claims (SC-009)."""
    client = request.client.host if request.client else None
    security_log.warning(
        event,
        extra={
            "event": event,
            "reason": reason,
            "method": request.method,
            "path": request.url.path,
            "client": client,
        },
    )
