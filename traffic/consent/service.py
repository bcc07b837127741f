"""Consent use cases (PECR reg 7(3)-(4), 14(2)): capture a consent after its notice, withdraw it at
once, and read a subscriber's current consents and history. Each works in the caller's transaction
and writes an audit event; events are only ever appended.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import select
from sqlmodel import Session

from provider.errors import Conflict, FieldError, Invalid, NotFound
from provider.security import audit
from provider.security.actor import Actor
from provider.subscribers.leaving import guard
from provider.subscribers.models import Subscriber
from traffic import consented
from traffic import service as retention
from traffic.consent import notices, queries, rules
from traffic.consent.models import (
    ConsentAction,
    ConsentCreate,
    ConsentEvent,
    ConsentMethod,
    ConsentPublic,
    ConsentPurpose,
    DataKind,
    ValueAddedService,
    WithdrawalCreate,
)
from traffic.consent.people import Person, person_of
from traffic.policy import TrafficSettings

SETTINGS = TrafficSettings()


def _refuse(errors: list[FieldError]) -> None:
    if errors:
        raise Invalid("; ".join(f"{e.field}: {e.reason}" for e in errors), errors=errors)


def find_service(session: Session, name: str) -> ValueAddedService | None:
    return session.execute(select(ValueAddedService).where(ValueAddedService.name == name.strip())).scalar_one_or_none()


def service_named(session: Session, name: str, field: str = "service_name") -> ValueAddedService | None:
    """The value-added service of that name; None for an empty name; Invalid for an unknown one."""
    if not name.strip():
        return None
    found = find_service(session, name)
    if found is None:
        _refuse([FieldError(field, f"no value-added service is registered as {name.strip()!r}")])
    return found


def current_of(
    session: Session, person: Person, data_kind: DataKind, purpose: ConsentPurpose, service_id: int | None
) -> ConsentEvent | None:
    return session.execute(
        select(ConsentEvent)
        .where(
            ConsentEvent.subscriber_id == person.subscriber.id,
            ConsentEvent.person_kind == person.kind,
            ConsentEvent.person_id == person.id,
            ConsentEvent.data_kind == data_kind,
            ConsentEvent.purpose == purpose,
            ConsentEvent.service_id.is_(None) if service_id is None else ConsentEvent.service_id == service_id,
        )
        .order_by(ConsentEvent.id.desc())
        .limit(1)
    ).scalar_one_or_none()


def capture(
    session: Session, *, actor: Actor, now: datetime, subscriber: Subscriber, data: ConsentCreate
) -> ConsentEvent:
    """A consent given, after the notice its purpose needs was served to this very person; never by a
    subscriber, line or user that has left (the relationship the consent would serve is over)."""
    person = person_of(session, subscriber, data.user_id)
    guard.ensure_subscriber_open(session, subscriber.id)
    if person.is_user:
        guard.ensure_user_open(session, person.id)
    errors = rules.consent_scope_errors(data.data_kind, data.purpose, data.service_name)
    errors += rules.method_errors(
        data.method,
        agent_name=data.agent_name,
        script_version=data.script_version,
        evidence_reference=data.evidence_reference,
    )
    errors += rules.representative_errors(
        corporate=person.corporate, for_user=person.is_user, representative_name=data.representative_name
    )
    _refuse(errors)
    service = service_named(session, data.service_name) if data.purpose is ConsentPurpose.vas else None
    notice = rules.notice_for(data.data_kind, data.purpose)
    version = notices.check_version(session, version_id=data.version_id, notice=notice, service=service)
    given_at = data.given_at or now
    served_at = notices.first_served_at(session, version_id=version.id, person=person)
    _refuse(rules.timing_errors(given_at=given_at, served_at=served_at, now=now))
    event = _append(session, actor=actor, now=now, person=person, data=data, service=service, occurred_at=given_at)
    event.version_id = version.id
    event.script_version = data.script_version
    event.representative_name = data.representative_name
    event.representative_role = data.representative_role
    session.flush()
    _audit(session, actor=actor, now=now, event=event, service=service)
    return event


def withdraw(
    session: Session, *, actor: Actor, now: datetime, subscriber: Subscriber, data: WithdrawalCreate
) -> ConsentEvent:
    """Withdrawal takes effect at the moment it is recorded: it is never back-dated, and the records kept
    under the consent lose that retention in the same transaction (`traffic.consented`)."""
    person = person_of(session, subscriber, data.user_id)
    errors = rules.consent_scope_errors(data.data_kind, data.purpose, data.service_name)
    errors += rules.method_errors(
        data.method, agent_name=data.agent_name, evidence_reference=data.evidence_reference, giving=False
    )
    _refuse(errors)
    service = service_named(session, data.service_name) if data.purpose is ConsentPurpose.vas else None
    last = current_of(session, person, data.data_kind, data.purpose, service.id if service else None)
    if last is None or last.action is ConsentAction.withdrawn:
        raise Conflict(f"{person.words} has no current consent of this kind to withdraw")
    event = _append(session, actor=actor, now=now, person=person, data=data, service=service, occurred_at=now)
    event.action = ConsentAction.withdrawn
    session.flush()
    _audit(session, actor=actor, now=now, event=event, service=service)
    retention.end_consented_retention(
        session, person=person, data_kind=data.data_kind, service=service.name if service else consented.MARKETING,
        actor=actor, now=now, policy=SETTINGS.policy(),
    )  # fmt: skip
    return event


def _append(
    session: Session,
    *,
    actor: Actor,
    now: datetime,
    person: Person,
    data: ConsentCreate | WithdrawalCreate,
    service: ValueAddedService | None,
    occurred_at: datetime,
) -> ConsentEvent:
    event = ConsentEvent(
        subscriber_id=person.subscriber.id,
        person_kind=person.kind,
        person_id=person.id,
        data_kind=data.data_kind,
        purpose=data.purpose,
        service_id=service.id if service else None,
        action=ConsentAction.given,
        method=ConsentMethod(data.method.strip().lower()),
        agent_name=data.agent_name,
        evidence_reference=data.evidence_reference,
        occurred_at=occurred_at,
        recorded_at=now,
        recorded_by=actor.name,
    )
    session.add(event)
    return event


def _audit(
    session: Session, *, actor: Actor, now: datetime, event: ConsentEvent, service: ValueAddedService | None
) -> None:
    audit.record(
        session,
        actor=actor,
        action=f"traffic.consent_{event.action.value}",
        entity_type="traffic_consent",
        entity_id=event.id,
        now=now,
        after={
            "subscriber_id": event.subscriber_id,
            "person_kind": event.person_kind,
            "person_id": event.person_id,
            "data_kind": event.data_kind,
            "purpose": event.purpose,
            "service": service.name if service else "",
            "version_id": event.version_id,
            "method": event.method,
            "occurred_at": event.occurred_at,
        },
    )


def public(session: Session, events: list[ConsentEvent]) -> list[ConsentPublic]:
    names = _service_names(session, {e.service_id for e in events if e.service_id})
    return [
        ConsentPublic.model_validate(event, update={"service_name": names.get(event.service_id, "")})
        for event in events
    ]


def _service_names(session: Session, ids: set[int]) -> dict[int, str]:
    if not ids:
        return {}
    rows = session.execute(select(ValueAddedService.id, ValueAddedService.name).where(ValueAddedService.id.in_(ids)))
    return dict(rows.all())


def current(session: Session, subscriber_id: int) -> list[ConsentEvent]:
    return queries.current(session, [subscriber_id])


def history(session: Session, subscriber_id: int) -> list[ConsentEvent]:
    return queries.history(session, subscriber_id)


def get_event(session: Session, event_id: int) -> ConsentEvent:
    event = session.get(ConsentEvent, event_id)
    if event is None:
        raise NotFound(f"consent {event_id} not found")
    return event
