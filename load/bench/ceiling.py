"""The benchmark's ceilings: bare FastAPI, and the real app plus one authenticated route with no
database work (framework + auth). Served only by the benchmark; the production app never has
these routes.
"""

from __future__ import annotations

from fastapi import APIRouter, FastAPI

from backend.dependencies import Owner
from backend.main import create_app as create_backend
from backend.routes.authorized import AuthorizedRoute

CEILING_APP = "load.bench.ceiling:create_app"
BARE_APP = "load.bench.ceiling:create_bare_app"

router = APIRouter(route_class=AuthorizedRoute)


@router.get("/api/{user_id}/whoami")
async def whoami(owner: Owner) -> dict[str, str]:
    """The token's user, checked against the path exactly as the task routes do."""
    return {"user_id": owner.user_id}


def create_app() -> FastAPI:
    app = create_backend()
    app.include_router(router)
    return app


def create_bare_app() -> FastAPI:
    """FastAPI alone: one trivial route, no middleware, no auth, no database."""
    app = FastAPI()

    @app.get("/health")
    async def health() -> dict[str, str]:
        return {"status": "healthy"}

    return app
