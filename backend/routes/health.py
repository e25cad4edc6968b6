"""Liveness and readiness probes (no authentication)."""

from __future__ import annotations

from datetime import UTC, datetime

from fastapi import APIRouter

from backend import crud
from backend.dependencies import DatabaseDep
from backend.models import ErrorResponse

router = APIRouter(prefix="/health", tags=["health"])


@router.get("")
async def health() -> dict[str, str]:
    """The process answers; the database is not consulted."""
    return {"status": "healthy", "timestamp": datetime.now(UTC).isoformat()}


@router.get("/ready", responses={503: {"model": ErrorResponse, "description": "Database down"}})
async def ready(db: DatabaseDep) -> dict[str, str]:
    """The database answers (else 503 with `Retry-After`)."""
    await crud.ping(db)
    return {"status": "ready", "timestamp": datetime.now(UTC).isoformat()}
