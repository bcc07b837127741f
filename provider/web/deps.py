"""FastAPI dependencies shared by every package: settings, clock, and who is acting.

The JSON API authenticates with `Authorization: Bearer` tokens only; HTML pages with the session
cookie only. Keeping them apart means a browser's cookie can never drive the API (no CSRF there)
and a token can never open a page.
"""

from __future__ import annotations

from datetime import datetime
from typing import Annotated

from fastapi import Depends, HTTPException, Request

from provider.clock import Clock
from provider.db.session import SessionDep
from provider.security import tokens, web_sessions
from provider.security.actor import Actor, ActorKind
from provider.security.models import User
from provider.security.roles import Permission, Role, permissions_for
from provider.settings import Settings

SESSION_COOKIE = "pecr_session"


def get_settings_dep(request: Request) -> Settings:
    return request.app.state.settings


def get_clock(request: Request) -> Clock:
    return request.app.state.clock


def get_now(request: Request) -> datetime:
    return request.app.state.clock.now()


SettingsDep = Annotated[Settings, Depends(get_settings_dep)]
ClockDep = Annotated[Clock, Depends(get_clock)]
NowDep = Annotated[datetime, Depends(get_now)]


class LoginRequired(Exception):
    """An HTML page was asked for without a (fully verified) session."""

    def __init__(self, mfa_pending: bool = False) -> None:
        self.mfa_pending = mfa_pending


class AccountSetupRequired(Exception):
    """Signed in, but the account must first get its own password or two-step verification; only the
    account page (and signing out) opens until then."""

    def __init__(self, reason: str) -> None:
        self.reason = reason


# Pages open while an account's set-up is pending: the account page and what its forms post to.
SETUP_PATHS = ("/account", "/logout")
SETUP_REASONS = {
    "password": "Choose your own password: the one you were given was for your first sign-in only.",
    "mfa": "Set up two-step verification: administrators must use it before any other page opens.",
}


def setup_pending(user: User, settings: Settings) -> str | None:
    """What the account must do before it may use the platform: "password", "mfa" or None."""
    if user.must_change_password:
        return "password"
    if Role(user.role) == Role.admin and settings.admin_mfa_required and not user.totp_enabled:
        return "mfa"
    return None


def _bearer(request: Request) -> str | None:
    header = request.headers.get("authorization", "")
    scheme, _, value = header.partition(" ")
    if scheme.lower() != "bearer" or not value.strip():
        return None
    return value.strip()


def api_actor(request: Request, session: SessionDep, now: NowDep) -> Actor:
    secret = _bearer(request)
    actor = tokens.actor_for_token(session, secret, now) if secret else None
    if actor is None:
        raise HTTPException(401, "a valid bearer token is required", headers={"WWW-Authenticate": "Bearer"})
    request.state.actor = actor
    return actor


def session_actor(request: Request, session: SessionDep, now: NowDep) -> Actor:
    found = web_sessions.find_session(session, request.cookies.get(SESSION_COOKIE, ""), now)
    if found is None:
        raise LoginRequired()
    web_session, user = found
    if user.totp_enabled and not web_session.mfa_passed:
        raise LoginRequired(mfa_pending=True)
    pending = setup_pending(user, request.app.state.settings)
    if pending and not request.url.path.startswith(SETUP_PATHS):
        raise AccountSetupRequired(pending)
    role = Role(user.role)
    actor = Actor(
        kind=ActorKind.user, name=user.username, user_id=user.id, role=role, permissions=permissions_for(role)
    )
    request.state.actor = actor
    return actor


ApiActor = Annotated[Actor, Depends(api_actor)]
PageActor = Annotated[Actor, Depends(session_actor)]


def api_permission(permission: Permission):
    def check(actor: ApiActor) -> Actor:
        if not actor.can(permission):
            raise HTTPException(403, f"this token lacks the {permission.value} permission")
        return actor

    return Depends(check)


def page_permission(permission: Permission):
    def check(actor: PageActor) -> Actor:
        if not actor.can(permission):
            raise HTTPException(403, "your role does not allow this page")
        return actor

    return Depends(check)
