"""Use cases of retention: a bill's status, retention holds, emergency alerts, a subscriber leaving.

Each changes `retain_until` set-based (one UPDATE for all the records it concerns) and writes an audit
event in the caller's transaction; the caller commits.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import func, update
from sqlmodel import Session, select

from provider.deadlines import service as deadlines
from provider.errors import NotFound, invalid
from provider.security import audit
from provider.security.actor import Actor
from traffic import rules
from traffic.deadlines import BASIS, HOLD_ENDS, RETENTION_HOLD
from traffic.models import (
    Bill,
    BillStatus,
    EmergencyAlert,
    LocationRecord,
    RetentionClass,
    RetentionHold,
    TrafficRecord,
)
from traffic.policy import TrafficSettings
from traffic.retention import recompute
from traffic.retention.models import AlertUpdate, BillUpdate, HoldCreate

HOLD_BASIS_WORDS = {
    "ipa_retention_notice": "Investigatory Powers Act 2016, Part 4 retention notice (at most 12 months)",
    "court_order": "court order",
    "national_security": "PECR reg 28: national security certificate",
    "crime": "PECR reg 29: prevention or detection of crime, legal proceedings",
}


def set_bill_status(
    session: Session, *, bill_ref: str, data: BillUpdate, actor: Actor, now: datetime, policy: rules.RetentionPolicy
) -> tuple[Bill, int, datetime | None]:
    """Record a bill's status and move the retain-until of its billing records (and of its held ones, when
    the bill now outlasts the hold); returns the bill, how many records moved and their new retain-until
    (None when the bill has no records yet)."""
    if data.status is BillStatus.resolved and data.resolved_at is None:
        data = data.model_copy(update={"resolved_at": now})
    bill = session.exec(select(Bill).where(Bill.bill_ref == bill_ref)).first()
    before = None if bill is None else {"status": bill.status.value}
    if bill is None:
        bill = Bill(bill_ref=bill_ref, status=data.status, updated_at=now)
    bill.status, bill.updated_at = data.status, now
    bill.issued_at = data.issued_at or bill.issued_at
    bill.resolved_at = data.resolved_at if data.status is BillStatus.resolved else None
    session.add(bill)
    of_bill = TrafficRecord.bill_ref == bill_ref
    billed = (of_bill, TrafficRecord.retention_class == RetentionClass.billing)
    held = (of_bill, TrafficRecord.retention_class == RetentionClass.held)
    earliest = session.execute(
        select(func.min(TrafficRecord.start_at)).where(
            of_bill, TrafficRecord.retention_class.in_((RetentionClass.billing, RetentionClass.held))
        )
    ).scalar_one()
    moved, until = 0, None
    if earliest is not None:
        until = rules.billing_until(earliest, rules.BillState(bill.status, bill.issued_at, bill.resolved_at), policy)
        moved = session.execute(update(TrafficRecord).where(*billed).values(retain_until=until)).rowcount
        # A held record is billing underneath: once its bill keeps it beyond the hold's end (unpaid,
        # disputed), it is kept for the bill, so the hold's end no longer erases it. One the hold keeps
        # longer stays held; its release recomputes it from the bill (traffic.retention.recompute).
        moved += session.execute(
            update(TrafficRecord).where(*held, TrafficRecord.retain_until < until)
            .values(retention_class=RetentionClass.billing, retain_until=until)
        ).rowcount  # fmt: skip
    audit.record(
        session, actor=actor, action="traffic.bill_status", entity_type="traffic_bill", entity_id=bill_ref, now=now,
        before=before, after={"status": bill.status.value, "records": moved, "retain_until": until},
    )  # fmt: skip
    return bill, moved, until


def create_hold(session: Session, *, data: HoldCreate, actor: Actor, now: datetime) -> RetentionHold:
    """Record a retention hold and its end as a deadline on the core (reminders before it ends); the
    `traffic.hold_release` job releases it when it ends."""
    starts_at = data.starts_at or now
    refusal = rules.hold_refusal(
        basis=data.basis, date_from=data.date_from, date_to=data.date_to, starts_at=starts_at, ends_at=data.ends_at
    )
    if refusal is not None:
        raise invalid(*refusal)
    hold = RetentionHold(**data.model_dump(exclude={"starts_at"}), starts_at=starts_at, created_at=now)
    session.add(hold)
    session.flush()
    deadlines.create(
        session, owner_kind=RETENTION_HOLD, owner_id=hold.id, kind=HOLD_ENDS, recipient="internal", statutory=False,
        basis=BASIS, anchor_at=starts_at, due_at=data.ends_at, now=now,
    )  # fmt: skip
    audit.record(
        session, actor=actor, action="traffic.hold_created", entity_type="traffic_retention_hold", entity_id=hold.id,
        now=now, after={"basis": hold.basis.value, "reference": hold.reference, "ends_at": hold.ends_at},
    )  # fmt: skip
    return hold


def release_hold(
    session: Session, *, hold_id: int, actor: Actor, now: datetime, policy: rules.RetentionPolicy | None = None
) -> RetentionHold:
    """Release a hold (early, or at its end): the records it kept get their own retention back at once,
    so an early release brings their erasure forward (`traffic.retention.recompute`)."""
    hold = session.get(RetentionHold, hold_id)
    if hold is None:
        raise NotFound(f"no retention hold {hold_id}")
    if hold.released_at is None:
        hold.released_at = min(now, hold.ends_at)
        session.add(hold)
        for row in deadlines.for_owners(session, RETENTION_HOLD, [hold.id])[hold.id]:
            deadlines.meet(row, hold.released_at)
        session.flush()
        moved = recompute.after_release(session, hold, now=now, policy=policy or TrafficSettings().policy())
        audit.record(
            session, actor=actor, action="traffic.hold_released", entity_type="traffic_retention_hold",
            entity_id=hold.id, now=now, after={"released_at": hold.released_at, "records": moved},
        )  # fmt: skip
    return hold


def release_ended_holds(session: Session, *, actor: Actor, now: datetime) -> int:
    """Release every hold whose end has come (the sweep already ignores them; this records it)."""
    ended = session.exec(
        select(RetentionHold.id).where(RetentionHold.released_at.is_(None), RetentionHold.ends_at <= now)
    ).all()
    for hold_id in ended:
        release_hold(session, hold_id=hold_id, actor=actor, now=now)
    return len(ended)


def set_alert(session: Session, *, alert_ref: str, data: AlertUpdate, actor: Actor, now: datetime) -> tuple:
    """Record an emergency alert's period end (reg 16A) and move its location records' erasure to 7 days
    after it (48 hours for a test). Returns the alert, how many records moved and the erasure time."""
    alert = session.exec(select(EmergencyAlert).where(EmergencyAlert.alert_ref == alert_ref)).first()
    if alert is None:
        alert = EmergencyAlert(alert_ref=alert_ref, test=data.test, period_end=data.period_end, created_at=now)
    alert.test, alert.period_end = data.test, data.period_end
    session.add(alert)
    erase_by = rules.alert_until(data.period_end, data.test)
    moved = session.execute(
        update(LocationRecord).where(LocationRecord.alert_ref == alert_ref).values(retain_until=erase_by)
    ).rowcount
    audit.record(
        session, actor=actor, action="traffic.alert_set", entity_type="traffic_emergency_alert", entity_id=alert_ref,
        now=now, after={"test": data.test, "period_end": data.period_end, "records": moved},
    )  # fmt: skip
    return alert, moved, erase_by


def leaving(
    session: Session, *, subscriber_id: int, actor: Actor, now: datetime, line_ids: list[int] | None = None
) -> dict[str, object]:
    """A subscriber (or only its `line_ids`) leaves: consented-service retention ends now (the contract the
    consent served is over); transmission-only records go at their usual time; billed records stay while
    their bill can still be challenged (unpaid or disputed: until resolution plus the appeal window); held
    records while the hold lasts. Returns what is kept, by class, with the last retain-until, so the page
    can say when the subscriber's records will all be gone (and the subscriber itself can then be erased)."""
    ended = 0
    for model in (TrafficRecord, LocationRecord):
        scope = [model.subscriber_id == subscriber_id]
        if line_ids is not None:
            scope.append(model.line_id.in_(line_ids))
        ended += session.execute(
            update(model)
            .where(*scope, model.retention_class == RetentionClass.consented, model.retain_until > now)
            .values(retain_until=now)
        ).rowcount  # fmt: skip
    kept: dict[str, object] = {}
    for model, label in ((TrafficRecord, "traffic"), (LocationRecord, "location")):
        rows = session.execute(
            select(model.retention_class, func.count(), func.max(model.retain_until))
            .where(model.subscriber_id == subscriber_id)
            .group_by(model.retention_class)
        ).all()
        kept.update({f"{label}.{cls}": {"records": n, "until": until} for cls, n, until in rows})
    audit.record(
        session, actor=actor, action="traffic.subscriber_leaving", entity_type="subscriber", entity_id=subscriber_id,
        now=now, after={"consented_ended": ended, "classes_kept": sorted(kept), "lines": line_ids},
    )  # fmt: skip
    return {"consented_ended": ended, "kept": kept}


def audit_user_removed(
    session: Session, *, subscriber_id: int, user_id: int, moved: int, actor: Actor, now: datetime
) -> dict[str, object]:
    """Record that a removed user's consents stopped keeping their records."""
    audit.record(
        session, actor=actor, action="traffic.user_consents_lapsed", entity_type="line_user", entity_id=user_id,
        now=now, after={"subscriber_id": subscriber_id, "records": moved},
    )  # fmt: skip
    return {"records": moved}


def has_records(session: Session, *, subscriber_id: int) -> bool:
    """Whether any traffic or location record still names the subscriber (erasing it must wait)."""
    return any(
        session.exec(select(model.id).where(model.subscriber_id == subscriber_id).limit(1)).first() is not None
        for model in (TrafficRecord, LocationRecord)
    )
