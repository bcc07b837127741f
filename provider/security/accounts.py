"""Staff accounts: creation, role changes, disabling, and password login with lock-out."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlmodel import Session, select

from provider.errors import Conflict, NotFound, invalid
from provider.security import audit, lockout, web_sessions
from provider.security.actor import Actor
from provider.security.models import User
from provider.security.passwords import WeakPassword, hash_password, needs_rehash, verify_password
from provider.security.roles import Role

USERNAME_CHARACTERS = set("abcdefghijklmnopqrstuvwxyz0123456789._-@")


def _account_summary(user: User) -> dict[str, object]:
    return {
        "username": user.username,
        "role": user.role,
        "is_active": user.is_active,
        "full_name": user.full_name,
        "email": user.email,
        "mfa": user.totp_enabled,
    }


def normalise_username(username: str) -> str:
    name = username.strip().lower()
    if not 2 <= len(name) <= 64 or not set(name) <= USERNAME_CHARACTERS:
        raise invalid("username", "2-64 characters: letters, digits, '.', '_', '-', '@'")
    return name


def create_user(
    session: Session,
    *,
    actor: Actor,
    now: datetime,
    username: str,
    password: str,
    role: Role | str,
    full_name: str = "",
    email: str = "",
    must_change_password: bool = False,
) -> User:
    """A new account; `must_change_password` when the password is an initial one chosen for its owner."""
    name = normalise_username(username)
    try:
        role = Role(role)
    except ValueError as error:
        raise invalid("role", f"must be one of {', '.join(r.value for r in Role)}") from error
    if session.exec(select(User).where(User.username == name)).first() is not None:
        raise Conflict(f"user {name!r} already exists")
    try:
        password_hash = hash_password(password)
    except WeakPassword as error:
        raise invalid("password", str(error)) from error
    user = User(
        username=name,
        full_name=full_name.strip(),
        email=email.strip(),
        role=role,
        password_hash=password_hash,
        must_change_password=must_change_password,
        created_at=now,
    )
    session.add(user)
    session.flush()
    audit.record(
        session,
        actor=actor,
        action="account.created",
        entity_type="user",
        entity_id=user.id,
        now=now,
        after=_account_summary(user),
    )
    return user


def get_user(session: Session, user_id: int) -> User:
    user = session.get(User, user_id)
    if user is None:
        raise NotFound(f"user {user_id} not found")
    return user


def get_by_username(session: Session, username: str) -> User:
    user = session.exec(select(User).where(User.username == username.strip().lower())).first()
    if user is None:
        raise NotFound(f"user {username!r} not found")
    return user


def update_user(
    session: Session,
    *,
    actor: Actor,
    now: datetime,
    user: User,
    role: Role | str | None = None,
    is_active: bool | None = None,
    full_name: str | None = None,
    email: str | None = None,
) -> User:
    before = _account_summary(user)
    if role is not None:
        try:
            user.role = Role(role)
        except ValueError as error:
            raise invalid("role", f"must be one of {', '.join(r.value for r in Role)}") from error
    if is_active is not None:
        if not is_active and actor.user_id == user.id:
            raise invalid("is_active", "you cannot disable your own account")
        if user.is_active and not is_active:
            # Ended, not merely ignored while disabled: re-enabling the account brings none of them back.
            web_sessions.end_other_sessions(session, user_id=user.id, keep_secret="", now=now)
        user.is_active = is_active
    if full_name is not None:
        user.full_name = full_name.strip()
    if email is not None:
        user.email = email.strip()
    session.add(user)
    audit.record(
        session,
        actor=actor,
        action="account.updated",
        entity_type="user",
        entity_id=user.id,
        now=now,
        before=before,
        after=_account_summary(user),
    )
    return user


def set_password(
    session: Session,
    *,
    actor: Actor,
    now: datetime,
    user: User,
    password: str,
    keep_session_secret: str = "",
) -> None:
    """Set a new password and end the user's other sessions: whoever learnt the old one is signed out
    everywhere. A person changing their own keeps the session they did it from (`keep_session_secret`).
    A password set by someone else is an initial one: its owner must change it at next sign-in."""
    try:
        user.password_hash = hash_password(password)
    except WeakPassword as error:
        raise invalid("password", str(error)) from error
    user.must_change_password = actor.user_id != user.id
    session.add(user)
    web_sessions.end_other_sessions(session, user_id=user.id, keep_secret=keep_session_secret, now=now)
    audit.record(
        session, actor=actor, action="account.password_changed", entity_type="user", entity_id=user.id, now=now
    )


@dataclass(frozen=True)
class LoginResult:
    user: User | None
    reason: str = ""

    @property
    def ok(self) -> bool:
        return self.user is not None


def authenticate(
    session: Session,
    *,
    username: str,
    password: str,
    now: datetime,
    max_failures: int,
    lockout_minutes: int,
) -> LoginResult:
    """Check a password; after `max_failures` consecutive failures the account locks for a while.

    Each attempt on a known, active account is counted and committed before the password is checked
    (`lockout.reserve_attempt`), so parallel guesses cannot run more checks than the limit. The reason
    given to the person is the same for an unknown user, a wrong password, a disabled and a locked
    account; a locked or unknown account still costs one hash check, so timing tells nothing either.
    """
    user = session.exec(select(User).where(User.username == username.strip().lower())).first()
    if user is None or not user.is_active:
        verify_password(None, password)
        return LoginResult(None, "invalid")
    allowed = lockout.reserve_attempt(
        session, user=user, now=now, max_failures=max_failures, lockout_minutes=lockout_minutes
    )
    if not allowed:
        verify_password(None, password)
        return LoginResult(None, "locked")
    if not verify_password(user.password_hash, password):
        return LoginResult(None, "invalid")
    user.failed_logins = 0
    user.locked_until = None
    user.last_login_at = now
    if needs_rehash(user.password_hash):
        user.password_hash = hash_password(password)
    session.add(user)
    return LoginResult(user)
