"""Subscriber, line and line-user use cases: validate, write, audit — in the caller's transaction.

Inputs arrive as the validated Create/Update schemas (numbers already in E.164). Uniqueness of the
account reference and of line numbers is checked here and reported as a Conflict naming the field;
the unique indexes stay the last word if two writers race.

Audit summaries hold identifiers (ids, account reference, kind, service) and the *names* of changed
fields, never names, addresses or numbers: the chain cannot be edited, so personal data written
into it would survive the subscriber's erasure.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime
from typing import Any

from sqlalchemy import delete, insert
from sqlalchemy.exc import IntegrityError
from sqlmodel import Session, select

from provider.errors import Conflict, FieldError, Forbidden, NotFound, invalid
from provider.security import audit
from provider.security.actor import Actor
from provider.security.roles import Permission
from provider.subscribers.leaving import guard
from provider.subscribers.models import (
    Line,
    LineCreate,
    LineUpdate,
    LineUser,
    LineUserCreate,
    Subscriber,
    SubscriberCreate,
    SubscriberNameWord,
    SubscriberUpdate,
)
from provider.subscribers.search import indexed_words, name_key

REQUIRED_ON_UPDATE = {"kind", "name", "address", "account_reference", "number", "service"}


def _require_write(actor: Actor) -> None:
    if not actor.can(Permission.subscribers_write):
        raise Forbidden("changing subscribers needs the subscribers:write permission")


def _flush(session: Session) -> None:
    """Flush, turning a unique-index race lost to another writer into a Conflict."""
    try:
        session.flush()
    except IntegrityError as error:
        session.rollback()
        raise Conflict("the account reference or line number is already in use") from error


# --- look-ups -------------------------------------------------------------------------------


def get_subscriber(session: Session, subscriber_id: int) -> Subscriber:
    subscriber = session.get(Subscriber, subscriber_id)
    if subscriber is None:
        raise NotFound(f"subscriber {subscriber_id} not found")
    return subscriber


def get_line(session: Session, line_id: int) -> Line:
    line = session.get(Line, line_id)
    if line is None:
        raise NotFound(f"line {line_id} not found")
    return line


def find_subscriber_by_reference(session: Session, account_reference: str) -> Subscriber | None:
    return session.exec(select(Subscriber).where(Subscriber.account_reference == account_reference)).first()


def find_line_by_number(session: Session, e164: str) -> Line | None:
    return session.exec(select(Line).where(Line.number == e164)).first()


def lines_of(session: Session, subscriber_id: int) -> list[Line]:
    return list(session.exec(select(Line).where(Line.subscriber_id == subscriber_id).order_by(Line.id)))


def lines_by_subscriber(session: Session, subscriber_ids: Iterable[int]) -> dict[int, list[Line]]:
    ids = list(subscriber_ids)
    found: dict[int, list[Line]] = {subscriber_id: [] for subscriber_id in ids}
    if ids:
        for line in session.exec(select(Line).where(Line.subscriber_id.in_(ids)).order_by(Line.id)):
            found[line.subscriber_id].append(line)
    return found


def users_of(session: Session, line_id: int) -> list[LineUser]:
    return list(session.exec(select(LineUser).where(LineUser.line_id == line_id).order_by(LineUser.id)))


def users_by_line(session: Session, line_ids: Iterable[int]) -> dict[int, list[LineUser]]:
    ids = list(line_ids)
    found: dict[int, list[LineUser]] = {line_id: [] for line_id in ids}
    if ids:
        for user in session.exec(select(LineUser).where(LineUser.line_id.in_(ids)).order_by(LineUser.id)):
            found[user.line_id].append(user)
    return found


# --- uniqueness -----------------------------------------------------------------------------


def _ensure_reference_free(session: Session, reference: str, field: str, own_id: int | None = None) -> None:
    holder = find_subscriber_by_reference(session, reference)
    if holder is not None and holder.id != own_id:
        raise Conflict(
            f"{field}: account reference {reference!r} is already in use",
            errors=[FieldError(field, f"already used by subscriber {holder.id}")],
        )


def _ensure_number_free(session: Session, e164: str, field: str, own_id: int | None = None) -> None:
    holder = find_line_by_number(session, e164)
    if holder is not None and holder.id != own_id:
        raise Conflict(
            f"{field}: number {e164} is already in use",
            errors=[FieldError(field, f"already a line of subscriber {holder.subscriber_id}")],
        )


def _ensure_distinct_numbers(lines: list[LineCreate]) -> None:
    seen: set[str] = set()
    for index, line in enumerate(lines):
        if line.number in seen:
            raise Conflict(
                "the same number is given twice",
                errors=[FieldError(f"lines.{index}.number", "the same number appears twice")],
            )
        seen.add(line.number)


# --- subscribers ----------------------------------------------------------------------------


def _index_name(session: Session, subscriber: Subscriber) -> None:
    """Write the words the subscriber's name is found by, replacing any from an earlier name."""
    words = SubscriberNameWord.__table__  # type: ignore[attr-defined]
    session.execute(delete(words).where(words.c.subscriber_id == subscriber.id))
    rows = [
        {"subscriber_id": subscriber.id, "word": word, "name_key": subscriber.name_key}
        for word in indexed_words(subscriber.name, subscriber.name_key)
    ]
    if rows:
        session.execute(insert(words), rows)


def create_subscriber(session: Session, *, actor: Actor, now: datetime, data: SubscriberCreate) -> Subscriber:
    """Create a subscriber and any first lines given with it."""
    _require_write(actor)
    _ensure_reference_free(session, data.account_reference, "account_reference")
    _ensure_distinct_numbers(data.lines)
    for index, line in enumerate(data.lines):
        _ensure_number_free(session, line.number, f"lines.{index}.number")
    subscriber = Subscriber(
        **data.model_dump(exclude={"lines"}, mode="json"), name_key=name_key(data.name), created_at=now, updated_at=now
    )
    session.add(subscriber)
    _flush(session)
    _index_name(session, subscriber)
    audit.record(
        session,
        actor=actor,
        action="subscriber.created",
        entity_type="subscriber",
        entity_id=subscriber.id,
        now=now,
        after={"account_reference": subscriber.account_reference, "kind": subscriber.kind, "lines": len(data.lines)},
    )
    for line in data.lines:
        _insert_line(session, actor=actor, now=now, subscriber=subscriber, data=line)
    return subscriber


def _reject_nulls(changes: dict[str, Any]) -> None:
    for field, value in changes.items():
        if value is None and field in REQUIRED_ON_UPDATE:
            raise invalid(field, "may not be empty")


def update_subscriber(
    session: Session,
    *,
    actor: Actor,
    now: datetime,
    subscriber_id: int,
    changes: SubscriberUpdate,
) -> Subscriber:
    """Apply the fields that were sent; an update that changes nothing records nothing."""
    _require_write(actor)
    subscriber = get_subscriber(session, subscriber_id)
    guard.ensure_subscriber_open(session, subscriber_id)
    sent = changes.model_dump(exclude_unset=True, mode="json")
    _reject_nulls(sent)
    sent = {field: ("" if value is None else value) for field, value in sent.items()}
    changed = sorted(field for field, value in sent.items() if getattr(subscriber, field) != value)
    if not changed:
        return subscriber
    if "account_reference" in changed:
        _ensure_reference_free(session, sent["account_reference"], "account_reference", subscriber.id)
    before = {"changed": changed, "kind": subscriber.kind, "account_reference": subscriber.account_reference}
    for field in changed:
        setattr(subscriber, field, sent[field])
    subscriber.name_key = name_key(subscriber.name)
    subscriber.updated_at = now
    session.add(subscriber)
    _flush(session)
    if "name" in changed:
        _index_name(session, subscriber)
    audit.record(
        session,
        actor=actor,
        action="subscriber.updated",
        entity_type="subscriber",
        entity_id=subscriber.id,
        now=now,
        before=before,
        after={"changed": changed, "kind": subscriber.kind, "account_reference": subscriber.account_reference},
    )
    return subscriber


# --- lines ----------------------------------------------------------------------------------


def _insert_line(session: Session, *, actor: Actor, now: datetime, subscriber: Subscriber, data: LineCreate) -> Line:
    line = Line(
        subscriber_id=subscriber.id, number=data.number, service=data.service.value, created_at=now, updated_at=now
    )
    session.add(line)
    _flush(session)
    audit.record(
        session,
        actor=actor,
        action="line.created",
        entity_type="line",
        entity_id=line.id,
        now=now,
        after={"subscriber_id": subscriber.id, "service": line.service},
    )
    return line


def add_line(session: Session, *, actor: Actor, now: datetime, subscriber_id: int, data: LineCreate) -> Line:
    _require_write(actor)
    subscriber = get_subscriber(session, subscriber_id)
    guard.ensure_subscriber_open(session, subscriber_id)
    _ensure_number_free(session, data.number, "number")
    line = _insert_line(session, actor=actor, now=now, subscriber=subscriber, data=data)
    subscriber.updated_at = now
    session.add(subscriber)
    return line


def update_line(session: Session, *, actor: Actor, now: datetime, line_id: int, changes: LineUpdate) -> Line:
    _require_write(actor)
    line = get_line(session, line_id)
    guard.ensure_line_open(session, line_id)
    sent = changes.model_dump(exclude_unset=True, mode="json")
    _reject_nulls(sent)
    changed = sorted(field for field, value in sent.items() if getattr(line, field) != value)
    if not changed:
        return line
    if "number" in changed:
        _ensure_number_free(session, sent["number"], "number", line.id)
    before = {"changed": changed, "service": line.service}
    for field in changed:
        setattr(line, field, sent[field])
    line.updated_at = now
    session.add(line)
    _flush(session)
    audit.record(
        session,
        actor=actor,
        action="line.updated",
        entity_type="line",
        entity_id=line.id,
        now=now,
        before=before,
        after={"changed": changed, "service": line.service, "subscriber_id": line.subscriber_id},
    )
    return line


# --- named users ----------------------------------------------------------------------------


def add_line_user(session: Session, *, actor: Actor, now: datetime, line_id: int, data: LineUserCreate) -> LineUser:
    """Name a person who uses the line (PECR reg 2 'user'); they need not be the subscriber."""
    _require_write(actor)
    line = get_line(session, line_id)
    guard.ensure_line_open(session, line_id)
    user = LineUser(
        line_id=line.id,
        name=data.name,
        relationship=data.relationship,
        contact=data.contact,
        created_at=now,
        updated_at=now,
    )
    session.add(user)
    _flush(session)
    audit.record(
        session,
        actor=actor,
        action="line_user.created",
        entity_type="line_user",
        entity_id=user.id,
        now=now,
        after={"line_id": line.id, "subscriber_id": line.subscriber_id},
    )
    return user
