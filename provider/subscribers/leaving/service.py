"""Use cases of leaving: a line or a whole subscriber leaves, a named user is removed, the summary of
what is kept, and erasure on request. Each works in the caller's transaction, audits without personal
data, and tells the domains' keepers (`registry`) so their retention follows the leave at once.
"""

from __future__ import annotations

from collections.abc import Collection
from datetime import datetime
from zoneinfo import ZoneInfo

from sqlalchemy import update
from sqlmodel import Session, select

from provider.clock import LONDON, ensure_utc, format_local
from provider.errors import Conflict, FieldError, Forbidden, NotFound, invalid
from provider.security import audit
from provider.security.actor import Actor
from provider.security.roles import Permission
from provider.subscribers import service as subscribers
from provider.subscribers.leaving import erasure, registry, rules
from provider.subscribers.leaving.models import (
    ErasureTrigger,
    KeptPublic,
    LeaveCreate,
    LeavingSummary,
    LineStatus,
    ReceiptPublic,
    SubscriberErasureReceipt,
)
from provider.subscribers.models import Line, LineUser, Subscriber


def _require_write(actor: Actor) -> None:
    if not actor.can(Permission.subscribers_write):
        raise Forbidden("recording a leave or an erasure needs the subscribers:write permission")


def _left_at(data: LeaveCreate, created_at: datetime, now: datetime) -> datetime:
    left_at = ensure_utc(data.left_at) if data.left_at else now
    if error := rules.leave_time_error(left_at, created_at=created_at, now=now):
        raise invalid("left_at", error)
    return left_at


def _close_lines(session: Session, *, line_ids: list[int], data: LeaveCreate, left_at: datetime, actor: Actor,
                 now: datetime) -> int:  # fmt: skip
    """Mark the lines left and remove their named users (they no longer use the provider's line)."""
    session.execute(
        update(Line).where(Line.id.in_(line_ids), Line.left_at.is_(None))
        .values(left_at=left_at, left_reason=data.reason.value, left_recorded_by=actor.name, updated_at=now)
    )  # fmt: skip
    return session.execute(
        update(LineUser).where(LineUser.line_id.in_(line_ids), LineUser.removed_at.is_(None))
        .values(removed_at=now, removed_by=actor.name, updated_at=now)
    ).rowcount  # fmt: skip


def _tell_keepers(session: Session, *, subscriber_id: int, line_ids: list[int] | None, actor: Actor,
                  now: datetime) -> dict[str, object]:  # fmt: skip
    answers: dict[str, object] = {}
    for keeper in registry.keepers():
        if keeper.on_leave is not None:
            answers[keeper.name] = keeper.on_leave(
                session, subscriber_id=subscriber_id, line_ids=line_ids, actor=actor, now=now
            )
    return answers


def leave_line(session: Session, *, actor: Actor, now: datetime, line_id: int, data: LeaveCreate) -> Line:
    """A line leaves (ported out, ceased): its named users are removed, its consented retention ends."""
    _require_write(actor)
    line = subscribers.get_line(session, line_id)
    if line.left_at is not None:
        raise Conflict("line_id: the line has already left", errors=[FieldError("line_id", "has already left")])
    left_at = _left_at(data, line.created_at, now)
    users = _close_lines(session, line_ids=[line.id], data=data, left_at=left_at, actor=actor, now=now)
    session.refresh(line)
    audit.record(
        session, actor=actor, action="line.left", entity_type="line", entity_id=line.id, now=now,
        after={"subscriber_id": line.subscriber_id, "reason": data.reason.value, "left_at": left_at,
               "users_removed": users},
    )  # fmt: skip
    _tell_keepers(session, subscriber_id=line.subscriber_id, line_ids=[line.id], actor=actor, now=now)
    return line


def leave_subscriber(
    session: Session, *, actor: Actor, now: datetime, subscriber_id: int, data: LeaveCreate
) -> Subscriber:
    """The whole subscriber leaves: every line still open leaves with it, on the same date and reason."""
    _require_write(actor)
    subscriber = subscribers.get_subscriber(session, subscriber_id)
    if subscriber.left_at is not None:
        raise Conflict("subscriber_id: the subscriber has already left",
                       errors=[FieldError("subscriber_id", "has already left")])  # fmt: skip
    left_at = _left_at(data, subscriber.created_at, now)
    open_lines = list(session.exec(select(Line.id).where(Line.subscriber_id == subscriber_id, Line.left_at.is_(None))))
    users = _close_lines(session, line_ids=open_lines, data=data, left_at=left_at, actor=actor, now=now)
    subscriber.left_at, subscriber.left_reason, subscriber.left_recorded_by = left_at, data.reason.value, actor.name
    subscriber.updated_at = now
    session.add(subscriber)
    session.flush()
    audit.record(
        session, actor=actor, action="subscriber.left", entity_type="subscriber", entity_id=subscriber_id, now=now,
        after={"reason": data.reason.value, "left_at": left_at, "lines_left": len(open_lines), "users_removed": users},
    )  # fmt: skip
    _tell_keepers(session, subscriber_id=subscriber_id, line_ids=None, actor=actor, now=now)
    return subscriber


def remove_user(session: Session, *, actor: Actor, now: datetime, line_id: int, user_id: int) -> LineUser:
    """A named user no longer uses the line: their consents stop counting at once; their records follow
    the line's own retention (billing for the subscriber's bill, holds) and go with the line's erasure."""
    _require_write(actor)
    user = session.get(LineUser, user_id)
    if user is None or user.line_id != line_id:
        raise NotFound(f"line {line_id} has no named user {user_id}")
    if user.removed_at is not None:
        raise Conflict("user_id: the named user was already removed", errors=[FieldError("user_id", "already removed")])
    line = subscribers.get_line(session, line_id)
    user.removed_at, user.removed_by, user.updated_at = now, actor.name, now
    session.add(user)
    session.flush()
    audit.record(
        session, actor=actor, action="line_user.removed", entity_type="line_user", entity_id=user.id, now=now,
        after={"line_id": line_id, "subscriber_id": line.subscriber_id},
    )  # fmt: skip
    for keeper in registry.keepers():
        if keeper.on_user_removed is not None:
            keeper.on_user_removed(
                session, subscriber_id=line.subscriber_id, line_id=line_id, user_id=user.id, actor=actor, now=now
            )
    return user


def _kept_public(kept: list[registry.Kept], zone: ZoneInfo) -> list[KeptPublic]:
    return [
        KeptPublic(what=k.what, why=k.why, records=k.records, until=k.until, until_london=format_local(k.until, zone),
                   reference=k.reference)
        for k in kept
    ]  # fmt: skip


def summary(
    session: Session, *, subscriber_id: int, now: datetime, line_ids: Collection[int] | None = None,
    zone: ZoneInfo = LONDON,
) -> LeavingSummary:  # fmt: skip
    """What is kept of the subscriber (or of `line_ids`), why and until when; whether it can be erased."""
    subscriber = subscribers.get_subscriber(session, subscriber_id)
    kept = registry.kept_of(session, subscriber_id=subscriber_id, line_ids=line_ids, now=now)
    lines = session.exec(select(Line).where(Line.subscriber_id == subscriber_id).order_by(Line.id)).all()
    receipts = session.exec(
        select(SubscriberErasureReceipt).where(SubscriberErasureReceipt.subscriber_id == subscriber_id)
        .order_by(SubscriberErasureReceipt.id)
    ).all()  # fmt: skip
    refusals = rules.erasure_refusals(left_at=subscriber.left_at, erased_at=subscriber.erased_at, kept=kept, zone=zone)
    return LeavingSummary(
        subscriber_id=subscriber_id, left_at=subscriber.left_at, left_on_london=rules.left_on(subscriber.left_at, zone),
        left_reason=subscriber.left_reason, erased_at=subscriber.erased_at,
        lines=[LineStatus(id=line.id, left_at=line.left_at, left_on_london=rules.left_on(line.left_at, zone),
                          left_reason=line.left_reason, erased_at=line.erased_at) for line in lines],
        kept=_kept_public(kept, zone),
        erased_when=rules.erased_when(kept, zone) if subscriber.erased_at is None else "",
        can_be_erased=not refusals, refusals=refusals,
        receipts=[ReceiptPublic.model_validate(r, from_attributes=True) for r in receipts],
    )  # fmt: skip


def erase_subscriber(session: Session, *, actor: Actor, now: datetime, subscriber_id: int) -> SubscriberErasureReceipt:
    """Erase a left subscriber that nothing needs any more; refused (409) with every reason otherwise."""
    _require_write(actor)
    subscriber = subscribers.get_subscriber(session, subscriber_id)
    kept = registry.kept_of(session, subscriber_id=subscriber_id, line_ids=None, now=now)
    refusals = rules.erasure_refusals(left_at=subscriber.left_at, erased_at=subscriber.erased_at, kept=kept)
    if refusals:
        raise Conflict(
            f"subscriber {subscriber_id} cannot be erased yet: " + "; ".join(refusals),
            errors=[FieldError("subscriber_id", reason) for reason in refusals],
        )
    erasure.anonymise(session, subscriber_ids=[subscriber_id], now=now, by=actor.name, trigger=ErasureTrigger.request)
    receipt = session.exec(
        select(SubscriberErasureReceipt).where(SubscriberErasureReceipt.subscriber_id == subscriber_id)
        .order_by(SubscriberErasureReceipt.id.desc())
    ).first()  # fmt: skip
    audit.record(
        session, actor=actor, action="subscriber.erased", entity_type="subscriber", entity_id=subscriber_id, now=now,
        after={"receipt_id": receipt.id, "lines": receipt.lines_erased, "users": receipt.users_erased,
               "ids_hash": receipt.ids_hash, "counts": receipt.counts},
    )  # fmt: skip
    return receipt


def erase_line(session: Session, *, actor: Actor, now: datetime, line_id: int) -> SubscriberErasureReceipt:
    """Erase a left line of a subscriber that stays, once nothing is kept of it; refused (409) with every
    reason otherwise. A subscriber that leaves altogether is erased whole (`erase_subscriber`)."""
    _require_write(actor)
    line = subscribers.get_line(session, line_id)
    kept = registry.kept_of(session, subscriber_id=line.subscriber_id, line_ids=[line.id], now=now)
    refusals = rules.erasure_refusals(left_at=line.left_at, erased_at=line.erased_at, kept=kept)
    if refusals:
        raise Conflict(
            f"line {line_id} cannot be erased yet: " + "; ".join(refusals),
            errors=[FieldError("line_id", reason) for reason in refusals],
        )
    receipt = erasure.anonymise_line(session, line=line, now=now, by=actor.name)
    audit.record(
        session, actor=actor, action="line.erased", entity_type="line", entity_id=line_id, now=now,
        after={"receipt_id": receipt.id, "subscriber_id": line.subscriber_id, "users": receipt.users_erased,
               "ids_hash": receipt.ids_hash, "counts": receipt.counts},
    )  # fmt: skip
    return receipt
