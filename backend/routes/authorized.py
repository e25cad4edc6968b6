"""The route class of the task routes: access is settled before the body is read.

FastAPI reads and parses a body before it solves any dependency, so a body it cannot parse
would answer 400 ahead of the token check. Here the token and the path's user are checked
first (401, then 403: `authorize`), then the body must be JSON (400, `require_json`) and is
parsed by `StrictJsonRequest` (every failure one 400), and only then does FastAPI validate
(422) and call the endpoint.

The Bearer requirement is declared to OpenAPI here too (`declare_bearer_scheme`), instead of
as a `Security` dependency, which FastAPI would solve on every request for nothing.
"""

from __future__ import annotations

import json
import math
from collections.abc import Callable, Coroutine
from typing import Any

from fastapi import FastAPI, Request, Response
from fastapi.routing import APIRoute
from fastapi.security import HTTPBearer

from backend.dependencies import AUTHORIZED_USER, authorize
from backend.errors import MalformedJsonError, NotJsonContentError

bearer_scheme = HTTPBearer(
    auto_error=False,
    description="A Better Auth JWT (HS256 or JWKS-signed) or a Better Auth session token",
)
"""The Bearer scheme as OpenAPI shows it (the "Authorize" button); `bearer_token` in
`backend/dependencies.py` parses the header."""


def _finite(text: str) -> float:
    value = float(text)
    if not math.isfinite(value):
        raise ValueError("a number out of range")
    return value


def _not_json(constant: str) -> float:
    raise ValueError(f"{constant} is not JSON")


_DECODER = json.JSONDecoder(parse_float=_finite, parse_constant=_not_json)


def parse_json(body: bytes) -> Any:
    """The JSON value of `body` (UTF-8), else `MalformedJsonError`: invalid UTF-8 or syntax,
    `NaN`/`Infinity` (not JSON), numbers no float holds (`1e999`), integers of more digits
    than Python converts, nesting deeper than the recursion limit."""
    try:
        return _DECODER.decode(body.decode("utf-8"))
    except (ValueError, RecursionError):
        raise MalformedJsonError from None


def require_json(request: Request) -> None:
    """Bodies must be JSON: anything else is a malformed request (400, FR-015)."""
    media_type = request.headers.get("content-type", "").split(";")[0].strip().lower()
    if media_type != "application/json" and not media_type.endswith("+json"):
        raise NotJsonContentError


class StrictJsonRequest(Request):
    """A request whose `json()` is `parse_json` (FastAPI calls it for JSON bodies)."""

    async def json(self) -> Any:
        if not hasattr(self, "_json"):
            self._json = parse_json(await self.body())
        return self._json


class AuthorizedRoute(APIRoute):
    """An `APIRoute` that runs `authorize`, then `require_json` if it takes a body, before
    FastAPI reads the body; its OpenAPI operation requires the Bearer token."""

    def __init__(
        self, path: str, endpoint: Callable[..., Any], *, openapi_extra: Any = None, **kwargs: Any
    ) -> None:
        bearer_required: dict[str, Any] = {"security": [{bearer_scheme.scheme_name: []}]}
        super().__init__(
            path, endpoint, openapi_extra=bearer_required | (openapi_extra or {}), **kwargs
        )

    def get_route_handler(self) -> Callable[[Request], Coroutine[Any, Any, Response]]:
        handler = super().get_route_handler()
        takes_body = self.body_field is not None

        async def authorized_handler(request: Request) -> Response:
            request.scope[AUTHORIZED_USER] = await authorize(request)
            if takes_body:
                require_json(request)
            return await handler(StrictJsonRequest(request.scope, request.receive))

        return authorized_handler


def declare_bearer_scheme(app: FastAPI) -> None:
    """List the Bearer scheme among the OpenAPI components, which `AuthorizedRoute`'s
    operations name."""
    build = app.openapi

    def openapi() -> dict[str, Any]:
        if app.openapi_schema is not None:
            return app.openapi_schema
        schema = build()  # FastAPI's own, which keeps it in `app.openapi_schema`
        schemes = schema.setdefault("components", {}).setdefault("securitySchemes", {})
        schemes[bearer_scheme.scheme_name] = bearer_scheme.model.model_dump(
            mode="json", by_alias=True, exclude_none=True
        )
        return schema

    app.openapi = openapi  # type: ignore[method-assign]
