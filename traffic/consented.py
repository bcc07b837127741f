"""Retention that rests on a consent (rules.md §3, §4): whose consent keeps a record, checked at ingest,
and the end of that retention when the consent is withdrawn.

A record's `consented_service` names the registered value-added service it is kept for, or `marketing`
(`MARKETING`) for traffic kept to market the provider's own services (reg 7(3)(a)). The consent that
counts is the person's own: for a traffic record its named user (`user_id`) if it names one, else the
subscriber; a location record names no user, so the subscriber's consent or that of a named user of its
line counts (reg 14(2): "the user or subscriber"), and either one's withdrawal ends it (erasing early is
never the unlawful side).

Without a current consent, a record gets the class it would have had without `consented_service`
(`traffic.rules`): transmission, as a consented record carries no bill.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime, timedelta

from sqlalchemy import and_, bindparam, or_, select, update
from sqlmodel import Session

from provider.subscribers.models import LineUser
from provider.wording.models import PersonKind
from traffic import rules
from traffic.consent import queries
from traffic.consent.models import ConsentAction, ConsentEvent, ConsentPurpose, DataKind, ValueAddedService
from traffic.models import LocationRecord, RetentionClass, TrafficRecord

MARKETING = "marketing"
CHUNK = 1000
# Keys of the current consents given: (subscriber, "person" or "line", person id or line id, kind, service).
Key = tuple[int, str, int, str, str]


def purpose_of(service: str) -> ConsentPurpose:
    return ConsentPurpose.marketing if service == MARKETING else ConsentPurpose.vas


def current_keys(session: Session, subscriber_ids: Iterable[int]) -> set[Key]:
    """Every consent now given by these subscribers or their line users: one query per chunk of 1,000."""
    ids = sorted(set(subscriber_ids))
    keys: set[Key] = set()
    for start in range(0, len(ids), CHUNK):
        rows = session.execute(
            select(ConsentEvent.subscriber_id, ConsentEvent.person_kind, ConsentEvent.person_id, LineUser.line_id,
                   ConsentEvent.data_kind, ConsentEvent.purpose, ValueAddedService.name)
            .outerjoin(ValueAddedService, ValueAddedService.id == ConsentEvent.service_id)
            .outerjoin(LineUser, and_(ConsentEvent.person_kind == PersonKind.line_user,
                                      LineUser.id == ConsentEvent.person_id))
            .where(ConsentEvent.id.in_(queries.last_ids(ids[start : start + CHUNK])),
                   ConsentEvent.action == ConsentAction.given,
                   # A removed user's consent no longer counts (provider.subscribers.leaving).
                   or_(ConsentEvent.person_kind != PersonKind.line_user, LineUser.removed_at.is_(None)))
        )  # fmt: skip
        for subscriber_id, kind, person_id, line_id, data_kind, purpose, name in rows:
            service = MARKETING if purpose == ConsentPurpose.marketing else name
            keys.add((subscriber_id, "person", person_id if kind == PersonKind.line_user else 0, data_kind, service))
            if line_id is not None:
                keys.add((subscriber_id, "line", line_id, data_kind, service))
    return keys


def traffic_consented(keys: set[Key], *, subscriber_id: int, user_id: int | None, service: str) -> bool:
    return (subscriber_id, "person", user_id or 0, DataKind.traffic, service) in keys


def location_consented(keys: set[Key], *, subscriber_id: int, line_id: int, service: str) -> bool:
    return (subscriber_id, "person", 0, DataKind.location, service) in keys or (
        subscriber_id, "line", line_id, DataKind.location, service
    ) in keys  # fmt: skip


def end_on_withdrawal(
    session: Session,
    *,
    subscriber_id: int,
    person_kind: PersonKind,
    person_id: int,
    line_id: int | None,
    data_kind: DataKind,
    service: str,
    now: datetime,
    policy: rules.RetentionPolicy,
) -> int:
    """The records the withdrawn consent kept fall back to transmission retention: erased at the next sweep,
    or when transmission no longer needs them if that is later (a communication of the last hours).
    Set-based: one UPDATE for those past transmission, then the few still within it. Returns how many."""
    if data_kind is DataKind.traffic:
        model, start = TrafficRecord, TrafficRecord.start_at
        whose = TrafficRecord.user_id == person_id if person_kind is PersonKind.line_user else and_(
            TrafficRecord.subscriber_id == subscriber_id, TrafficRecord.user_id.is_(None)
        )  # fmt: skip
    else:
        model, start = LocationRecord, LocationRecord.observed_at
        whose = (
            LocationRecord.line_id == line_id
            if person_kind is PersonKind.line_user
            else LocationRecord.subscriber_id == subscriber_id
        )
    kept = (whose, model.subscriber_id == subscriber_id, model.consented_service == service,
            model.retention_class == RetentionClass.consented, model.retain_until > now)  # fmt: skip
    hours = timedelta(hours=policy.transmission_hours)
    if model is TrafficRecord:
        over = or_(
            and_(TrafficRecord.ended.is_(True), TrafficRecord.end_at.is_not(None), TrafficRecord.end_at <= now - hours),
            and_(TrafficRecord.ended.is_(True), TrafficRecord.end_at.is_(None), start <= now - hours),
            and_(TrafficRecord.ended.is_(False), start <= now - timedelta(days=policy.open_session_days)),
        )
    else:
        over = start <= now - hours
    transmission = RetentionClass.transmission
    touched = session.execute(
        update(model).where(*kept, over).values(retention_class=transmission, retain_until=now)
    ).rowcount
    columns = (model.id, start) + ((TrafficRecord.end_at, TrafficRecord.ended) if model is TrafficRecord else ())
    moves = [
        {"record_id": row[0], "until": max(now, _transmission_until(row, policy))}
        for row in session.execute(select(*columns, model.retain_until).where(*kept))
    ]
    if moves:  # within the last hours of one person's records: few, one executemany
        table = model.__table__
        session.execute(
            update(table).where(table.c.id == bindparam("record_id"))
            .values(retention_class=transmission.value, retain_until=bindparam("until")),
            moves,
        )  # fmt: skip
    return touched + len(moves)


def _transmission_until(row, policy: rules.RetentionPolicy) -> datetime:
    """What transmission alone allows (`traffic.rules`), never beyond what the consent allowed."""
    if len(row) == 5:
        until = rules.transmission_until(row[1], row[2], row[3], policy)
    else:
        until = row[1] + timedelta(hours=policy.transmission_hours)
    return min(until, row[-1])
