"""One error shape for the JSON API: RFC 9457 problem details, naming the field and the reason.

HTML routes get the same errors rendered as a page. A catch-all handler keeps an unexpected error a
plain 500 problem without internals; the test suite holds that no bad input ever reaches it.
"""

from __future__ import annotations

import logging
from typing import Any

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse, Response
from sqlalchemy.exc import DBAPIError, OperationalError
from sqlalchemy.exc import TimeoutError as PoolTimeout
from starlette.exceptions import HTTPException as StarletteHTTPException

from provider.errors import DomainError, FieldError
from provider.text import explain
from provider.web.problem_types import uri_for

logger = logging.getLogger("pecr.web")
PROBLEM_JSON = "application/problem+json"


def is_api(request: Request) -> bool:
    return request.url.path.startswith("/api/")


def problem(
    status: int,
    title: str,
    detail: str = "",
    errors: list[FieldError] | None = None,
    headers: dict[str, str] | None = None,
    kind: str | None = None,
) -> JSONResponse:
    """A problem response; its `type` is the URI of `kind` (provider.web.problem_types), or of the status."""
    body: dict[str, Any] = {"type": uri_for(status, kind), "title": title, "status": status}
    if detail:
        body["detail"] = detail
    if errors:
        body["errors"] = [{"field": e.field, "reason": e.reason} for e in errors]
    return JSONResponse(body, status_code=status, media_type=PROBLEM_JSON, headers=headers)


def _field_name(location: tuple[Any, ...] | list[Any]) -> str:
    parts = [str(p) for p in location]
    if parts and parts[0] in ("body", "query", "path", "header", "cookie") and len(parts) > 1:
        parts = parts[1:]
    return ".".join(parts) or "body"


def _reason(error: dict[str, Any]) -> str:
    return explain(error) or str(error.get("msg", "invalid"))


def validation_errors(exc: RequestValidationError) -> list[FieldError]:
    return [FieldError(_field_name(e.get("loc", ())), _reason(e)) for e in exc.errors()]


def _html_error(request: Request, status: int, title: str, detail: str) -> Response:
    from provider.web.rendering import render

    return render(request, "error.html", {"title": title, "detail": detail}, status_code=status)


def install_handlers(app: FastAPI) -> None:
    @app.exception_handler(RequestValidationError)
    async def _validation(request: Request, exc: RequestValidationError) -> Response:
        errors = validation_errors(exc)
        if is_api(request):
            return problem(422, "Validation failed", "the request does not match the schema", errors)
        detail = "; ".join(f"{e.field}: {e.reason}" for e in errors)
        return _html_error(request, 422, "Validation failed", detail)

    @app.exception_handler(DomainError)
    async def _domain(request: Request, exc: DomainError) -> Response:
        if is_api(request):
            return problem(exc.status, exc.title, exc.detail, exc.errors)
        return _html_error(request, exc.status, exc.title, exc.detail)

    @app.exception_handler(StarletteHTTPException)
    async def _http(request: Request, exc: StarletteHTTPException) -> Response:
        headers = dict(exc.headers or {})
        if is_api(request) or request.url.path.startswith("/healthz"):
            title = {401: "Unauthorised", 403: "Forbidden", 404: "Not found", 405: "Method not allowed"}
            return problem(exc.status_code, title.get(exc.status_code, "Error"), str(exc.detail), None, headers)
        if exc.status_code in (301, 302, 303, 307) and "location" in {k.lower() for k in headers}:
            return Response(status_code=exc.status_code, headers=headers)
        return _html_error(request, exc.status_code, "Error", str(exc.detail))

    @app.exception_handler(Exception)
    async def _unexpected(request: Request, _exc: Exception) -> Response:
        logger.exception("unhandled error on %s %s", request.method, request.url.path)
        return _internal(request)

    app.add_exception_handler(DBAPIError, _database)
    app.add_exception_handler(PoolTimeout, _pool_timeout)


async def _database(request: Request, exc: DBAPIError) -> Response:
    if exc.connection_invalidated or is_unreachable(exc):
        logger.error("database unreachable on %s %s: %s", request.method, request.url.path, type(exc.orig).__name__)
        return _unavailable(request)
    log_database_error(request, exc)
    return _internal(request)


async def _pool_timeout(request: Request, _exc: PoolTimeout) -> Response:
    logger.error("no database connection free on %s %s within the pool timeout", request.method, request.url.path)
    return _unavailable(request)


def _internal(request: Request) -> Response:
    if is_api(request):
        return problem(500, "Internal error", "an unexpected error was logged")
    return Response("Internal error", status_code=500, media_type="text/plain")


RETRY_SECONDS = "5"


def _unavailable(request: Request) -> Response:
    headers = {"Retry-After": RETRY_SECONDS}
    detail = "the database cannot be reached; nothing was changed by this request, try again shortly"
    if is_api(request) or request.url.path.startswith("/healthz"):
        return problem(503, "Service unavailable", detail, headers=headers, kind="unavailable")
    response = _html_error(request, 503, "Service unavailable", detail)
    response.headers.update(headers)
    return response


def is_unreachable(exc: DBAPIError) -> bool:
    """A lost or refused connection, a timeout or a lock wait given up (OperationalError on both drivers):
    the database is not answering, as opposed to a statement it refused (a bug: 500)."""
    return isinstance(exc, OperationalError)


def log_database_error(request: Request, exc: DBAPIError) -> None:
    """Log the failing statement and the driver's error class and SQLSTATE, never its message: PostgreSQL
    echoes row values in it ("Failing row contains ..."), and those are personal data."""
    state = getattr(getattr(exc.orig, "diag", None), "sqlstate", None) or getattr(exc.orig, "sqlstate", None)
    logger.error(
        "database error on %s %s: %s (SQLSTATE %s) in: %s",
        request.method,
        request.url.path,
        type(exc.orig).__name__,
        state or "-",
        " ".join(str(exc.statement or "").split())[:500],
    )
