"""Template rendering with what every page needs: CSRF token, the acting user, navigation, flashes."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any
from urllib.parse import quote, unquote

from fastapi import Request
from fastapi.responses import HTMLResponse, RedirectResponse
from fastapi.templating import Jinja2Templates
from jinja2 import ChoiceLoader, FileSystemLoader

from provider.clock import format_local
from provider.security.roles import Permission
from provider.web.csrf import PRESESSION_COOKIE, csrf_token

FLASH_COOKIE = "pecr_flash"


@dataclass(frozen=True)
class NavItem:
    label: str
    href: str
    permission: Permission | None = None


def build_templates(folders: list[Path]) -> Jinja2Templates:
    templates = Jinja2Templates(directory=str(folders[0]))
    templates.env.loader = ChoiceLoader([FileSystemLoader(str(f)) for f in folders])
    templates.env.autoescape = True
    templates.env.filters["local"] = format_local
    return templates


def render(
    request: Request,
    name: str,
    context: dict[str, Any] | None = None,
    status_code: int = 200,
) -> HTMLResponse:
    actor = getattr(request.state, "actor", None)
    nav = [
        item
        for item in request.app.state.nav
        if actor is not None and (item.permission is None or actor.can(item.permission))
    ]
    page = {
        "request": request,
        "actor": actor,
        "nav": nav,
        "csrf_token": csrf_token(request),
        "flash": unquote(request.cookies.get(FLASH_COOKIE, "")),
        "zone": request.app.state.settings.zone,
    }
    page.update(context or {})
    response = request.app.state.templates.TemplateResponse(request, name, page, status_code=status_code)
    presession = getattr(request.state, "presession", None)
    if presession:
        response.set_cookie(
            PRESESSION_COOKIE, presession, httponly=True, samesite="lax", secure=request.url.scheme == "https"
        )
    if page["flash"]:
        response.delete_cookie(FLASH_COOKIE)
    return response


def redirect(request: Request, url: str, flash: str = "") -> RedirectResponse:
    """Post/redirect/get with an optional one-time message shown on the next page."""
    response = RedirectResponse(url, status_code=303)
    if flash:
        # Percent-encoded: cookie values are Latin-1 on the wire and the message may hold any character.
        response.set_cookie(
            FLASH_COOKIE, quote(flash[:300]), httponly=True, samesite="lax", secure=request.url.scheme == "https"
        )
    return response


@dataclass(frozen=True)
class DashboardPanel:
    """A package's box on the dashboard: `build(session=, now=, settings=)` returns the template data."""

    title: str
    template: str
    build: Any
    permission: Permission | None = None
