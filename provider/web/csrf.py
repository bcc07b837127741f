"""CSRF protection for every HTML form.

The token is an HMAC of the session cookie (or, before login, of a random pre-session cookie) under
the secret key: nothing extra to store, and a token lifted from one session is useless in another.
`html_router()` attaches the check to every unsafe method, so no form can be added without it.
"""

from __future__ import annotations

import hmac
import secrets
from typing import Any

from fastapi import APIRouter, Depends, HTTPException, Request

from provider.security.crypto import keyed_digest
from provider.web.deps import SESSION_COOKIE

PRESESSION_COOKIE = "pecr_presession"
FIELD = "csrf_token"
UNSAFE_METHODS = {"POST", "PUT", "PATCH", "DELETE"}


def _binding(request: Request) -> str:
    session_cookie = getattr(request.state, "new_session_cookie", None) or request.cookies.get(SESSION_COOKIE)
    if session_cookie:
        return "session:" + session_cookie
    presession = request.cookies.get(PRESESSION_COOKIE) or getattr(request.state, "presession", None)
    if not presession:
        presession = secrets.token_urlsafe(24)
        request.state.presession = presession
    return "anon:" + presession


def csrf_token(request: Request) -> str:
    return keyed_digest(request.app.state.settings.secret_key.get_secret_value(), "csrf:" + _binding(request))


async def verify_csrf(request: Request) -> None:
    if request.method not in UNSAFE_METHODS:
        return
    submitted: Any = request.headers.get("x-csrf-token")
    if not submitted:
        content_type = request.headers.get("content-type", "")
        if content_type.startswith(("application/x-www-form-urlencoded", "multipart/form-data")):
            submitted = (await request.form()).get(FIELD)
    expected = csrf_token(request)
    if not isinstance(submitted, str) or not hmac.compare_digest(submitted, expected):
        raise HTTPException(403, "the form's security token is missing or stale; reload the page and retry")


def html_router(**kwargs: Any) -> APIRouter:
    """An APIRouter for HTML pages: CSRF checked on every unsafe method, kept out of the OpenAPI."""
    dependencies = list(kwargs.pop("dependencies", [])) + [Depends(verify_csrf)]
    return APIRouter(dependencies=dependencies, include_in_schema=False, **kwargs)
