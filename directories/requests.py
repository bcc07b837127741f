"""A subscriber's requests to verify, correct or withdraw their directory entry (PECR reg 18; free, at
any time). Recorded with the moment received; applied to the line's choice at once, so look-ups show
it as soon as it commits and every edition produced afterwards carries it. Editions already produced
keep what they contained; the request records which of them carried the line's old data.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import select
from sqlmodel import Session

from directories import rules, service
from directories.models import (
    EDITION_ENTRY,
    ChoiceEventKind,
    DirectoryChoice,
    DirectoryRequest,
    Listing,
    RequestCreate,
    RequestKind,
)
from provider.errors import invalid
from provider.security import audit
from provider.security.actor import Actor
from provider.subscribers import service as subscribers
from provider.subscribers.models import Line

EVENT_KINDS = {RequestKind.correct: ChoiceEventKind.correction, RequestKind.withdraw: ChoiceEventKind.withdrawal}


def editions_carrying(session: Session, line_id: int) -> list[int]:
    """The editions produced so far whose entries include this line."""
    query = select(EDITION_ENTRY.c.edition_id).where(EDITION_ENTRY.c.line_id == line_id).distinct()
    return sorted(session.execute(query).scalars())


def list_requests(session: Session, line_id: int) -> list[DirectoryRequest]:
    return list(
        session.execute(
            select(DirectoryRequest).where(DirectoryRequest.line_id == line_id).order_by(DirectoryRequest.id.desc())
        ).scalars()
    )


def _choice_for(session: Session, line: Line, now: datetime, data: RequestCreate) -> DirectoryChoice:
    """The line's choice, or one holding the defaults when none was recorded: a correction is not a choice
    made after the notice, so it starts no listing of its own (its notice version stays empty)."""
    found = service.find_choice(session, line.id)
    if found is not None:
        return found
    kind = subscribers.get_subscriber(session, line.subscriber_id).kind
    listing, name_form, detail, reverse = rules.defaults_for(kind)
    return DirectoryChoice(
        line_id=line.id,
        subscriber_id=line.subscriber_id,
        listing=listing,
        name_form=name_form,
        address_detail=detail,
        reverse_search=reverse,
        channel=data.channel,
        chosen_at=data.received_at,
        updated_at=now,
    )


def _apply(choice: DirectoryChoice, data: RequestCreate) -> None:
    if data.kind is RequestKind.withdraw:
        choice.listing = Listing.ex_directory
        return
    changes = {name: getattr(data, name) for name in service.ENTRY_FIELDS if getattr(data, name) is not None}
    if not changes:
        raise invalid("listed_name", "a correction names the listed name, address or locality to use")
    for name, value in changes.items():
        setattr(choice, name, value)


def record_request(
    session: Session, *, actor: Actor, now: datetime, line: Line, data: RequestCreate
) -> DirectoryRequest:
    """Record a request as received and apply it now (verify changes nothing)."""
    if data.received_at > now:
        raise invalid("received_at", "cannot be in the future")
    choice = service.find_choice(session, line.id)
    before = service.summary(choice) or {"recorded": False}
    request = DirectoryRequest(
        line_id=line.id,
        kind=data.kind,
        received_at=data.received_at,
        recorded_at=now,
        recorded_by=actor.name,
        channel=data.channel,
        note=data.note,
        before=audit_safe(before),
        old_data_editions=editions_carrying(session, line.id) if data.kind is not RequestKind.verify else [],
    )
    if data.kind is not RequestKind.verify:
        choice = _choice_for(session, line, now, data)
        _apply(choice, data)
        choice.updated_at = now
        session.add(choice)
    session.add(request)
    session.flush()
    request.after = audit_safe(service.summary(choice) or {"recorded": False})
    if data.kind in EVENT_KINDS:
        service.append_event(
            session, choice=choice, kind=EVENT_KINDS[data.kind], actor=actor, now=now, request_id=request.id
        )
    audit.record(
        session,
        actor=actor,
        action=f"directories.request_{data.kind.value}",
        entity_type="subscriber_line",
        entity_id=line.id,
        now=now,
        before=before,
        after=request.after,
    )
    return request


def audit_safe(values: dict) -> dict:
    """JSON-ready: enums as values, datetimes as ISO text."""
    return {
        name: getattr(value, "value", value) if not isinstance(value, datetime) else value.isoformat()
        for name, value in values.items()
    }
