"""Whose data it is: the subscriber, or a named user of one of its lines (PECR reg 2 "user").

Consent is the person's own, so every use case first settles who the person is and refuses a user
who is not on one of the subscriber's lines.
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlmodel import Session

from provider.errors import invalid
from provider.subscribers.models import Line, LineUser, Subscriber, SubscriberKind
from provider.wording.models import PersonKind


@dataclass(frozen=True)
class Person:
    kind: PersonKind
    id: int
    subscriber: Subscriber
    line_id: int | None = None  # the user's line; None for the subscriber
    name: str = ""

    @property
    def is_user(self) -> bool:
        return self.kind is PersonKind.line_user

    @property
    def corporate(self) -> bool:
        return self.subscriber.kind == SubscriberKind.corporate

    @property
    def words(self) -> str:
        return "the line user" if self.is_user else "the subscriber"


def person_of(session: Session, subscriber: Subscriber, user_id: int | None) -> Person:
    """The subscriber itself, or the named user `user_id` of one of its lines."""
    if user_id is None:
        return Person(PersonKind.subscriber, subscriber.id, subscriber, name=subscriber.name)
    user = session.get(LineUser, user_id)
    line = session.get(Line, user.line_id) if user else None
    if line is None or line.subscriber_id != subscriber.id:
        raise invalid("user_id", "not a named user of this subscriber's lines")
    return Person(PersonKind.line_user, user.id, subscriber, line_id=line.id, name=user.name)
