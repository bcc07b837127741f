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
from starlette.exceptions import HTTPException as StarletteHTTPException

from provider.errors import DomainError, FieldError
from provider.text import explain

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
) -> JSONResponse:
    body: dict[str, Any] = {"type": "about:blank", "title": title, "status": status}
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
        if is_api(request):
            return problem(500, "Internal error", "an unexpected error was logged")
        return Response("Internal error", status_code=500, media_type="text/plain")
