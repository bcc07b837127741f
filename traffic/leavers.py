"""Traffic data's keeper on the core's leaving registry (`provider.subscribers.leaving.registry`).

When a line or subscriber leaves, consented retention (marketing, value-added services) ends at once:
the consent served a relationship that is over (rules.md §3: "only while consent stands"), so the
records go at the next sweep; billing records stay as their bill's status says and held ones while the
hold lasts (`traffic.rules`, unchanged by a leave). When a named user is removed, their consents stop
counting (`traffic.consented.current_keys` leaves removed users out) and the records those consents kept
are recomputed (`traffic.retention.recompute`). The subscriber is needed while any traffic or location
record names it, or an active hold names it or one of its lines. Importing this module registers it.

On final erasure (`on_erase`) the consent history of the subscriber and of its named users, and the
privacy switches of its lines, are deleted. Consent is evidence that processing was lawful; by the time
the subscriber can be erased nothing is processed on it any more (`needed` holds erasure back while any
traffic or location record or active hold remains), so the evidence has nothing left to justify, and
keeping who agreed to what would outlive the erasure (rules.md §3). The records of notices served stay,
without the person (the core's erasure unnames them); retention holds stay, as the provider's record of
a legal duty, naming only ids.
"""

from __future__ import annotations

from collections.abc import Collection
from datetime import datetime
from typing import Any

from sqlalchemy import ColumnElement, and_, delete, exists, func, or_, select
from sqlmodel import Session

from provider.security.actor import Actor
from provider.subscribers.leaving.registry import Keeper, Kept, register
from provider.subscribers.models import Line, LineUser
from provider.wording.models import PersonKind
from traffic.consent.models import ConsentEvent, PrivacySwitch
from traffic.models import Bill, LocationRecord, RetentionClass, RetentionHold, TrafficRecord
from traffic.policy import TrafficSettings
from traffic.retention import recompute, service

WHY = {
    (RetentionClass.transmission, None): "still within the time needed to convey the communication",
    (RetentionClass.billing, None): "unbilled: kept for the bill it will be on",
    (RetentionClass.billing, "unpaid"): "bill unpaid: kept while the bill can still be challenged",
    (RetentionClass.billing, "paid"): "billed and paid: kept for the billing retention after the bill",
    (RetentionClass.billing, "disputed"): "bill disputed: kept until the dispute is resolved, plus the appeal window",
    (RetentionClass.billing, "resolved"): "dispute resolved: kept for the appeal window",
    (RetentionClass.held, None): "covered by a retention hold",
    (RetentionClass.consented, None): "consented retention ended: erased by the next sweep",
    (RetentionClass.emergency_alert, None): "emergency alert data (reg 16A): erased 7 days after the alert",
}


def _active_hold(now: datetime) -> ColumnElement[bool]:
    return and_(RetentionHold.released_at.is_(None), RetentionHold.ends_at > now)


def _holds(session: Session, subscriber_id: int, line_ids: Collection[int] | None, now: datetime) -> list[Kept]:
    lines = select(Line.id).where(Line.subscriber_id == subscriber_id)
    if line_ids is not None:
        lines = lines.where(Line.id.in_(line_ids))
    whose = RetentionHold.line_id.in_(lines)
    if line_ids is None:
        whose = or_(whose, RetentionHold.subscriber_id == subscriber_id)
    rows = session.execute(select(RetentionHold).where(whose, _active_hold(now)).order_by(RetentionHold.id)).scalars()
    return [
        Kept("retention hold", f"{service.HOLD_BASIS_WORDS[hold.basis.value]}, reference {hold.reference}", 1,
             hold.ends_at, reference=hold.reference)
        for hold in rows
    ]  # fmt: skip


def _records(session: Session, model, subscriber_id: int, line_ids: Collection[int] | None) -> list:
    """(class, bill status or None, count, last retain-until) of the subscriber's records of `model`."""
    traffic = model is TrafficRecord
    columns = (model.retention_class, Bill.status) if traffic else (model.retention_class,)
    query = select(*columns, func.count(), func.max(model.retain_until)).where(model.subscriber_id == subscriber_id)
    if traffic:
        query = query.outerjoin(Bill, and_(model.retention_class == RetentionClass.billing,
                                           Bill.bill_ref == model.bill_ref))  # fmt: skip
    if line_ids is not None:
        query = query.where(model.line_id.in_(line_ids))
    rows = session.execute(query.group_by(*columns)).all()
    return [tuple(row) if traffic else (row[0], None, row[1], row[2]) for row in rows]


def kept(session: Session, *, subscriber_id: int, line_ids: Collection[int] | None, now: datetime) -> list[Kept]:
    found = []
    for model, label in ((TrafficRecord, "traffic records"), (LocationRecord, "location records")):
        for cls, bill_status, count, until in _records(session, model, subscriber_id, line_ids):
            cls = RetentionClass(cls)
            why = WHY.get((cls, bill_status and str(bill_status))) or WHY[(cls, None)]
            found.append(Kept(f"{label}, {cls.value}", why, count, until))
    return found + _holds(session, subscriber_id, line_ids, now)


def needed(subscriber_id: ColumnElement[Any], now: datetime) -> ColumnElement[bool]:
    held_line = select(Line.id).where(Line.subscriber_id == subscriber_id, Line.id == RetentionHold.line_id)
    return or_(
        exists().where(TrafficRecord.subscriber_id == subscriber_id),
        exists().where(LocationRecord.subscriber_id == subscriber_id),
        exists().where(_active_hold(now), or_(RetentionHold.subscriber_id == subscriber_id, exists(held_line))),
    )


def on_leave(session: Session, *, subscriber_id: int, line_ids: list[int] | None, actor: Actor,
             now: datetime) -> dict[str, Any]:  # fmt: skip
    return service.leaving(session, subscriber_id=subscriber_id, line_ids=line_ids, actor=actor, now=now)


def on_user_removed(session: Session, *, subscriber_id: int, line_id: int, user_id: int, actor: Actor,
                    now: datetime) -> dict[str, Any]:  # fmt: skip
    moved = recompute.after_consent_lapse(
        session, subscriber_id=subscriber_id, line_id=line_id, user_id=user_id, now=now,
        policy=TrafficSettings().policy(),
    )  # fmt: skip
    return service.audit_user_removed(session, subscriber_id=subscriber_id, user_id=user_id, moved=moved, actor=actor,
                                      now=now)  # fmt: skip


def on_erase(session: Session, *, subscriber_ids: list[int], line_ids: list[int], now: datetime) -> dict[str, int]:  # noqa: ARG001
    # The subscriber's and its users' consents by subscriber; a line erased alone takes its users' consents.
    users = select(LineUser.id).where(LineUser.line_id.in_(line_ids))
    whose = or_(
        ConsentEvent.subscriber_id.in_(subscriber_ids),
        and_(ConsentEvent.person_kind == PersonKind.line_user, ConsentEvent.person_id.in_(users)),
    )
    consents = session.execute(delete(ConsentEvent).where(whose))
    switches = session.execute(delete(PrivacySwitch).where(PrivacySwitch.line_id.in_(line_ids)))
    return {"consents": consents.rowcount, "privacy_switches": switches.rowcount}


KEEPER = register(
    Keeper("traffic", kept=kept, needed=needed, on_leave=on_leave, on_user_removed=on_user_removed, on_erase=on_erase)
)
