"""TOTP multi-factor authentication (RFC 6238): enrolment with a secret shown once, and verification.

The seed is encrypted under a key derived from the master key. A failed code counts towards the same
lock-out as a failed password, so the six digits cannot be guessed online.
"""

from __future__ import annotations

import hmac
from datetime import datetime

import pyotp
import segno
from sqlalchemy import or_, update
from sqlmodel import Session

from provider.security import audit, lockout
from provider.security.actor import Actor
from provider.security.crypto import FieldCipher
from provider.security.models import User
from provider.settings import Settings

ISSUER = "pecr"
PURPOSE = "totp-seed"


def _cipher(settings: Settings) -> FieldCipher:
    return FieldCipher(settings.master_key_value(), PURPOSE)


def new_seed() -> str:
    return pyotp.random_base32()


def provisioning_uri(user: User, seed: str) -> str:
    return pyotp.TOTP(seed).provisioning_uri(name=user.username, issuer_name=ISSUER)


def qr_svg(uri: str) -> str:
    return segno.make(uri, error="m").svg_inline(scale=4)


def matching_step(seed: str, code: str, now: datetime) -> int | None:
    """The 30-second time step (now, or one either side for clock drift) whose code this is, or None."""
    code = code.strip().replace(" ", "")
    if not (code.isdigit() and len(code) == 6):
        return None
    totp = pyotp.TOTP(seed)
    current = totp.timecode(now)
    for step in (current - 1, current, current + 1):
        if hmac.compare_digest(totp.generate_otp(step), code):
            return step
    return None


def code_matches(seed: str, code: str, now: datetime) -> bool:
    return matching_step(seed, code, now) is not None


def enable(
    session: Session, *, actor: Actor, user: User, seed: str, code: str, now: datetime, settings: Settings
) -> bool:
    """Turn MFA on once the person proves their authenticator produces the right code."""
    step = matching_step(seed, code, now)
    if step is None:
        return False
    user.totp_last_step = step
    user.totp_secret_encrypted = _cipher(settings).encrypt(seed)
    user.totp_enabled = True
    session.add(user)
    audit.record(session, actor=actor, action="account.mfa_enabled", entity_type="user", entity_id=user.id, now=now)
    return True


def disable(session: Session, *, actor: Actor, user: User, now: datetime) -> None:
    user.totp_secret_encrypted = None
    user.totp_enabled = False
    user.totp_last_step = None
    session.add(user)
    audit.record(session, actor=actor, action="account.mfa_disabled", entity_type="user", entity_id=user.id, now=now)


def verify_login_code(session: Session, *, user: User, code: str, now: datetime, settings: Settings) -> bool:
    """Check a sign-in code. Each attempt is counted and committed first (`lockout.reserve_attempt`), so
    parallel guesses run no more checks than the lock-out limit; a code is accepted once only."""
    if not user.totp_enabled or not user.totp_secret_encrypted:
        return True
    allowed = lockout.reserve_attempt(
        session,
        user=user,
        now=now,
        max_failures=settings.login_max_failures,
        lockout_minutes=settings.login_lockout_minutes,
    )
    if not allowed:
        return False
    step = matching_step(_cipher(settings).decrypt(user.totp_secret_encrypted), code, now)
    if step is None or not _claim_step(session, user, step):
        return False
    user.failed_logins = 0
    user.locked_until = None
    session.add(user)
    return True


def _claim_step(session: Session, user: User, step: int) -> bool:
    """Record `step` as the last accepted one unless it (or a later one) was already: a replayed code,
    even one sent twice at the same moment, is accepted once."""
    table = User.__table__
    claimed = session.execute(
        update(table)
        .where(table.c.id == user.id, or_(table.c.totp_last_step.is_(None), table.c.totp_last_step < step))
        .values(totp_last_step=step)
    )
    session.expire(user, ["totp_last_step"])
    return claimed.rowcount == 1
