"""`OPTIONS` on any path: 204 with an `Allow` header naming the methods that path really has; a 405
carries the same header.

Answered before routing, for every path the app serves (API, pages, static files), without a session
or token: the methods of a path are in the OpenAPI already. A path no route matches is a 404.
"""

from __future__ import annotations

import json

from starlette.datastructures import MutableHeaders
from starlette.routing import Match, Mount
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from provider.web.problem_types import uri_for
from provider.web.problems import PROBLEM_JSON

PROBED = ("GET", "POST", "PUT", "PATCH", "DELETE")


def allowed_methods(app, scope: Scope) -> set[str]:
    """The methods some route fully matches for this path (probing each; routers nest, so the routes'
    own method lists are not at hand). A static mount serves GET and HEAD; routes serve no HEAD."""
    methods: set[str] = set()
    for method in PROBED:
        probe = {**scope, "method": method}
        for route in app.router.routes:
            if route.matches(probe)[0] != Match.FULL:
                continue
            if isinstance(route, Mount):
                return {"GET", "HEAD"}
            methods.add(method)
            break
    return methods


class AllowOnOptions:
    def __init__(self, app: ASGIApp, fastapi_app=None) -> None:
        self.app = app
        self.fastapi_app = fastapi_app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        if scope["method"] != "OPTIONS":
            await self.app(scope, receive, self._allow_on_405(scope, send))
            return
        methods = allowed_methods(self.fastapi_app, scope)
        if not methods:
            problem = {"type": uri_for(404), "title": "Not found", "status": 404, "detail": "no such path"}
            body = json.dumps(problem).encode()
            headers = [(b"content-type", PROBLEM_JSON.encode()), (b"content-length", str(len(body)).encode())]
            await send({"type": "http.response.start", "status": 404, "headers": headers})
            await send({"type": "http.response.body", "body": body})
            return
        await send({"type": "http.response.start", "status": 204, "headers": [(b"allow", _allow(methods))]})
        await send({"type": "http.response.body", "body": b""})

    def _allow_on_405(self, scope: Scope, send: Send) -> Send:
        """A 405 names the methods the path does allow (RFC 9110 requires `Allow` on it)."""

        async def sending(message: Message) -> None:
            if message["type"] == "http.response.start" and message["status"] == 405:
                headers = MutableHeaders(scope=message)
                headers["Allow"] = _allow(allowed_methods(self.fastapi_app, scope)).decode()
            await send(message)

        return sending


def _allow(methods: set[str]) -> bytes:
    return ", ".join(sorted(methods | {"OPTIONS"})).encode()
