"""The composition root for HTTP: builds the FastAPI app from the manifests of `provider.domains`."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from fastapi import FastAPI, Request
from fastapi.responses import RedirectResponse, Response
from fastapi.staticfiles import StaticFiles
from sqlalchemy import Engine

from provider.clock import Clock, SystemClock
from provider.db.engine import make_engine
from provider.domains import import_registrations, manifests
from provider.manifest import Manifest, resolve
from provider.settings import Settings, get_settings
from provider.subscribers.panels import register_panel
from provider.web import openapi
from provider.web.deps import SETUP_REASONS, AccountSetupRequired, LoginRequired
from provider.web.headers import SecurityHeaders
from provider.web.limits import RequestLimits
from provider.web.options import AllowOnOptions
from provider.web.problems import install_handlers
from provider.web.rendering import DashboardPanel, NavItem, build_templates, redirect

WEB = Path(__file__).parent


def create_app(
    settings: Settings | None = None,
    clock: Clock | None = None,
    engine: Engine | None = None,
    *,
    embed_scheduler: bool = False,
) -> FastAPI:
    settings = settings or get_settings()
    app = FastAPI(
        title="pecr",
        summary="PECR compliance platform for UK communications providers",
        version="0.1.0",
        openapi_url=None,  # served behind sign-in by provider.web.docs_routes
        docs_url=None,
        redoc_url=None,
    )
    app.state.settings = settings
    app.state.clock = clock or SystemClock()
    app.state.engine = engine or make_engine(settings.database_url, connect_timeout=settings.database_connect_timeout)
    plugged_in = manifests()
    import_registrations()
    app.state.templates = build_templates([folder for manifest in plugged_in for folder in manifest.template_folders()])
    install_handlers(app)
    app.add_middleware(
        RequestLimits,
        max_body_bytes=settings.max_body_bytes,
        max_json_depth=settings.max_json_depth,
        body_timeout=settings.body_timeout_seconds,
    )
    openapi.install(app)
    app.add_middleware(AllowOnOptions, fastapi_app=app)
    _wrap_outermost(app, SecurityHeaders)

    @app.exception_handler(LoginRequired)
    async def _login_required(_request: Request, exc: LoginRequired) -> Response:
        target = "/login/mfa" if exc.mfa_pending else "/login"
        return RedirectResponse(target, status_code=303)

    @app.exception_handler(AccountSetupRequired)
    async def _setup_required(request: Request, exc: AccountSetupRequired) -> Response:
        return redirect(request, "/account", SETUP_REASONS[exc.reason])

    app.mount("/static", StaticFiles(directory=WEB / "static"), name="static")
    _plug_in(app, plugged_in)
    if embed_scheduler:
        from provider.scheduler.embedded import attach

        attach(app)
    return app


def _panels(found: DashboardPanel | Callable[[], list[DashboardPanel]]) -> list[DashboardPanel]:
    """A panel reference names one panel, or a function making them from what packages registered (the
    reminders box: one per owner kind's read permission)."""
    return [found] if isinstance(found, DashboardPanel) else list(found())


def _wrap_outermost(app: FastAPI, middleware: Callable) -> None:
    """Put `middleware` around the whole stack, Starlette's error middleware included, so even a 500 (and
    an OPTIONS answer) carries what it adds; `add_middleware` would place it inside."""
    build = app.build_middleware_stack
    app.build_middleware_stack = lambda: middleware(build())  # type: ignore[method-assign]


def offered_scopes(plugged_in: list[Manifest]) -> list[str]:
    """The API-token scopes worth offering: the permissions of packages that plug something in. A package
    reserved for a module not built yet (its manifest names permissions only) grants nothing to a token."""
    built = [m for m in plugged_in if m.routers or m.model_modules or m.job_modules]
    return [permission.value for manifest in built for permission in manifest.permissions]


def _plug_in(app: FastAPI, plugged_in: list[Manifest]) -> None:
    """Every package's routers (in manifest order), navigation and panels (each sorted by position)."""
    for manifest in plugged_in:
        for router in manifest.routers:
            app.include_router(resolve(router))
    links = sorted((link for manifest in plugged_in for link in manifest.navigation), key=lambda link: link.position)
    app.state.nav = [NavItem(link.label, link.href, link.permission) for link in links]
    app.state.scopes = offered_scopes(plugged_in)
    panels = sorted((panel for manifest in plugged_in for panel in manifest.dashboard_panels), key=lambda p: p.position)
    app.state.panels = [box for panel in panels for box in _panels(resolve(panel.panel))]
    for manifest in plugged_in:
        for panel in manifest.subscriber_panels:
            register_panel(app, resolve(panel))
