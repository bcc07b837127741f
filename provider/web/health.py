"""GET /healthz: open without login, for load balancers and monitoring."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import JSONResponse
from sqlalchemy import text
from sqlalchemy.exc import SQLAlchemyError

router = APIRouter(tags=["health"])


def _scheduler_status(request: Request) -> dict[str, Any] | None:
    from provider.scheduler import lease

    return lease.describe(request.app.state.engine, request.app.state.clock.now())


@router.get("/healthz", summary="Database reachability and the scheduler lease holder")
def healthz(request: Request) -> JSONResponse:
    body: dict[str, Any] = {"status": "ok", "database": "ok"}
    try:
        with request.app.state.engine.connect() as connection:
            connection.execute(text("SELECT 1"))
    except SQLAlchemyError:
        body.update(status="unavailable", database="unreachable")
        return JSONResponse(body, status_code=503)
    try:
        body["scheduler"] = _scheduler_status(request)
    except (ImportError, SQLAlchemyError):
        body["scheduler"] = None
    return JSONResponse(body)
