"""Server-side web sessions: the cookie holds a random token, the database its digest.

Kept on the server so logging out, disabling an account or an expiry ends the session everywhere.
"""

from __future__ import annotations

from datetime import datetime, timedelta

from sqlalchemy import update
from sqlmodel import Session, select

from provider.security.crypto import new_secret_token, token_digest
from provider.security.models import User, WebSession


def start_session(session: Session, *, user: User, now: datetime, hours: int, mfa_passed: bool) -> str:
    secret = new_secret_token()
    session.add(
        WebSession(
            token_hash=token_digest(secret),
            user_id=user.id,
            mfa_passed=mfa_passed,
            created_at=now,
            expires_at=now + timedelta(hours=hours),
        )
    )
    return secret


def find_session(session: Session, secret: str, now: datetime) -> tuple[WebSession, User] | None:
    if not secret or len(secret) > 200:
        return None
    row = session.exec(select(WebSession).where(WebSession.token_hash == token_digest(secret))).first()
    if row is None or row.ended_at is not None or row.expires_at <= now:
        return None
    user = session.get(User, row.user_id)
    if user is None or not user.is_active:
        return None
    return row, user


def end_session(session: Session, secret: str, now: datetime) -> None:
    row = session.exec(select(WebSession).where(WebSession.token_hash == token_digest(secret))).first()
    if row is not None and row.ended_at is None:
        row.ended_at = now
        session.add(row)


def mark_mfa_passed(session: Session, web_session: WebSession) -> None:
    web_session.mfa_passed = True
    session.add(web_session)


def end_other_sessions(session: Session, *, user_id: int, keep_secret: str, now: datetime) -> None:
    """End every open session of a user except the one holding `keep_secret` ("" ends them all): a changed
    password should lock out whoever may have learnt the old one, wherever they are signed in."""
    session.execute(
        update(WebSession)
        .where(
            WebSession.user_id == user_id,
            WebSession.ended_at.is_(None),
            WebSession.token_hash != token_digest(keep_secret),
        )
        .values(ended_at=now)
        .execution_options(synchronize_session=False)
    )
