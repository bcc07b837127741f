"""GET /healthz: open without login, for load balancers and monitoring.

Anonymous callers learn only whether the service is up (`{"status": "ok"}`, 200) or not
(`{"status": "unavailable"}`, 503): no host names, process ids or versions. A signed-in person or a
bearer token with `jobs:read` also gets the database state and the scheduler lease holder.
"""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, HTTPException, Request
from fastapi.responses import JSONResponse
from sqlalchemy import text
from sqlalchemy.exc import SQLAlchemyError
from sqlmodel import Session

from provider.security.roles import Permission
from provider.web.deps import SESSION_COOKIE, LoginRequired
from provider.web.docs_routes import staff_or_token

router = APIRouter(tags=["health"])


def _scheduler_status(request: Request) -> dict[str, Any] | None:
    from provider.scheduler import lease

    return lease.describe(request.app.state.engine, request.app.state.clock.now())


def _may_see_details(request: Request) -> bool:
    """True for a valid session or bearer token that may read the jobs; never raises for anonymous."""
    if not request.cookies.get(SESSION_COOKIE) and not request.headers.get("authorization"):
        return False
    try:
        with Session(request.app.state.engine, expire_on_commit=False) as session:
            actor = staff_or_token(request, session, request.app.state.clock.now())
    except (LoginRequired, HTTPException, SQLAlchemyError):
        return False
    return actor.can(Permission.jobs_read)


@router.get(
    "/healthz",
    summary="Whether the service is up; with jobs:read, the database state and scheduler lease holder too",
)
def healthz(request: Request) -> JSONResponse:
    try:
        with request.app.state.engine.connect() as connection:
            connection.execute(text("SELECT 1"))
    except SQLAlchemyError:
        return JSONResponse({"status": "unavailable"}, status_code=503)
    body: dict[str, Any] = {"status": "ok"}
    if not _may_see_details(request):
        return JSONResponse(body)
    body["database"] = "ok"
    try:
        body["scheduler"] = _scheduler_status(request)
    except (ImportError, SQLAlchemyError):
        body["scheduler"] = None
    return JSONResponse(body)
