"""TOTP multi-factor authentication (RFC 6238): enrolment with a secret shown once, and verification.

The seed is encrypted under a key derived from the master key. A failed code counts towards the same
lock-out as a failed password, so the six digits cannot be guessed online.
"""

from __future__ import annotations

import hmac
from datetime import datetime, timedelta

import pyotp
import segno
from sqlmodel import Session

from provider.security import audit
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
    if user.locked_until is not None and user.locked_until > now:
        return False
    if not user.totp_enabled or not user.totp_secret_encrypted:
        return True
    step = matching_step(_cipher(settings).decrypt(user.totp_secret_encrypted), code, now)
    # A code is accepted once: a step at or before the last accepted one is a replay.
    if step is not None and (user.totp_last_step is None or step > user.totp_last_step):
        user.totp_last_step = step
        user.failed_logins = 0
        session.add(user)
        return True
    user.failed_logins += 1
    if user.failed_logins >= settings.login_max_failures:
        user.locked_until = now + timedelta(minutes=settings.login_lockout_minutes)
        user.failed_logins = 0
    session.add(user)
    return False
