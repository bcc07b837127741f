"""Letters to post: a security-risk letter counts as served only when staff record it posted.

A letter generated and never posted reached nobody, so a letter (a subscriber without an e-mail
address, no mail server, or an e-mail refused on its last attempt) waits as a letter to post, and so may
a refused e-mail still due another try, should staff post it instead. Staff confirm the count they were
shown and the day the letters went in the post (today or earlier, not before the last was made); each
is then recorded as served by post (provider.wording), chunk by chunk, so a large notice's letters never
sit in memory at once. A second confirmation finds none left to post and serves nobody twice.
"""

from __future__ import annotations

from datetime import date, datetime
from typing import NamedTuple
from zoneinfo import ZoneInfo

from sqlalchemy import func, select, update
from sqlmodel import Session

from provider.clock import london
from provider.errors import Conflict, FieldError, Invalid
from provider.security import audit
from provider.security.actor import Actor
from provider.security_risks import rules
from provider.security_risks.models import Delivery, NoticeStatus, RiskNotice, RiskRecipient
from provider.wording import bulk as served
from provider.wording.models import PersonKind, ServedChannel

TO_POST = (Delivery.letter, Delivery.failed)
POST_CHUNK = 1000


class Waiting(NamedTuple):
    """The letters waiting to be posted: how many, and when the last of them was made."""

    letters: int
    made_at: datetime | None


def waiting(session: Session, notice: RiskNotice) -> Waiting:
    letters, made_at = session.execute(
        select(func.count(), func.max(RiskRecipient.processed_at)).where(
            RiskRecipient.notice_id == notice.id, RiskRecipient.delivery.in_(TO_POST)
        )
    ).one()
    return Waiting(letters, made_at)


def record_posted(
    session: Session,
    *,
    actor: Actor,
    now: datetime,
    notice: RiskNotice,
    zone: ZoneInfo,
    posted_on: date | None = None,
    expected: int | None = None,
) -> int:
    """Record the letters to post as posted on `posted_on` (today in `zone` by default) and served by
    post then; returns how many (the caller commits). `expected` is the count the confirmation showed:
    if it has changed since, nothing is recorded (a second confirmation of the same letters is refused)."""
    if notice.status is NoticeStatus.draft:
        raise Conflict("the notice has not been sent: there are no letters to post")
    found = waiting(session, notice)
    if expected is not None and expected != found.letters:
        reason = f"{found.letters} letters are waiting to be posted now, not {expected}: check them again"
        raise Conflict(reason, errors=[FieldError("letters", reason)])
    day = posted_on or london(now, zone).date()
    made_on = london(found.made_at, zone).date() if found.made_at is not None else None
    errors = rules.posted_on_errors(day, today=london(now, zone).date(), made_on=made_on)
    if errors:
        raise Invalid("; ".join(f"{e.field}: {e.reason}" for e in errors), errors=errors)
    served_at = rules.posted_at(day, now=now, made_at=found.made_at, zone=zone)
    posted = _post(session, notice, served_at)
    audit.record(
        session,
        actor=actor,
        action="security_risk.letters_posted",
        entity_type="security_risk_notice",
        entity_id=notice.id,
        now=now,
        after={"letters": posted, "posted_on": day.isoformat()},
    )
    return posted


def _post(session: Session, notice: RiskNotice, served_at: datetime) -> int:
    posted = after_id = 0
    to_post = (RiskRecipient.notice_id == notice.id) & RiskRecipient.delivery.in_(TO_POST)
    while rows := session.execute(
        select(RiskRecipient.id, RiskRecipient.subscriber_id)
        .where(to_post, RiskRecipient.id > after_id)
        .order_by(RiskRecipient.id)
        .limit(POST_CHUNK)
        .with_for_update()  # a resumed send must not take one back to e-mail while it is being posted
    ).all():
        ids = [row.id for row in rows]
        session.execute(update(RiskRecipient).where(RiskRecipient.id.in_(ids)).values(delivery=Delivery.posted))
        served.record_served(
            session,
            version_id=notice.wording_version_id,
            channel=ServedChannel.post,
            served_at=served_at,
            people=[served.Person(PersonKind.subscriber, row.subscriber_id, f"risk-{notice.id}") for row in rows],
            served_in="security_risk_notice",
            served_in_id=notice.id,
        )
        posted, after_id = posted + len(rows), ids[-1]
    return posted
