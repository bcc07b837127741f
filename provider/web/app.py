"""The composition root for HTTP: builds the FastAPI app from every package's routers."""

from __future__ import annotations

from pathlib import Path

from fastapi import FastAPI, Request
from fastapi.responses import RedirectResponse, Response
from fastapi.staticfiles import StaticFiles
from sqlalchemy import Engine

from provider.clock import Clock, SystemClock
from provider.db.engine import make_engine
from provider.settings import Settings, get_settings
from provider.web import health, login_views
from provider.web.deps import LoginRequired
from provider.web.problems import install_handlers
from provider.web.rendering import NavItem, build_templates

WEB = Path(__file__).parent


def _template_folders() -> list[Path]:
    """Each package keeps its own templates/ folder; names are namespaced by sub-folder."""
    import breach
    import provider

    roots = [Path(provider.__file__).parent, Path(breach.__file__).parent]
    return [WEB / "templates"] + sorted(
        p for root in roots for p in root.rglob("templates") if p.is_dir() and p != WEB / "templates"
    )


def create_app(
    settings: Settings | None = None, clock: Clock | None = None, engine: Engine | None = None,
    *, embed_scheduler: bool = False,
) -> FastAPI:
    settings = settings or get_settings()
    app = FastAPI(
        title="pecr",
        summary="PECR compliance platform for UK communications providers",
        version="0.1.0",
        openapi_url="/openapi.json",
        docs_url="/docs",
        redoc_url=None,
    )
    app.state.settings = settings
    app.state.clock = clock or SystemClock()
    app.state.engine = engine or make_engine(settings.database_url)
    app.state.templates = build_templates(_template_folders())
    app.state.nav = [NavItem("Dashboard", "/")]
    app.state.panels = []
    install_handlers(app)

    @app.exception_handler(LoginRequired)
    async def _login_required(request: Request, exc: LoginRequired) -> Response:
        target = "/login/mfa" if exc.mfa_pending else "/login"
        return RedirectResponse(target, status_code=303)

    app.mount("/static", StaticFiles(directory=WEB / "static"), name="static")
    app.include_router(health.router)
    app.include_router(login_views.router)
    _include_domains(app)
    if embed_scheduler:
        from provider.scheduler.embedded import attach

        attach(app)
    return app


def _include_domains(app: FastAPI) -> None:
    """Every package's API and page routers, and its entries in the navigation."""
    from provider.web import dashboard

    app.include_router(dashboard.router)
