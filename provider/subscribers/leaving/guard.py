"""Refusing writes to what has left: any domain (and the core's own subscriber service) calls these before
a new consent or a settings change. Withdrawing a consent is never refused."""

from __future__ import annotations

from sqlmodel import Session

from provider.errors import Conflict, FieldError
from provider.subscribers.leaving.rules import closed_words
from provider.subscribers.models import Line, LineUser, Subscriber


def _refuse(field: str, what: str, row: Subscriber | Line) -> None:
    words = closed_words(what, row.left_at, row.left_reason)
    raise Conflict(f"{field}: {words}", errors=[FieldError(field, words)])


def ensure_subscriber_open(session: Session, subscriber_id: int, field: str = "subscriber_id") -> None:
    subscriber = session.get(Subscriber, subscriber_id)
    if subscriber is not None and subscriber.left_at is not None:
        _refuse(field, f"subscriber {subscriber_id}", subscriber)


def ensure_line_open(session: Session, line_id: int, field: str = "line_id") -> None:
    line = session.get(Line, line_id)
    if line is not None and line.left_at is not None:
        _refuse(field, f"line {line_id}", line)
    if line is not None:
        ensure_subscriber_open(session, line.subscriber_id, field)


def ensure_user_open(session: Session, user_id: int, field: str = "user_id") -> None:
    user = session.get(LineUser, user_id)
    if user is None:
        return
    if user.removed_at is not None:
        words = "the named user was removed from the line: they can give no new consent through it"
        raise Conflict(f"{field}: {words}", errors=[FieldError(field, words)])
    ensure_line_open(session, user.line_id, field)
