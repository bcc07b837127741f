"""/admin/users: administrators create staff accounts, change roles, reset passwords, disable and enable.

Every change goes through provider.security.accounts, which audits it. Disabling an account ends its
web sessions and stops its API tokens at once, because both are checked against the account on every
request. The last active administrator can be neither demoted nor disabled, or nobody could fix it.
"""

from __future__ import annotations

from datetime import datetime
from typing import Annotated

from email_validator import EmailNotValidError, validate_email
from fastapi import Form, Request
from fastapi.responses import Response
from sqlalchemy import func
from sqlmodel import Session, select

from provider.db.session import SessionDep
from provider.errors import invalid
from provider.security import accounts, mfa
from provider.security.actor import Actor
from provider.security.models import User
from provider.security.passwords import MIN_PASSWORD_LENGTH
from provider.security.roles import Permission, Role
from provider.text import Line
from provider.web.csrf import html_router
from provider.web.deps import NowDep, page_permission
from provider.web.forms import FormError, PageForm, submit
from provider.web.paths import UserPath
from provider.web.rendering import redirect, render

router = html_router(prefix="/admin/users")
AdminActor = Annotated[Actor, page_permission(Permission.admin)]
ROLE_OPTIONS = [(role.value, role.value.replace("_", " ")) for role in Role]
Errors = list[FormError]
LABELS = {"username": "Username", "full_name": "Full name", "email": "E-mail", "role": "Role"}
NEW_USER_FORM = PageForm(labels={**LABELS, "password": "Initial password"}, choices=("role",), unplaced="username")
USER_FORM = PageForm(labels=LABELS, choices=("role",), unplaced="role")
ACTIVE_FORM = PageForm(labels={"active": "Account state"}, renames={"is_active": "active"}, unplaced="active")
PASSWORD_FORM = PageForm(labels={"password": "New password"}, unplaced="password")


def check_email(email: str) -> str:
    email = email.strip()
    if not email:
        return ""
    try:
        return validate_email(email, check_deliverability=False).normalized
    except EmailNotValidError as error:
        raise invalid("email", str(error)) from error


def _active_admins(session: Session) -> int:
    statement = select(func.count()).select_from(User).where(User.role == Role.admin, User.is_active.is_(True))
    return session.exec(statement).one()


def guard_last_admin(session: Session, *, user: User, role: str | None = None, is_active: bool | None = None) -> None:
    """Refuse a change that would leave no active administrator."""
    stays_admin = (role is None or role == Role.admin) and is_active is not False
    if user.role == Role.admin and user.is_active and not stays_admin and _active_admins(session) <= 1:
        field = "role" if role is not None else "is_active"
        raise invalid(field, "this is the last active administrator: make another administrator first")


@router.get("")
def users_list(request: Request, session: SessionDep, _actor: AdminActor) -> Response:
    """Every staff account with its role and state."""
    users = list(session.exec(select(User).order_by(User.username)))
    return render(request, "admin/users.html", {"users": users})


def _new_user_page(request: Request, values: dict[str, str], errors: Errors, status_code: int = 200) -> Response:
    return render(
        request,
        "admin/user_new.html",
        {"values": values, "errors": errors, "roles": ROLE_OPTIONS, "min_length": MIN_PASSWORD_LENGTH},
        status_code=status_code,
    )


@router.get("/new")
def user_new(request: Request, _actor: AdminActor) -> Response:
    """The form for a new account."""
    return _new_user_page(request, {"role": Role.agent.value}, [])


@router.post("")
def user_create(
    request: Request,
    session: SessionDep,
    now: NowDep,
    actor: AdminActor,
    username: Annotated[Line, Form(max_length=64)] = "",
    full_name: Annotated[Line, Form(max_length=200)] = "",
    email: Annotated[Line, Form(max_length=254)] = "",
    role: Annotated[Line, Form(max_length=32)] = "",
    password: Annotated[Line, Form(max_length=1024)] = "",
) -> Response:
    """Create the account with an initial password the person should change at first sign-in."""
    values = {"username": username, "full_name": full_name, "email": email, "role": role}

    def create() -> User:
        return accounts.create_user(
            session,
            actor=actor,
            now=now,
            username=username,
            password=password,
            role=role,
            full_name=full_name,
            email=check_email(email),
            must_change_password=True,
        )

    return submit(
        session,
        NEW_USER_FORM,
        action=create,
        on_error=lambda errors, status: _new_user_page(request, values, errors, status),
        success=lambda user: redirect(request, f"/admin/users/{user.id}", f"Account {user.username} created."),
        conflict_status=422,
    )


def _user_page(
    request: Request, user: User, errors: Errors, values: dict[str, str] | None = None, status_code: int = 200
) -> Response:
    values = values or {"full_name": user.full_name, "email": user.email, "role": user.role}
    return render(
        request,
        "admin/user.html",
        {"user": user, "values": values, "errors": errors, "roles": ROLE_OPTIONS, "min_length": MIN_PASSWORD_LENGTH},
        status_code=status_code,
    )


@router.get("/{user_id:int}")
def user_detail(request: Request, _actor: AdminActor, user: UserPath) -> Response:
    """One account: details, role, password reset, two-step verification, enable or disable."""
    return _user_page(request, user, [])


@router.post("/{user_id:int}")
def user_update(
    request: Request,
    session: SessionDep,
    now: NowDep,
    actor: AdminActor,
    user: UserPath,
    full_name: Annotated[Line, Form(max_length=200)] = "",
    email: Annotated[Line, Form(max_length=254)] = "",
    role: Annotated[Line, Form(max_length=32)] = "",
) -> Response:
    """Change name, e-mail and role."""
    values = {"full_name": full_name, "email": email, "role": role}

    def update() -> None:
        guard_last_admin(session, user=user, role=role)
        accounts.update_user(
            session, actor=actor, now=now, user=user, role=role, full_name=full_name, email=check_email(email)
        )

    return submit(
        session,
        USER_FORM,
        action=update,
        on_error=lambda errors, status: _user_page(request, user, errors, values, status),
        success=lambda _: redirect(request, f"/admin/users/{user.id}", f"Account {user.username} updated."),
        conflict_status=422,
    )


def _set_active(session: Session, *, actor: Actor, now: datetime, user: User, active: str) -> None:
    if active not in ("yes", "no"):
        raise ACTIVE_FORM.invalid("active", "Choose to enable or to disable the account")
    guard_last_admin(session, user=user, is_active=active == "yes")
    accounts.update_user(session, actor=actor, now=now, user=user, is_active=active == "yes")


@router.post("/{user_id:int}/active")
def user_set_active(
    request: Request,
    session: SessionDep,
    now: NowDep,
    actor: AdminActor,
    user: UserPath,
    active: Annotated[Line, Form(max_length=8)] = "",
) -> Response:
    """Disable (sessions and tokens stop at once) or enable again."""
    return submit(
        session,
        ACTIVE_FORM,
        action=lambda: _set_active(session, actor=actor, now=now, user=user, active=active),
        on_error=lambda errors, status: _user_page(request, user, errors, status_code=status),
        success=lambda _: redirect(
            request,
            f"/admin/users/{user.id}",
            f"Account {user.username} {'enabled' if user.is_active else 'disabled'}.",
        ),
        conflict_status=422,
    )


@router.post("/{user_id:int}/password")
def user_password(
    request: Request,
    session: SessionDep,
    now: NowDep,
    actor: AdminActor,
    user: UserPath,
    password: Annotated[Line, Form(max_length=1024)] = "",
) -> Response:
    """Set a new password for someone who has lost theirs (tell them to change it after signing in)."""
    return submit(
        session,
        PASSWORD_FORM,
        action=lambda: accounts.set_password(session, actor=actor, now=now, user=user, password=password),
        on_error=lambda errors, status: _user_page(request, user, errors, status_code=status),
        success=lambda _: redirect(request, f"/admin/users/{user.id}", f"New password set for {user.username}."),
        conflict_status=422,
    )


@router.post("/{user_id:int}/mfa-reset")
def user_mfa_reset(request: Request, session: SessionDep, now: NowDep, actor: AdminActor, user: UserPath) -> Response:
    """Turn off two-step verification for someone who lost their device, so they can enrol again."""
    if user.totp_enabled:
        mfa.disable(session, actor=actor, user=user, now=now)
        session.commit()
    return redirect(request, f"/admin/users/{user.id}", f"Two-step verification is off for {user.username}.")
