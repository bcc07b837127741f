"""The OpenAPI description as a client needs it: the bearer scheme, and every error as a problem.

FastAPI describes each route's success response and a 422 of its own shape. This adds, to every
operation under /api/, the `bearer` security requirement and the problem responses it can give
(`application/problem+json`, schema `Problem`, whose `type` lists each kind's URI):

- 401 and 403 on every operation (no or bad token; scope or role lacking);
- 404 where the path has a parameter (no record with that id); 405 nowhere (see `OPTIONS`);
- 422 where there are parameters or a body; 400 and 413 where there is a body;
- 409 on operations that change something; 503 on all (the database cannot be reached);
- any other error status a route declares itself (a 404 for a number in the body), with its own words.
"""

from __future__ import annotations

from typing import Any

from fastapi import FastAPI
from fastapi.openapi.utils import get_openapi

from provider.web.fast_json import body_schemas
from provider.web.problem_types import BY_STATUS, KINDS, Problem, ProblemFieldError

PROBLEM_REF = {"$ref": "#/components/schemas/Problem"}
BEARER = {
    "type": "http",
    "scheme": "bearer",
    "description": "An API token (`pecr_…`) created by an administrator at /admin/tokens; it acts as its "
    "account, narrowed to its scopes.",
}
CHANGING = {"post", "put", "patch", "delete"}
OPERATIONS = ("get", "post", "put", "patch", "delete")


def _problem_response(status: int) -> dict[str, Any]:
    kind = BY_STATUS[status]
    return {
        "description": f"{kind.title}: {kind.meaning} (`type` {kind.uri})",
        "content": {"application/problem+json": {"schema": PROBLEM_REF}},
    }


def error_statuses(path: str, method: str, operation: dict[str, Any]) -> list[int]:
    has_body = "requestBody" in operation
    statuses = [401, 403, 503]
    if "{" in path:
        statuses.append(404)
    if has_body or operation.get("parameters"):
        statuses.append(422)
    if has_body:
        statuses += [400, 413]
    if method in CHANGING:
        statuses.append(409)
    return sorted(statuses)


def _document_errors(path: str, method: str, operation: dict[str, Any]) -> None:
    responses = operation.setdefault("responses", {})
    declared = {int(code) for code in responses if code.isdigit() and int(code) >= 400 and int(code) in BY_STATUS}
    for status in sorted(declared | set(error_statuses(path, method, operation))):
        problem = _problem_response(status)
        if status in declared and status != 422 and responses[str(status)].get("description"):
            problem["description"] = responses[str(status)]["description"]
        responses[str(status)] = problem
    operation["security"] = [{"bearer": []}]


def _schemas() -> dict[str, Any]:
    schema = Problem.model_json_schema(ref_template="#/components/schemas/{model}")
    definitions = schema.pop("$defs", {})
    return {
        "Problem": schema,
        "ProblemFieldError": definitions.get("ProblemFieldError") or ProblemFieldError.model_json_schema(),
    }


def build(app: FastAPI) -> dict[str, Any]:
    document = get_openapi(
        title=app.title,
        version=app.version,
        summary=app.summary,
        description=_description(),
        routes=app.routes,
    )
    components = document.setdefault("components", {})
    components.setdefault("securitySchemes", {})["bearer"] = BEARER
    schemas = components.setdefault("schemas", {})
    schemas.update(_schemas())
    for name, schema in body_schemas().items():
        if schemas.setdefault(name, schema) != schema:
            raise RuntimeError(f"two request bodies are documented as {name}")
    for name in ("HTTPValidationError", "ValidationError"):
        schemas.pop(name, None)
    for path, item in document.get("paths", {}).items():
        for method in OPERATIONS:
            if method in item and path.startswith("/api/"):
                _document_errors(path, method, item[method])
    return document


def _description() -> str:
    kinds = "\n".join(f"- `{kind.uri}` ({kind.status}): {kind.meaning}" for kind in KINDS)
    return (
        "Every /api/v1 operation needs `Authorization: Bearer <token>`. Errors are RFC 9457 problem "
        "details (`application/problem+json`); switch on `type`, one of:\n\n" + kinds + "\n\n"
        "`OPTIONS` on any path answers 204 with an `Allow` header listing its methods."
    )


def install(app: FastAPI) -> None:
    def openapi() -> dict[str, Any]:
        if app.openapi_schema is None:
            app.openapi_schema = build(app)
        return app.openapi_schema

    app.openapi = openapi  # type: ignore[method-assign]
