"""/account: the signed-in person changes their password and sets up or removes two-step verification.

During TOTP enrolment the new seed exists in one place only: a hidden form field holding it encrypted
and authenticated (Fernet under a key derived for "totp-enrolment"), bound to the user and stamped with
the time it was issued. It is never in a URL, a cookie, a log or the database until the person proves
their authenticator works; an enrolment left unfinished simply expires.
"""

from __future__ import annotations

import json
from datetime import datetime, timedelta
from typing import Annotated

from fastapi import Form, Request
from fastapi.responses import Response

from provider.clock import ensure_utc
from provider.db.session import SessionDep
from provider.security import accounts, mfa, web_sessions
from provider.security.crypto import FieldCipher
from provider.security.models import User
from provider.security.passwords import MIN_PASSWORD_LENGTH, verify_password
from provider.security.roles import Role
from provider.settings import Settings
from provider.text import Line
from provider.web.csrf import html_router
from provider.web.deps import SESSION_COOKIE, NowDep, PageActor, SettingsDep, setup_pending
from provider.web.forms import FormError, FormInvalid, PageForm, submit
from provider.web.rendering import redirect, render

router = html_router(prefix="/account")
ENROLMENT_PURPOSE = "totp-enrolment"
ENROLMENT_MINUTES = 10
PasswordField = Annotated[Line, Form(max_length=1024)]
CodeField = Annotated[Line, Form(max_length=12)]
PASSWORD_FORM = PageForm(
    labels={
        "current_password": "Current password",
        "new_password": "New password",
        "confirm_password": "New password again",
    },
    renames={"password": "new_password"},
    unplaced="new_password",
)
CODE_FORM = PageForm(labels={"code": "Verification code"}, unplaced="code")


def _enrolment_cipher(settings: Settings) -> FieldCipher:
    return FieldCipher(settings.master_key_value(), ENROLMENT_PURPOSE)


def seal_enrolment(settings: Settings, *, user: User, seed: str, now: datetime) -> str:
    payload = json.dumps({"user": user.id, "seed": seed, "issued": now.isoformat()})
    return _enrolment_cipher(settings).encrypt(payload)


def open_enrolment(settings: Settings, *, user: User, sealed: str, now: datetime) -> str | None:
    """The pending seed, or None when the field was altered, belongs to someone else or has expired."""
    try:
        payload = json.loads(_enrolment_cipher(settings).decrypt(sealed))
        issued = ensure_utc(datetime.fromisoformat(payload["issued"]))
    except (ValueError, KeyError, TypeError):
        return None
    if payload.get("user") != user.id or not issued <= now <= issued + timedelta(minutes=ENROLMENT_MINUTES):
        return None
    return str(payload["seed"])


def _account_page(
    request: Request, user: User, errors: list[FormError] | None = None, status_code: int = 200
) -> Response:
    setup = setup_pending(user, request.app.state.settings)
    if setup is None and user.role == Role.admin and not user.totp_enabled:
        setup = "mfa-suggested"
    return render(
        request,
        "account/account.html",
        {"user": user, "errors": errors or [], "min_length": MIN_PASSWORD_LENGTH, "setup": setup},
        status_code=status_code,
    )


def _enrol_page(
    request: Request,
    *,
    user: User,
    seed: str,
    sealed: str,
    show_secret: bool,
    errors: list[FormError] | None = None,
    status_code: int = 200,
) -> Response:
    qr_svg = mfa.qr_svg(mfa.provisioning_uri(user, seed)) if show_secret else ""
    context = {
        "user": user,
        "errors": errors or [],
        "show_secret": show_secret,
        "secret": seed if show_secret else "",
        "qr_svg": qr_svg,
        "sealed": sealed,
        "minutes": ENROLMENT_MINUTES,
    }
    response = render(request, "account/mfa_enrol.html", context, status_code=status_code)
    response.headers["Cache-Control"] = "no-store"
    return response


@router.get("")
def account_page(request: Request, session: SessionDep, actor: PageActor) -> Response:
    """Who you are, your password and your two-step verification."""
    return _account_page(request, accounts.get_user(session, actor.user_id))


def _password_problems(user: User, current: str, new: str, confirm: str) -> list[FormError]:
    if not verify_password(user.password_hash, current):
        return [PASSWORD_FORM.error("current_password", "Your current password is not correct.")]
    errors = []
    if len(new) < MIN_PASSWORD_LENGTH:
        errors.append(
            PASSWORD_FORM.error("new_password", f"The new password must be at least {MIN_PASSWORD_LENGTH} characters.")
        )
    elif new == current:
        errors.append(PASSWORD_FORM.error("new_password", "The new password must differ from the current one."))
    if new != confirm:
        errors.append(PASSWORD_FORM.error("confirm_password", "The two new passwords do not match."))
    return errors


@router.post("/password")
def change_password(
    request: Request,
    session: SessionDep,
    now: NowDep,
    actor: PageActor,
    current_password: PasswordField = "",
    new_password: PasswordField = "",
    confirm_password: PasswordField = "",
) -> Response:
    """Change your own password after proving you know the current one; other sessions end."""
    user = accounts.get_user(session, actor.user_id)

    def change() -> None:
        problems = _password_problems(user, current_password, new_password, confirm_password)
        if problems:
            raise FormInvalid(problems)
        accounts.set_password(
            session,
            actor=actor,
            now=now,
            user=user,
            password=new_password,
            keep_session_secret=request.cookies.get(SESSION_COOKIE, ""),
        )

    return submit(
        session,
        PASSWORD_FORM,
        action=change,
        on_error=lambda errors, status: _account_page(request, user, errors, status),
        success=lambda _: redirect(
            request, "/account", "Your password was changed. Any other sessions were signed out."
        ),
    )


@router.post("/mfa/start")
def mfa_start(request: Request, session: SessionDep, settings: SettingsDep, now: NowDep, actor: PageActor) -> Response:
    """A new seed, shown once as a QR code and as text."""
    user = accounts.get_user(session, actor.user_id)
    if user.totp_enabled:
        return redirect(request, "/account", "Two-step verification is already on; turn it off first to change it.")
    seed = mfa.new_seed()
    sealed = seal_enrolment(settings, user=user, seed=seed, now=now)
    return _enrol_page(request, user=user, seed=seed, sealed=sealed, show_secret=True)


@router.post("/mfa/confirm")
def mfa_confirm(
    request: Request,
    session: SessionDep,
    settings: SettingsDep,
    now: NowDep,
    actor: PageActor,
    enrolment: Annotated[Line, Form(max_length=1000)] = "",
    code: CodeField = "",
) -> Response:
    """Turn two-step verification on once a code from the new seed checks out."""
    user = accounts.get_user(session, actor.user_id)
    if user.totp_enabled:
        return redirect(request, "/account", "Two-step verification is already on.")
    seed = open_enrolment(settings, user=user, sealed=enrolment, now=now)

    def confirm() -> None:
        if seed is None:
            raise CODE_FORM.invalid(
                "code", f"This set-up has expired (after {ENROLMENT_MINUTES} minutes). Start again."
            )
        if not mfa.enable(session, actor=actor, user=user, seed=seed, code=code, now=now, settings=settings):
            raise CODE_FORM.invalid(
                "code", "That code is not correct. Check the time on your device and try the next code."
            )
        # This session has just proved the second factor, so it stays signed in.
        found = web_sessions.find_session(session, request.cookies.get(SESSION_COOKIE, ""), now)
        if found is not None:
            web_sessions.mark_mfa_passed(session, found[0])

    def again(errors: list[FormError], status: int) -> Response:
        if seed is None:
            return _account_page(request, user, errors, status)
        # The same sealed seed goes back, so retrying never extends the set-up's lifetime.
        return _enrol_page(
            request, user=user, seed=seed, sealed=enrolment, show_secret=False, errors=errors, status_code=status
        )

    return submit(
        session,
        CODE_FORM,
        action=confirm,
        on_error=again,
        success=lambda _: redirect(
            request, "/account", "Two-step verification is on. You will be asked for a code at sign-in."
        ),
    )


@router.post("/mfa/disable")
def mfa_disable(
    request: Request,
    session: SessionDep,
    settings: SettingsDep,
    now: NowDep,
    actor: PageActor,
    code: CodeField = "",
) -> Response:
    """Turn two-step verification off; a current code is required, and wrong codes count towards lock-out."""
    user = accounts.get_user(session, actor.user_id)
    if not user.totp_enabled:
        return redirect(request, "/account")
    if not mfa.verify_login_code(session, user=user, code=code, now=now, settings=settings):
        session.commit()
        # The failed attempt counts towards lock-out, so it is committed, not rolled back.
        return _account_page(request, user, [CODE_FORM.error("code", "That code is not correct or has expired.")], 422)
    mfa.disable(session, actor=actor, user=user, now=now)
    session.commit()
    return redirect(request, "/account", "Two-step verification is off.")
