"""What the app holds for its requests, typed: `request.app.state` itself is untyped."""

from __future__ import annotations

from dataclasses import dataclass

from fastapi import FastAPI, Request

from backend.auth.authenticator import Authenticator
from backend.db import Database


@dataclass(frozen=True)
class AppState:
    """The pool and the token checker that `create_app` builds once."""

    database: Database
    authenticator: Authenticator


def attach_state(app: FastAPI, state: AppState) -> None:
    app.state.backend = state


def app_state(request: Request) -> AppState:
    state: AppState = request.app.state.backend
    return state
