"""Lock-out counting that holds under concurrency: an attempt is counted before it is checked.

A password (or MFA code) is checked only after a single UPDATE has reserved an attempt on the account's
row and committed it. The UPDATE takes the row lock, so on PostgreSQL parallel requests queue on it and
each sees the count the one before it left: with a limit of 5, at most 5 checks run in a lock-out
window however many requests arrive at once. A correct answer then clears the count.
"""

from __future__ import annotations

from datetime import datetime, timedelta

from sqlalchemy import case, or_, update
from sqlmodel import Session

from provider.security.models import User


def reserve_attempt(session: Session, *, user: User, now: datetime, max_failures: int, lockout_minutes: int) -> bool:
    """Count one attempt against the account and commit; False when the account is locked.

    The attempt that reaches the limit sets the lock at once, so no other attempt starts while it is
    being checked; if it turns out right, the caller lifts the lock again. An expired lock starts
    a new window (the count restarts at 1).
    """
    table = User.__table__
    expired = table.c.locked_until.is_not(None)  # the WHERE below lets through only expired locks
    count = case((expired, 1), else_=table.c.failed_logins + 1)
    statement = (
        update(table)
        .where(table.c.id == user.id, or_(table.c.locked_until.is_(None), table.c.locked_until <= now))
        .values(
            failed_logins=count,
            locked_until=case((count >= max_failures, now + timedelta(minutes=lockout_minutes)), else_=None),
        )
    )
    reserved = session.execute(statement).rowcount == 1
    session.commit()
    # The row changed behind the ORM's back: read the count and lock afresh when next used.
    session.expire(user, ["failed_logins", "locked_until"])
    return reserved
