"""Directory use cases on one line: its choice (recorded with the notice version, channel and moment,
history kept) and the directory information notice on the wording core. Nothing here commits: the
caller's transaction does, with the audit event each change writes.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import literal, select
from sqlmodel import Session

from directories import rules
from directories.models import (
    ChoiceEventKind,
    ChoicePublic,
    ChoiceUpdate,
    DirectoryChoice,
    DirectoryChoiceEvent,
    NoticeParts,
)
from directories.queries import NOTICE_PURPOSE, informed_at_of
from provider.errors import FieldError, Invalid, invalid
from provider.security import audit
from provider.security.actor import Actor
from provider.subscribers import service as subscribers
from provider.subscribers.models import Line, Subscriber
from provider.wording import bulk as wording_bulk
from provider.wording import service as wording
from provider.wording.models import PersonKind, ServedChannel, WordingVersion
from provider.wording.rules import Purpose

NOTICE = Purpose(NOTICE_PURPOSE, "Directory information notice", parts=tuple(NoticeParts.model_fields))
CHOICE_FIELDS = ("listing", "name_form", "address_detail", "reverse_search")
ENTRY_FIELDS = ("listed_name", "listed_address", "listed_locality")


# --- the notice ------------------------------------------------------------------------------------


def current_notice(session: Session) -> WordingVersion | None:
    found = wording.versions_of(session, purpose=NOTICE)
    return found[0] if found else None


def save_notice(session: Session, *, actor: Actor, now: datetime, parts: NoticeParts) -> WordingVersion:
    """Save the notice's wording: a draft is edited in place, a served version makes the next one."""
    return wording.save(session, actor=actor, now=now, purpose=NOTICE, parts=parts.model_dump())


def notice_version(session: Session, version_id: int | None) -> WordingVersion | None:
    """The version named, which must be a directory notice; none named is none shown, never the current one."""
    if version_id is None:
        return None
    version = session.get(WordingVersion, version_id)
    if version is None or version.text_id != getattr(wording.find_text(session, purpose=NOTICE), "id", None):
        raise invalid("notice_version_id", f"{version_id} is not a version of the directory information notice")
    return version


def first_informed_at(session: Session, subscriber_id: int) -> datetime | None:
    return session.execute(select(informed_at_of(literal(subscriber_id)))).scalar_one_or_none()


# --- choices ---------------------------------------------------------------------------------------


def find_choice(session: Session, line_id: int) -> DirectoryChoice | None:
    return session.execute(select(DirectoryChoice).where(DirectoryChoice.line_id == line_id)).scalar_one_or_none()


def history(session: Session, line_id: int) -> list[DirectoryChoiceEvent]:
    return list(
        session.execute(
            select(DirectoryChoiceEvent)
            .where(DirectoryChoiceEvent.line_id == line_id)
            .order_by(DirectoryChoiceEvent.id.desc())
        ).scalars()
    )


def _state(choice: DirectoryChoice | None) -> rules.ChoiceState | None:
    if choice is None:
        return None
    return rules.ChoiceState(choice.listing, choice.reverse_search, choice.notice_version_id)


def choice_public(session: Session, *, line: Line, now: datetime, wait_days: int) -> ChoicePublic:
    subscriber = subscribers.get_subscriber(session, line.subscriber_id)
    choice = find_choice(session, line.id)
    informed_at = first_informed_at(session, subscriber.id)
    decision = rules.decide(
        kind=subscriber.kind, choice=_state(choice), first_informed_at=informed_at, now=now, wait_days=wait_days
    )
    if choice is not None:
        shown = {name: getattr(choice, name) for name in (*CHOICE_FIELDS, "notice_version_id", "channel", "chosen_at")}
    else:
        defaults = dict(zip(CHOICE_FIELDS, rules.defaults_for(subscriber.kind), strict=True))
        shown = defaults | {"notice_version_id": None, "channel": None, "chosen_at": None}
    return ChoicePublic(
        line_id=line.id,
        number=line.number,
        subscriber_id=subscriber.id,
        subscriber_kind=subscriber.kind,
        recorded=choice is not None,
        first_informed_at=informed_at,
        listed=decision.listed,
        reverse_allowed=decision.reverse_allowed,
        reason=decision.reason,
        history=[_event_summary(event) for event in history(session, line.id)],
        **shown,
    )


def _event_summary(event: DirectoryChoiceEvent) -> dict[str, Any]:
    fields = ("id", "kind", *CHOICE_FIELDS, *ENTRY_FIELDS, "notice_version_id", "channel", "chosen_at")
    return {name: getattr(event, name) for name in (*fields, "recorded_at", "recorded_by", "request_id")}


def summary(choice: DirectoryChoice | None) -> dict[str, Any] | None:
    if choice is None:
        return None
    names = (*CHOICE_FIELDS, *ENTRY_FIELDS, "notice_version_id", "channel", "chosen_at")
    return {name: getattr(choice, name) for name in names}


def append_event(
    session: Session,
    *,
    choice: DirectoryChoice,
    kind: ChoiceEventKind,
    actor: Actor,
    now: datetime,
    request_id: int | None = None,
) -> None:
    values = {name: getattr(choice, name) for name in (*CHOICE_FIELDS, *ENTRY_FIELDS)}
    session.add(
        DirectoryChoiceEvent(
            line_id=choice.line_id,
            subscriber_id=choice.subscriber_id,
            kind=kind,
            notice_version_id=choice.notice_version_id,
            channel=choice.channel,
            chosen_at=choice.chosen_at,
            recorded_at=now,
            recorded_by=actor.name,
            request_id=request_id,
            **values,
        )
    )


def _served(
    session: Session,
    *,
    version: WordingVersion,
    subscriber: Subscriber,
    line: Line,
    when: datetime,
    channel: ServedChannel,
) -> None:
    """Choosing after being shown the notice is a serving of it: recorded, it starts the opt-out period."""
    wording_bulk.record_served(
        session,
        version_id=version.id,
        channel=channel,
        served_at=when,
        people=[wording_bulk.Person(PersonKind.subscriber, subscriber.id, f"directory-choice-line-{line.id}")],
        served_in="directory_choice",
        served_in_id=line.id,
    )


def record_choice(session: Session, *, actor: Actor, now: datetime, line: Line, data: ChoiceUpdate) -> DirectoryChoice:
    """Record a line's directory choice; an individual's is made under the notice version shown."""
    subscriber = subscribers.get_subscriber(session, line.subscriber_id)
    chosen_at = data.chosen_at or now
    if chosen_at > now:
        raise invalid("chosen_at", "cannot be in the future")
    version = notice_version(session, data.notice_version_id)
    problems = rules.choice_errors(
        kind=subscriber.kind,
        listing=data.listing,
        notice_version_id=version.id if version else None,
        notice_saved=version is not None or current_notice(session) is not None,
    )
    if problems:
        raise Invalid("; ".join(reason for _, reason in problems), errors=[FieldError(*p) for p in problems])
    defaults = dict(zip(CHOICE_FIELDS, rules.defaults_for(subscriber.kind), strict=True))
    wanted = {name: defaults[name] if getattr(data, name) is None else getattr(data, name) for name in CHOICE_FIELDS}
    choice = find_choice(session, line.id)
    before = summary(choice)
    if choice is None:
        choice = DirectoryChoice(
            line_id=line.id,
            subscriber_id=subscriber.id,
            listing=wanted["listing"],
            reverse_search=wanted["reverse_search"],
            channel=data.channel,
            chosen_at=chosen_at,
            updated_at=now,
        )
    for name in CHOICE_FIELDS:
        setattr(choice, name, wanted[name])
    choice.notice_version_id = version.id if version else None
    choice.channel, choice.chosen_at, choice.updated_at = data.channel, chosen_at, now
    session.add(choice)
    session.flush()
    if subscriber.kind == rules.INDIVIDUAL and version is not None:
        _served(session, version=version, subscriber=subscriber, line=line, when=chosen_at, channel=data.channel)
    append_event(session, choice=choice, kind=ChoiceEventKind.choice, actor=actor, now=now)
    audit.record(
        session,
        actor=actor,
        action="directories.choice_recorded",
        entity_type="subscriber_line",
        entity_id=line.id,
        now=now,
        before=before,
        after=summary(choice),
    )
    return choice
