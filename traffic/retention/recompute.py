"""Retention recomputed when a hold ends early, or when a named user's consents stop counting.

A record that arrived under a hold was given the hold's end as its retain-until (class held); released
before that end, the hold must not keep it any longer.

The records of the hold's scope still classed held get what ingest would give them now (`traffic.rules`):
their own class (billing with the bill's current status, consented while the consent stands, or
transmission) and any other hold still covering them. Done in pages of ids: one SELECT of plain rows,
the pure rules, one executemany UPDATE a page — the rules' month arithmetic is not portable SQL.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import bindparam, select, update
from sqlmodel import Session

from traffic import consented, rules
from traffic.ingest import active_holds
from traffic.models import Bill, LocationRecord, RetentionClass, RetentionHold, TrafficRecord

PAGE = 5000
COMMON = ("id", "subscriber_id", "line_id", "day", "consented_service", "retention_class", "retain_until")
TRAFFIC = (*COMMON, "user_id", "start_at", "end_at", "ended", "bill_ref")
LOCATION = (*COMMON, "observed_at")


def after_release(session: Session, hold: RetentionHold, *, now: datetime, policy: rules.RetentionPolicy) -> int:
    """Move the held records of `hold` (now released) to their own retention; returns how many moved."""
    moved = 0
    for model in (TrafficRecord, LocationRecord):
        scope = [model.retention_class == RetentionClass.held]
        if hold.subscriber_id is not None:
            scope.append(model.subscriber_id == hold.subscriber_id)
        if hold.line_id is not None:
            scope.append(model.line_id == hold.line_id)
        if hold.date_from is not None:
            scope.append(model.day >= hold.date_from)
        if hold.date_to is not None:
            scope.append(model.day <= hold.date_to)
        moved += _recompute(session, model, scope, now=now, policy=policy)
    return moved


def after_consent_lapse(
    session: Session, *, subscriber_id: int, line_id: int, user_id: int, now: datetime, policy: rules.RetentionPolicy
) -> int:
    """A named user removed from `line_id`: the consented records their consent may have kept (their traffic,
    the line's location records) get what the consents still standing give them."""
    consented_only = (TrafficRecord.retention_class == RetentionClass.consented,)
    moved = _recompute(
        session, TrafficRecord, [*consented_only, TrafficRecord.subscriber_id == subscriber_id,
                                 TrafficRecord.user_id == user_id], now=now, policy=policy,
    )  # fmt: skip
    return moved + _recompute(
        session, LocationRecord, [LocationRecord.retention_class == RetentionClass.consented,
                                  LocationRecord.subscriber_id == subscriber_id, LocationRecord.line_id == line_id],
        now=now, policy=policy,
    )  # fmt: skip


def _recompute(session: Session, model, scope: list, *, now: datetime, policy: rules.RetentionPolicy) -> int:
    """Give each record of `scope` what ingest would give it now, a page of ids at a time."""
    others = active_holds(session, now)
    columns = [getattr(model, name) for name in (TRAFFIC if model is TrafficRecord else LOCATION)]
    last, moved = 0, 0
    while True:
        page = session.execute(select(*columns).where(*scope, model.id > last).order_by(model.id).limit(PAGE)).all()
        if not page:
            return moved
        last = page[-1].id
        moves = _moves(session, model is TrafficRecord, page, others, now, policy)
        if moves:
            table = model.__table__
            session.execute(
                update(table).where(table.c.id == bindparam("record_id"))
                .values(retention_class=bindparam("cls"), retain_until=bindparam("until")),
                moves,
            )  # fmt: skip
            moved += len(moves)


def _moves(
    session: Session, traffic: bool, page: list, holds: list[rules.HoldScope], now: datetime, policy
) -> list[dict]:
    keys = consented.current_keys(session, {r.subscriber_id for r in page if r.consented_service})
    refs = sorted({r.bill_ref for r in page if r.bill_ref}) if traffic else []
    bills = {
        b.bill_ref: rules.BillState(b.status, b.issued_at, b.resolved_at)
        for b in session.execute(select(Bill).where(Bill.bill_ref.in_(refs))).scalars()
    }
    moves = []
    for r in page:
        covering = [h for h in holds if h.covers(subscriber_id=r.subscriber_id, line_id=r.line_id, day=r.day, now=now)]
        if traffic:
            service = r.consented_service
            if service and not consented.traffic_consented(
                keys, subscriber_id=r.subscriber_id, user_id=r.user_id, service=service
            ):
                service = None
            retention = rules.traffic_retention(
                start_at=r.start_at, end_at=r.end_at, ended=r.ended, bill_ref=r.bill_ref, consented_service=service,
                bill=bills.get(r.bill_ref) if r.bill_ref else None, holds=covering, policy=policy,
            )  # fmt: skip
        else:
            service = r.consented_service
            if service and not consented.location_consented(
                keys, subscriber_id=r.subscriber_id, line_id=r.line_id, service=service
            ):
                service = None
            retention = rules.location_retention(
                observed_at=r.observed_at, consented_service=service, alert=None, holds=covering, policy=policy
            )
        if (retention.retention_class, retention.retain_until) != (r.retention_class, r.retain_until):
            moves.append({"record_id": r.id, "cls": retention.retention_class.value, "until": retention.retain_until})
    return moves
