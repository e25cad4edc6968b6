"""The application factory; `python -m backend serve` serves it (`backend/server.py`)."""

from __future__ import annotations

import gc
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

from fastapi import FastAPI
from fastapi.middleware.cors import CORSMiddleware
from fastapi_offline import FastAPIOffline

from backend.authentication import build_authenticator
from backend.db import Database, create_engine
from backend.errors import install_error_handlers
from backend.logs import configure_logging
from backend.middleware import GuardMiddleware, RequestContextMiddleware, RequestLineMiddleware
from backend.routes import health, tasks
from backend.routes.authorized import declare_bearer_scheme
from backend.settings import Settings, SettingsError, load_settings
from backend.state import AppState, attach_state


def create_app(settings: Settings | None = None) -> FastAPI:
    """Build the app from `settings` (default: the environment and `.env`)."""
    settings = settings or load_settings()
    if settings.database_url is None:
        raise SettingsError("Configuration error: NEON_DATABASE_URL is required to serve")
    configure_logging(settings.log_level, settings.log_format)
    database = Database(
        create_engine(settings, settings.database_url.get_secret_value()),
        connections=settings.db_pool_size + settings.db_max_overflow,
        queue_seconds=settings.db_pool_timeout_seconds,
        work_seconds=settings.db_statement_timeout_seconds,
    )
    authenticator = build_authenticator(settings, database)

    @asynccontextmanager
    async def lifespan(_: FastAPI) -> AsyncIterator[None]:
        # What exists by now (modules, the app, its routes) lives as long as the process:
        # frozen, full GC passes stop re-scanning it (the p99 it saves: docs/performance.md).
        gc.freeze()
        yield
        await authenticator.aclose()
        await database.dispose()

    app = FastAPIOffline(  # /docs and /redoc with their scripts served from the package: no CDN
        title="Todo Backend API",
        version="1.0.0",
        description="Per-user task API for a Next.js + Better Auth frontend.",
        lifespan=lifespan,
        redirect_slashes=False,  # RequestLineMiddleware serves a trailing slash instead
    )
    attach_state(app, AppState(database, authenticator))
    app.include_router(tasks.router)
    app.include_router(health.router)
    declare_bearer_scheme(app)
    install_error_handlers(app)
    app.add_middleware(RequestLineMiddleware)
    app.add_middleware(GuardMiddleware)
    app.add_middleware(  # outside the guard: its 408, 413 and 500 carry the CORS headers too
        CORSMiddleware,
        allow_origins=settings.allowed_origins,
        allow_credentials=True,
        allow_methods=["GET", "POST", "PUT", "PATCH", "DELETE", "OPTIONS"],
        allow_headers=["Authorization", "Content-Type", "X-Request-ID"],
        expose_headers=["Location", "X-Total-Count", "X-Request-ID"],
        max_age=600,
    )
    app.add_middleware(RequestContextMiddleware)
    return app
