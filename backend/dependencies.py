"""What the routes declare as `Annotated` aliases, and the access checks behind them.

Each task route declares one dependency, `Owner`: every dependency FastAPI solves costs CPU on
every request (`docs/performance.md`). All are `async def`: FastAPI runs a plain `def`
dependency in a worker thread, a hop that costs more than the work itself.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Annotated

from fastapi import Depends, Path, Request

from backend.auth.jwt import MISSING_MESSAGE, AuthError
from backend.db import Database
from backend.errors import ForbiddenError
from backend.state import app_state

AUTHORIZED_USER = "todo.authorized_user"
"""Where `AuthorizedRoute` (`backend/routes/authorized.py`) leaves the user it authorized."""


@dataclass(frozen=True, slots=True)
class TaskOwner:
    """The user a task route serves, authorized, and the database their tasks are in."""

    user_id: str
    database: Database


async def get_database(request: Request) -> Database:
    return app_state(request).database


async def token_user(request: Request) -> str:
    """The user id of the request's Bearer credential, verified (or remembered as verified).

    Raises `AuthError` (401), or `SessionLookupUnavailable` / `DatabaseUnavailable` (503) when
    a session token cannot be looked up.
    """
    token = bearer_token(request.headers.get("authorization"))
    return await app_state(request).authenticator.user_of(token)


def bearer_token(authorization: str | None) -> str:
    """The token of an `Authorization: Bearer <token>` header (scheme case-insensitive)."""
    if not authorization or not authorization.strip():
        raise AuthError("missing", MISSING_MESSAGE)
    scheme, _, token = authorization.strip().partition(" ")
    token = token.strip()
    if scheme.lower() != "bearer" or not token or " " in token:
        raise AuthError("malformed")
    return token


UserIdPath = Annotated[str, Path(description="The user the path names; must be the token's user")]


async def task_owner(request: Request, user_id: UserIdPath) -> TaskOwner:
    """The user `AuthorizedRoute` authorized before the body was read: the user of a valid
    Bearer token (else 401: FR-001, FR-002, FR-004) and the one the path names, `user_id`
    (else 403: FR-003, EC-7). Only for routes of that class, which also declare the token to
    OpenAPI; elsewhere it fails loudly rather than skip the checks."""
    authorized = request.scope.get(AUTHORIZED_USER)
    if authorized is None or authorized != user_id:
        raise RuntimeError("Owner is for AuthorizedRoute routes only")
    return TaskOwner(authorized, app_state(request).database)


async def authorize(request: Request, user_id: str | None = None) -> str:
    """The token's user (else 401), who must be `user_id`, by default the path's (else 403)."""
    authenticated = await token_user(request)
    if user_id is None:
        user_id = request.path_params.get("user_id", "")
    if user_id != authenticated:
        raise ForbiddenError
    return authenticated


DatabaseDep = Annotated[Database, Depends(get_database)]
Owner = Annotated[TaskOwner, Depends(task_owner)]
