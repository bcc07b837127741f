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
    app.state.engine = engine or make_engine(settings.database_url)
    app.state.templates = build_templates(_template_folders())
    app.state.nav = [NavItem("Dashboard", "/")]
    app.state.panels = []
    install_handlers(app)

    @app.exception_handler(LoginRequired)
    async def _login_required(_request: Request, exc: LoginRequired) -> Response:
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
    from breach.log import api as breach_log_api
    from breach.log import views as breach_log_views
    from breach.reminders import api as reminder_api
    from breach.reminders import views as reminder_views
    from provider.security.roles import Permission

    for module in (breach_log_views, breach_log_api, reminder_views, reminder_api):
        app.include_router(module.router)
    app.state.nav += [
        NavItem("Breach log", "/breaches/log", Permission.breach_read),
        NavItem("Reminders", "/reminders", Permission.breach_read),
    ]
    from breach.notices import api as notices_api
    from breach.notices import views as notices_views

    app.include_router(notices_api.router)
    app.include_router(notices_views.router)
    from breach import api as breach_api

    app.include_router(breach_api.router)
    from breach import dashboard as breach_dashboard
    from breach import views as breach_views

    app.include_router(breach_views.router)
    app.state.nav.insert(1, NavItem("Breaches", "/breaches", Permission.breach_read))
    app.state.panels.append(breach_dashboard.PANEL)
    from breach.reminders import dashboard as reminder_dashboard

    app.state.panels.append(reminder_dashboard.PANEL)
    from provider.profile import api as profile_api
    from provider.profile import views as profile_views
    from provider.security.roles import Permission
    from provider.web import account_views, admin_api, admin_tokens, admin_views, audit_views, docs_routes

    for module in (
        account_views,
        admin_views,
        admin_tokens,
        admin_api,
        audit_views,
        profile_views,
        profile_api,
        docs_routes,
    ):
        app.include_router(module.router)
    app.state.nav += [
        NavItem("Provider profile", "/admin/profile", Permission.provider_read),
        NavItem("Audit", "/audit", Permission.audit_read),
        NavItem("Accounts", "/admin/users", Permission.admin),
        NavItem("API tokens", "/admin/tokens", Permission.admin),
        NavItem("API docs", "/docs"),
    ]
    from provider.scheduler import api as scheduler_api
    from provider.scheduler import views as scheduler_views

    app.include_router(scheduler_api.router)
    app.include_router(scheduler_views.router)
    app.state.nav.append(NavItem("Jobs", "/admin/jobs", Permission.jobs_read))
    from provider.subscribers import api as subscribers_api
    from provider.subscribers import views as subscribers_views

    app.include_router(subscribers_api.router)
    app.include_router(subscribers_views.router)
    app.state.nav.insert(1, NavItem("Subscribers", "/subscribers", Permission.subscribers_read))
    from provider.subscribers import dashboard as subscribers_dashboard

    app.state.panels.append(subscribers_dashboard.PANEL)  # a DashboardPanel for Permission.subscribers_read
