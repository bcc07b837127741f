"""/docs and /openapi.json behind sign-in.

Every route needs a session or a token except health and login, and the API description is no
exception. FastAPI's Swagger UI would load its script and styles from a CDN, which this product never
uses, so /docs is a plain server-rendered index of the OpenAPI document instead. /openapi.json also
accepts a bearer token, so an integrator's tooling can fetch it without a browser session.
"""

from __future__ import annotations

from typing import Any

from fastapi import Depends, Request
from fastapi.responses import JSONResponse, Response

from provider.db.session import SessionDep
from provider.security.actor import Actor
from provider.web.csrf import html_router
from provider.web.deps import NowDep, PageActor, api_actor, session_actor
from provider.web.rendering import render

router = html_router()
METHODS = ("get", "post", "put", "patch", "delete")
CONSTRAINTS = (
    "minLength",
    "maxLength",
    "minimum",
    "maximum",
    "exclusiveMinimum",
    "exclusiveMaximum",
    "maxItems",
    "format",
    "pattern",
)


def staff_or_token(request: Request, session: SessionDep, now: NowDep) -> Actor:
    """A bearer token when one is sent (401 if it is bad), otherwise a signed-in staff session."""
    if request.headers.get("authorization", "").lower().startswith("bearer "):
        return api_actor(request, session, now)
    return session_actor(request, session, now)


def describe(schema: dict[str, Any]) -> str:
    """A short human reading of a JSON schema: 'string ≤ 200', 'array of Breach', 'integer | null'."""
    if "$ref" in schema:
        return schema["$ref"].rsplit("/", 1)[-1]
    if "anyOf" in schema:
        return " | ".join(describe(option) for option in schema["anyOf"])
    if "enum" in schema:
        return "one of " + ", ".join(str(value) for value in schema["enum"])
    kind = schema.get("type", "any")
    if kind == "array":
        return "array of " + describe(schema.get("items", {}))
    limits = [f"{name} {schema[name]}" for name in CONSTRAINTS if name in schema]
    return kind + (f" ({', '.join(limits)})" if limits else "")


def _operation(path: str, method: str, operation: dict[str, Any]) -> dict[str, Any]:
    parameters = [
        {
            "name": p["name"],
            "in": p["in"],
            "required": p.get("required", False),
            "type": describe(p.get("schema", {})),
            "description": p.get("description", ""),
        }
        for p in operation.get("parameters", [])
    ]
    body = operation.get("requestBody", {}).get("content", {})
    body_schema = next(iter(body.values()), {}).get("schema") if body else None
    return {
        "method": method.upper(),
        "path": path,
        "summary": operation.get("summary", ""),
        "description": operation.get("description", ""),
        "parameters": parameters,
        "body": describe(body_schema) if body_schema else "",
        "responses": sorted(operation.get("responses", {})),
        "anchor": f"{method}-{path}".replace("/", "-").replace("{", "").replace("}", ""),
    }


def operations_by_tag(document: dict[str, Any]) -> dict[str, list[dict[str, Any]]]:
    grouped: dict[str, list[dict[str, Any]]] = {}
    for path, item in sorted(document.get("paths", {}).items()):
        for method in METHODS:
            if method in item:
                tag = (item[method].get("tags") or ["other"])[0]
                grouped.setdefault(tag, []).append(_operation(path, method, item[method]))
    return dict(sorted(grouped.items()))


def schemas(document: dict[str, Any]) -> list[dict[str, Any]]:
    result = []
    for name, schema in sorted(document.get("components", {}).get("schemas", {}).items()):
        required = set(schema.get("required", []))
        fields = [
            {
                "name": field,
                "type": describe(spec),
                "required": field in required,
                "description": spec.get("description", ""),
            }
            for field, spec in schema.get("properties", {}).items()
        ]
        result.append({"name": name, "fields": fields, "description": schema.get("description", "")})
    return result


@router.get("/openapi.json")
def openapi_document(request: Request, _actor: Actor = Depends(staff_or_token)) -> JSONResponse:
    """The OpenAPI 3 description of /api/v1."""
    return JSONResponse(request.app.openapi())


@router.get("/docs")
def docs_page(request: Request, _actor: PageActor) -> Response:
    """The API reference, rendered on the server from the OpenAPI document."""
    document = request.app.openapi()
    return render(
        request,
        "docs/index.html",
        {"info": document.get("info", {}), "tags": operations_by_tag(document), "schemas": schemas(document)},
    )
