"""Walking every route of the app, so platform-wide tests cover routes added later without being edited.

A route's required permission is read from its dependencies: `api_permission(P)` and `page_permission(P)`
each build a `check` closure over `permission`, so the walk finds P without anyone listing it.
"""

from __future__ import annotations

import inspect
import re
import types
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any, Union, get_args, get_origin

from fastapi import FastAPI
from fastapi.dependencies.models import Dependant

from provider.security.roles import Permission

UNSAFE = {"POST", "PUT", "PATCH", "DELETE"}
PATH_PARAMETER = re.compile(r"{([^}:]+)(:[^}]+)?}")
# Open by design: load balancers, and the way in. /static is a mount, not a route.
PUBLIC = {("GET", "/healthz"), ("GET", "/login"), ("POST", "/login"), ("GET", "/login/mfa")}
# The public information about caller ID services that PECR reg 12 requires (provider.line_identification).
PUBLIC |= {("GET", "/caller-id")}
# Outside /api/ yet readable with a token too, so integrators' tools can fetch the API description.
TOKEN_OR_SESSION = {("GET", "/openapi.json")}


@dataclass(frozen=True)
class Endpoint:
    method: str
    path: str
    dependant: Dependant
    has_body: bool

    @property
    def is_api(self) -> bool:
        return self.path.startswith("/api/")

    @property
    def unsafe(self) -> bool:
        return self.method in UNSAFE

    def url(self, value: object = 1) -> str:
        return PATH_PARAMETER.sub(str(value), self.path)

    def __str__(self) -> str:
        return f"{self.method} {self.path}"


def _route_contexts(app: FastAPI) -> Iterator[Any]:
    try:
        from fastapi.routing import iter_route_contexts
    except ImportError:  # FastAPI before included routers were kept as such
        yield from app.routes
        return
    yield from iter_route_contexts(app.routes)


def endpoints(app: FastAPI) -> list[Endpoint]:
    found = []
    for route in _route_contexts(app):
        dependant = getattr(route, "dependant", None)
        if dependant is None:
            continue  # mounts (/static) and plain Starlette routes
        for method in sorted(route.methods or ()):
            if method == "HEAD":
                continue
            found.append(Endpoint(method, route.path, dependant, getattr(route, "body_field", None) is not None))
    return found


def _sub_dependants(dependant: Dependant) -> Iterator[Dependant]:
    for sub in dependant.dependencies:
        yield sub
        yield from _sub_dependants(sub)


def required_permissions(endpoint: Endpoint) -> set[Permission]:
    permissions = set()
    for sub in _sub_dependants(endpoint.dependant):
        if sub.call is None or not inspect.isfunction(sub.call):
            continue
        permission = inspect.getclosurevars(sub.call).nonlocals.get("permission")
        if isinstance(permission, Permission):
            permissions.add(permission)
    return permissions


def _has_bound(metadata: list[Any], *names: str) -> bool:
    return any(getattr(item, name, None) is not None for item in metadata for name in names)


def _base_type(annotation: Any) -> Any:
    """`str | None` -> str; Annotated and Optional peeled off."""
    origin = get_origin(annotation)
    if origin in (Union, types.UnionType):
        options = [arg for arg in get_args(annotation) if arg is not type(None)]
        return _base_type(options[0]) if len(options) == 1 else annotation
    return annotation


def unbounded_parameters(endpoint: Endpoint) -> list[str]:
    """Declared query/path/form/header/cookie parameters a client could make arbitrarily large."""
    problems = []
    dependants = [endpoint.dependant, *_sub_dependants(endpoint.dependant)]
    for dependant in dependants:
        fields = (
            dependant.query_params
            + dependant.path_params
            + dependant.header_params
            + dependant.cookie_params
            + dependant.body_params
        )
        for field in fields:
            info = field.field_info
            kind = _base_type(info.annotation)
            if kind is str and not _has_bound(info.metadata, "max_length"):
                problems.append(f"{endpoint}: {field.name} is a string without max_length")
            if kind is int and not _has_bound(info.metadata, "le", "lt"):
                problems.append(f"{endpoint}: {field.name} is an integer without an upper bound")
            if get_origin(kind) is list and not _has_bound(info.metadata, "max_length"):
                problems.append(f"{endpoint}: {field.name} is a list without max_length")
    return problems
