"""The current state of consents, derived in SQL from the append-only events: for each person, data
kind, purpose and service, the event recorded last. One query answers for any number of subscribers.
"""

from __future__ import annotations

from collections.abc import Iterable

from sqlalchemy import func, select
from sqlmodel import Session

from traffic.consent.models import ConsentEvent

KEY = (
    ConsentEvent.subscriber_id,
    ConsentEvent.person_kind,
    ConsentEvent.person_id,
    ConsentEvent.data_kind,
    ConsentEvent.purpose,
    ConsentEvent.service_id,
)


def last_ids(subscriber_ids: Iterable[int]):
    """SELECT the id of the last event of every consent key of these subscribers (an index range each)."""
    return select(func.max(ConsentEvent.id)).where(ConsentEvent.subscriber_id.in_(list(subscriber_ids))).group_by(*KEY)


def current_statement(subscriber_ids: Iterable[int], *columns):
    """SELECT the last event (or these columns of it) of every consent key of these subscribers."""
    return select(*(columns or (ConsentEvent,))).where(ConsentEvent.id.in_(last_ids(subscriber_ids)))


def current(session: Session, subscriber_ids: Iterable[int]) -> list[ConsentEvent]:
    return list(session.execute(current_statement(subscriber_ids).order_by(ConsentEvent.id)).scalars())


def history(session: Session, subscriber_id: int) -> list[ConsentEvent]:
    """Every event of the subscriber and its line users, newest first."""
    return list(
        session.execute(
            select(ConsentEvent).where(ConsentEvent.subscriber_id == subscriber_id).order_by(ConsentEvent.id.desc())
        ).scalars()
    )
