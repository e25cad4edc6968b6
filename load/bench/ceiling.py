"""The framework + auth ceiling: the real app plus one authenticated route with no database work.

Served only by the benchmark (`uvicorn --factory load.bench.ceiling:create_app`); the
production app never has this route.
"""

from __future__ import annotations

from fastapi import APIRouter, FastAPI

from backend.dependencies import CurrentUser
from backend.main import create_app as create_backend

router = APIRouter()


@router.get("/api/{user_id}/whoami")
async def whoami(user_id: CurrentUser) -> dict[str, str]:
    """The token's user, checked against the path exactly as the task routes do."""
    return {"user_id": user_id}


def create_app() -> FastAPI:
    app = create_backend()
    app.include_router(router)
    return app
