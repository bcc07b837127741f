"""Login, multi-factor check and logout: the only pages open without a session."""

from __future__ import annotations

from typing import Annotated

from fastapi import Form, Request
from fastapi.responses import Response

from provider.db.session import SessionDep
from provider.security import accounts, mfa, web_sessions
from provider.security.models import User
from provider.security.roles import Role
from provider.settings import Settings
from provider.text import Line
from provider.web.csrf import html_router
from provider.web.deps import SESSION_COOKIE, SETUP_REASONS, NowDep, SettingsDep, setup_pending
from provider.web.forms import PageForm
from provider.web.rendering import redirect, render

router = html_router()
# Sign-in records each failure (towards lock-out) before answering, so it commits rather than use `submit`.
LOGIN_FORM = PageForm(labels={"username": "Username", "password": "Password"})
CODE_FORM = PageForm(labels={"code": "Verification code"})


def _set_session_cookie(request: Request, response: Response, secret: str, hours: int) -> None:
    response.set_cookie(
        SESSION_COOKIE,
        secret,
        max_age=hours * 3600,
        httponly=True,
        samesite="lax",
        secure=request.url.scheme == "https",
    )


def login_refused(settings: Settings) -> str:
    """One message for every refusal (unknown user, wrong password, disabled or locked account), so the
    answer never tells which usernames exist or which accounts are locked."""
    return (
        "The username or password is not correct, or the account is locked: after "
        f"{settings.login_max_failures} failed attempts it is locked for "
        f"{settings.login_lockout_minutes} minutes."
    )


@router.get("/login")
def login_page(request: Request) -> Response:
    return render(request, "login.html", {"errors": [], "username": ""})


@router.post("/login")
def login_submit(
    request: Request,
    session: SessionDep,
    settings: SettingsDep,
    now: NowDep,
    username: Annotated[Line, Form(max_length=64)] = "",
    password: Annotated[Line, Form(max_length=1024)] = "",
) -> Response:
    result = accounts.authenticate(
        session,
        username=username,
        password=password,
        now=now,
        max_failures=settings.login_max_failures,
        lockout_minutes=settings.login_lockout_minutes,
    )
    if not result.ok:
        session.commit()
        return render(
            request,
            "login.html",
            {"errors": [LOGIN_FORM.error("username", login_refused(settings))], "username": username},
            status_code=401,
        )
    user = result.user
    secret = web_sessions.start_session(
        session, user=user, now=now, hours=settings.session_hours, mfa_passed=not user.totp_enabled
    )
    session.commit()
    response = _after_sign_in(request, user, settings) if not user.totp_enabled else redirect(request, "/login/mfa")
    _set_session_cookie(request, response, secret, settings.session_hours)
    return response


def _after_sign_in(request: Request, user: User, settings: Settings) -> Response:
    """The dashboard, unless the account has set-up to do first (its own password, two-step verification
    for administrators): then the account page, saying why. An administrator without two-step
    verification is asked to set it up at every sign-in even where it is not required."""
    pending = setup_pending(user, settings)
    if pending:
        return redirect(request, "/account", SETUP_REASONS[pending])
    if Role(user.role) == Role.admin and not user.totp_enabled:
        return redirect(request, "/account", "Please set up two-step verification for this administrator account.")
    return redirect(request, "/")


@router.get("/login/mfa")
def mfa_page(request: Request) -> Response:
    return render(request, "login_mfa.html", {"errors": []})


@router.post("/login/mfa")
def mfa_submit(
    request: Request,
    session: SessionDep,
    settings: SettingsDep,
    now: NowDep,
    code: Annotated[Line, Form(max_length=12)] = "",
) -> Response:
    found = web_sessions.find_session(session, request.cookies.get(SESSION_COOKIE, ""), now)
    if found is None:
        return redirect(request, "/login")
    web_session, user = found
    if not mfa.verify_login_code(session, user=user, code=code, now=now, settings=settings):
        session.commit()
        return render(
            request,
            "login_mfa.html",
            {"errors": [CODE_FORM.error("code", "That code is not correct or has expired.")]},
            status_code=401,
        )
    web_sessions.mark_mfa_passed(session, web_session)
    session.commit()
    return _after_sign_in(request, user, settings)


@router.post("/logout")
def logout(request: Request, session: SessionDep, now: NowDep) -> Response:
    web_sessions.end_session(session, request.cookies.get(SESSION_COOKIE, ""), now)
    session.commit()
    response = redirect(request, "/login", "You have signed out.")
    response.delete_cookie(SESSION_COOKIE)
    return response
