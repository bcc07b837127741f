"""Itemised bills' use cases: record a subscriber's choice, take in a call list, produce a bill.

A bill is made from the traffic records of its period when the traffic module holds any for the
subscriber (they are what the network carried), and otherwise from the call list the billing system
imported; never from both, which would count a call twice. The bill says which it was made from.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

from sqlalchemy import select
from sqlmodel import Session

import traffic
from provider.billing import keys, rules
from provider.billing.models import (
    BillCall,
    BillingPublic,
    BillLine,
    BillPublic,
    BillSource,
    BillTotal,
    CallCategory,
    CallCreate,
    CallImportResult,
    ChoicePublic,
    ChoiceUpdate,
    ItemisedBillChoice,
)
from provider.clock import ensure_utc
from provider.db.bulk import insert_rows
from provider.errors import invalid
from provider.security import audit, envelope
from provider.security.actor import Actor
from provider.security.keystore import KeyStore
from provider.settings import Settings
from provider.subscribers.models import Line, Subscriber


def history(session: Session, subscriber_id: int) -> list[ItemisedBillChoice]:
    statement = (
        select(ItemisedBillChoice)
        .where(ItemisedBillChoice.subscriber_id == subscriber_id)
        .order_by(ItemisedBillChoice.recorded_at.desc(), ItemisedBillChoice.id.desc())
    )
    return list(session.scalars(statement))


def billing_of(session: Session, subscriber: Subscriber, settings: Settings) -> BillingPublic:
    entries = history(session, subscriber.id)
    itemised, is_default = rules.current_choice(
        [(entry.recorded_at, entry.id, entry.itemised) for entry in entries], settings.billing_itemised_by_default
    )
    return BillingPublic(
        subscriber_id=subscriber.id,
        itemised=itemised,
        default=is_default,
        history=[ChoicePublic.model_validate(entry, from_attributes=True) for entry in entries],
    )


def record_choice(
    session: Session, *, actor: Actor, now: datetime, subscriber: Subscriber, change: ChoiceUpdate, settings: Settings
) -> BillingPublic:
    """Append the subscriber's request; it governs every bill produced from now on."""
    requested_at = ensure_utc(change.requested_at) if change.requested_at else now
    if requested_at > now:
        raise invalid("requested_at", "cannot be in the future")
    before = billing_of(session, subscriber, settings)
    entry = ItemisedBillChoice(
        subscriber_id=subscriber.id,
        itemised=change.itemised,
        channel=change.channel,
        requested_at=requested_at,
        recorded_at=now,
        recorded_by=actor.name,
        note=change.note.strip(),
    )
    session.add(entry)
    session.flush()
    audit.record(
        session,
        actor=actor,
        action="billing.itemisation_changed",
        entity_type="subscriber",
        entity_id=subscriber.id,
        now=now,
        before={"itemised": before.itemised},
        after={"itemised": change.itemised, "channel": change.channel.value},
    )
    return billing_of(session, subscriber, settings)


def import_calls(
    session: Session,
    *,
    actor: Actor,
    now: datetime,
    subscriber: Subscriber,
    calls: Sequence[CallCreate],
    settings: Settings,
) -> CallImportResult:
    """Add the calls not seen before (idempotent on the billing system's `source_ref`); a call on a
    number that is not one of the subscriber's lines, or older than the call list keeps calls, refuses
    the whole batch, naming it. The number called is stored sealed under its bill period's key."""
    _check_calls(session, subscriber, calls, now, settings)
    wanted = {call.source_ref: call for call in calls}
    known = set(
        session.scalars(
            select(BillCall.source_ref).where(
                BillCall.subscriber_id == subscriber.id, BillCall.source_ref.in_(list(wanted))
            )
        )
    )
    period_keys = keys.PeriodKeys(settings.master_key_value(), KeyStore(settings.key_store))
    rows = [
        _sealed_row(call, subscriber.id, period_keys, now, settings) for ref, call in wanted.items() if ref not in known
    ]
    insert_rows(session, BillCall.__table__, rows)
    audit.record(
        session,
        actor=actor,
        action="billing.calls_imported",
        entity_type="subscriber",
        entity_id=subscriber.id,
        now=now,
        after={"added": len(rows), "already_present": len(calls) - len(rows)},
    )
    return CallImportResult(added=len(rows), already_present=len(calls) - len(rows))


def _check_calls(
    session: Session, subscriber: Subscriber, calls: Sequence[CallCreate], now: datetime, settings: Settings
) -> None:
    numbers = set(session.scalars(select(Line.number).where(Line.subscriber_id == subscriber.id)))
    months = settings.billing_call_list_months
    for index, call in enumerate(calls):
        if call.line_number not in numbers:
            raise invalid(f"calls.{index}.line_number", f"{call.line_number} is not a line of this subscriber")
        period = rules.period_of(ensure_utc(call.started_at), settings.zone)
        if rules.call_list_retain_until(period, months, settings.zone) <= now:
            raise invalid(
                f"calls.{index}.started_at",
                f"its bill period {period} ended more than {months} months ago: the call list no longer keeps it",
            )


def _sealed_row(
    call: CallCreate, subscriber_id: int, period_keys: keys.PeriodKeys, now: datetime, settings: Settings
) -> dict:
    started_at = ensure_utc(call.started_at)
    period = rules.period_of(started_at, settings.zone)
    retain_until = rules.call_list_retain_until(period, settings.billing_call_list_months, settings.zone)
    cipher = period_keys.writer(period, now=now)
    return {
        **call.model_dump(exclude={"called_number"}),
        "subscriber_id": subscriber_id,
        "started_at": started_at,
        "period": period,
        "called_number_enc": envelope.seal(cipher, keys.CALLED_NUMBER, call.called_number),
        "retain_until": retain_until,
    }


CATEGORY_OF_KIND = {"call": CallCategory.voice, "sms": CallCategory.sms, "mms": CallCategory.mms,
                    "data": CallCategory.data}  # fmt: skip


def _from_traffic(
    session: Session, subscriber_id: int, start: datetime, end: datetime, settings: Settings
) -> list[rules.Call]:
    records = traffic.billable_records(
        session, subscriber_id=subscriber_id, start=start, end=end, master_key=settings.master_key_value(),
        key_store=settings.key_store,
    )  # fmt: skip
    return [
        rules.Call(
            started_at=record.started_at,
            line_number=record.line_number,
            called_number=record.other_party or "",
            unreadable=record.other_party is None,
            category=CATEGORY_OF_KIND.get(record.kind, CallCategory.other),
            duration_seconds=record.duration_seconds,
            charge_pence=record.charge_pence,
        )
        for record in records
    ]


def _listed_call(row: BillCall, period_keys: keys.PeriodKeys) -> rules.Call:
    try:
        called = envelope.open_sealed(period_keys.reader(row.period), keys.CALLED_NUMBER, row.called_number_enc)
    except keys.KeyDestroyed:  # a key store not restored: the charge stands, the number cannot be shown
        called = None
    return rules.Call(
        started_at=row.started_at,
        line_number=row.line_number,
        called_number=called or "",
        unreadable=called is None,
        category=row.category,
        duration_seconds=row.duration_seconds,
        charge_pence=row.charge_pence,
        free_to_caller=row.free_to_caller,
    )


def _calls(
    session: Session, subscriber_id: int, period: str, settings: Settings
) -> tuple[list[rules.Call], BillSource]:
    start, end = rules.period_bounds(period, settings.zone)
    if from_traffic := _from_traffic(session, subscriber_id, start, end, settings):
        return from_traffic, BillSource.traffic_records
    statement = select(BillCall).where(
        BillCall.subscriber_id == subscriber_id, BillCall.started_at >= start, BillCall.started_at < end
    )
    period_keys = keys.PeriodKeys(settings.master_key_value(), KeyStore(settings.key_store))
    calls = [_listed_call(row, period_keys) for row in session.scalars(statement)]
    return calls, BillSource.call_list


def checked_period(period: str) -> str:
    try:
        rules.parse_period(period)
    except ValueError as error:
        raise invalid("period", str(error)) from error
    return period


def bill_for(session: Session, *, subscriber: Subscriber, period: str, now: datetime, settings: Settings) -> BillPublic:
    """The bill for a London month, with the choice in force now."""
    itemised = billing_of(session, subscriber, settings).itemised
    calls, source = _calls(session, subscriber.id, checked_period(period), settings)
    bill = rules.compose_bill(
        calls,
        itemised=itemised,
        prefixes=settings.billing_free_number_prefixes,
    )
    return BillPublic(
        subscriber_id=subscriber.id,
        account_reference=subscriber.account_reference,
        period=period,
        itemised=itemised,
        lines=[BillLine.model_validate(line, from_attributes=True) for line in bill.lines],
        totals=[BillTotal.model_validate(total, from_attributes=True) for total in bill.totals],
        total_charge_pence=bill.total_charge_pence,
        unreadable_calls=bill.unreadable,
        source=source,
        produced_at=now,
    )
