"""Helpers for the keepers' tests: a subscriber with two lines, its leave, and erasure asked for (refused
or done). The keepers are registered as the composition roots register them, from the manifests."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from itertools import count

import pytest
from sqlmodel import Session, select

from provider.domains import import_registrations
from provider.errors import Conflict
from provider.security.actor import system_actor
from provider.subscribers import service as subscribers
from provider.subscribers.leaving import service as leaving
from provider.subscribers.leaving.models import LeaveCreate, SubscriberErasureReceipt
from provider.subscribers.models import Line, SubscriberCreate

import_registrations()
ACTOR = system_actor("leaver-tests")
_numbers = count(100)


@dataclass
class Leaver:
    subscriber_id: int
    line_a: int
    line_b: int
    number_a: str
    number_b: str


def make_subscriber(session: Session, now: datetime, kind: str = "individual") -> Leaver:
    """A committed subscriber with two lines, not yet left."""
    numbers = [f"+4477009{next(_numbers):05d}" for _ in range(2)]
    data = SubscriberCreate(
        kind=kind, name="Ann Example", address="1 High Street, Leeds LS1 1AA",
        account_reference=f"ACC-{numbers[0][1:]}",
        lines=[{"number": number, "service": "mobile"} for number in numbers],
    )  # fmt: skip
    subscriber = subscribers.create_subscriber(session, actor=ACTOR, now=now, data=data)
    session.commit()
    lines = session.exec(select(Line).where(Line.subscriber_id == subscriber.id).order_by(Line.number)).all()
    return Leaver(subscriber.id, lines[0].id, lines[1].id, lines[0].number, lines[1].number)


def leave(session: Session, now: datetime, leaver: Leaver) -> None:
    leaving.leave_subscriber(
        session, actor=ACTOR, now=now, subscriber_id=leaver.subscriber_id, data=LeaveCreate(reason="ported_out")
    )
    session.commit()


def refusal(session: Session, now: datetime, leaver: Leaver) -> str:
    """Why erasure is refused now (it must be)."""
    with pytest.raises(Conflict) as refused:
        leaving.erase_subscriber(session, actor=ACTOR, now=now, subscriber_id=leaver.subscriber_id)
    session.rollback()
    return str(refused.value)


def erase(session: Session, now: datetime, leaver: Leaver) -> SubscriberErasureReceipt:
    receipt = leaving.erase_subscriber(session, actor=ACTOR, now=now, subscriber_id=leaver.subscriber_id)
    session.commit()
    return receipt


def kept(session: Session, now: datetime, leaver: Leaver, line_ids: list[int] | None = None) -> dict[str, tuple]:
    summary = leaving.summary(session, subscriber_id=leaver.subscriber_id, now=now, line_ids=line_ids)
    return {item.what: (item.why, item.records, item.until) for item in summary.kept}
