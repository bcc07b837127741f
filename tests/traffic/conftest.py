"""Fixtures for the traffic tests: a subscriber with two lines (one with a named user), and an import helper."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import pytest
from sqlalchemy import Engine
from sqlmodel import Session, select

from provider.clock import FrozenClock
from provider.security.actor import system_actor
from provider.subscribers import service as subscribers
from provider.subscribers.models import Line, LineUser, SubscriberCreate
from traffic import service
from traffic.rules import RetentionPolicy

ACTOR = system_actor("traffic-tests")
MASTER = "test-master-key-one"
LINE_A, LINE_B = "+447700900001", "+447700900002"


@dataclass
class World:
    subscriber_id: int
    line_a: int
    line_b: int
    user_id: int


@pytest.fixture
def world(engine: Engine, clock: FrozenClock) -> World:
    data = SubscriberCreate(
        kind="individual", name="Ann Example", address="1 High Street, Leeds LS1 1AA", account_reference="ACC-1",
        lines=[{"number": LINE_A, "service": "mobile"}, {"number": LINE_B, "service": "mobile"}],
    )  # fmt: skip
    with Session(engine, expire_on_commit=False) as session:
        subscriber = subscribers.create_subscriber(session, actor=ACTOR, now=clock.now(), data=data)
        session.commit()
        lines = session.exec(select(Line).where(Line.subscriber_id == subscriber.id).order_by(Line.number)).all()
        user = LineUser(line_id=lines[0].id, name="Ben User", created_at=clock.now(), updated_at=clock.now())
        session.add(user)
        session.commit()
        return World(subscriber.id, lines[0].id, lines[1].id, user.id)


@pytest.fixture
def import_file(engine: Engine, clock: FrozenClock):
    def _import(path: Path, policy: RetentionPolicy | None = None, batch_size: int = 1000):
        return service.import_file(
            engine, path=path, actor=ACTOR, now=clock.now(), master_key=MASTER, policy=policy or RetentionPolicy(),
            batch_size=batch_size,
        )  # fmt: skip

    return _import


def give_consent(engine: Engine, now, world: World, *, service: str, data_kind: str = "traffic",
                 user_id: int | None = None) -> None:  # fmt: skip
    """A current consent of the subscriber (or of the named user) that keeps records for `service`
    (a value-added service's name, or "marketing"), written directly: the consent flow is tested in
    tests/traffic/consent."""
    from provider.wording.models import PersonKind
    from traffic.consent.models import ConsentAction, ConsentEvent, ConsentMethod, ConsentPurpose, ValueAddedService

    with Session(engine) as session:
        service_id = None
        if service != "marketing":
            vas = session.exec(select(ValueAddedService).where(ValueAddedService.name == service)).first()
            if vas is None:
                vas = ValueAddedService(name=service, created_at=now)
                session.add(vas)
                session.flush()
            service_id = vas.id
        session.add(
            ConsentEvent(
                subscriber_id=world.subscriber_id, person_id=user_id or world.subscriber_id,
                person_kind=PersonKind.line_user if user_id else PersonKind.subscriber, data_kind=data_kind,
                purpose=ConsentPurpose.marketing if service == "marketing" else ConsentPurpose.vas,
                service_id=service_id, action=ConsentAction.given, method=ConsentMethod.web, occurred_at=now,
                recorded_at=now, recorded_by="tests",
            )
        )  # fmt: skip
        session.commit()
