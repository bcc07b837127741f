"""Fixtures for the subscriber tests: an acting user and a helper that creates subscribers."""

from __future__ import annotations

import pytest
from sqlalchemy import Engine
from sqlmodel import Session

from provider.clock import FrozenClock
from provider.security.actor import system_actor
from provider.subscribers import service
from provider.subscribers.models import Subscriber, SubscriberCreate

ACTOR = system_actor("subscriber-tests")


@pytest.fixture
def add_subscriber(engine: Engine, clock: FrozenClock):
    """add_subscriber(account_reference, name=..., kind=..., lines=[(number, service)]) -> committed Subscriber."""

    def _add(
        account_reference: str,
        name: str = "Ann Example",
        kind: str = "individual",
        lines: list[tuple[str, str]] | None = None,
        **fields: str,
    ) -> Subscriber:
        data = SubscriberCreate(
            kind=kind,
            name=name,
            address=fields.pop("address", "1 High Street, Leeds LS1 1AA"),
            account_reference=account_reference,
            lines=[{"number": n, "service": s} for n, s in lines or []],
            **fields,
        )
        with Session(engine, expire_on_commit=False) as session:
            subscriber = service.create_subscriber(session, actor=ACTOR, now=clock.now(), data=data)
            session.commit()
            return subscriber

    return _add
