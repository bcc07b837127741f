"""Demo data: deterministic, realistic, numbers from Ofcom's drama ranges, written set-based."""

from __future__ import annotations

import json
import random

from sqlalchemy import func
from sqlmodel import Session, select

from provider.console.demo import load_demo_if_empty
from provider.profile.models import ProviderProfile
from provider.security.models import AuditEvent
from provider.subscribers import demo, phone
from provider.subscribers.models import Line, LineUser, Subscriber
from tests.provider.subscribers.conftest import ACTOR


def _people(count, seed=1):
    return list(demo.generate(random.Random(seed), demo.NumberPool(), count))


def test_the_same_seed_gives_the_same_people():
    assert [p.name for p in _people(50)] == [p.name for p in _people(50)]
    assert [p.name for p in _people(50)] != [p.name for p in _people(50, seed=2)]


def test_about_one_in_ten_is_corporate_and_some_lines_have_other_users():
    people = _people(2000)
    corporate = sum(p.kind == "corporate" for p in people)
    assert 150 <= corporate <= 250
    users = [u for p in people if p.kind == "individual" for line in p.lines for u in line.users]
    assert users and all(
        name != person.name for person in people for line in person.lines for name, _r, _c in line.users
    )


def test_a_default_demo_uses_only_reserved_drama_numbers_all_different():
    numbers = [line.number for p in _people(2000) for line in p.lines]
    assert len(set(numbers)) == len(numbers)
    assert all(phone.is_drama_number(n) for n in numbers)
    assert all(phone.is_valid(n) for n in numbers[:300])


def test_large_loads_continue_with_valid_distinct_numbers():
    numbers = [line.number for p in _people(30_000) for line in p.lines]
    assert len(set(numbers)) == len(numbers)
    beyond = [n for n in numbers if not phone.is_drama_number(n)]
    assert beyond and all(phone.is_valid(n) for n in beyond[::25])


def _counts(engine):
    with Session(engine) as session:
        return tuple(
            session.exec(select(func.count()).select_from(model)).one()
            for model in (Subscriber, Line, LineUser, AuditEvent)
        )


def test_loading_twice_adds_new_people_without_number_clashes(engine, clock):
    for _ in range(2):
        with Session(engine) as session:
            demo.load_demo(session, actor=ACTOR, now=clock.now(), count=120, batch_size=50)
            session.commit()
    subscribers, lines, users, events = _counts(engine)
    assert subscribers == 240 and lines > 240 and users > 0 and events == 2
    with Session(engine) as session:
        references = session.exec(select(Subscriber.account_reference).order_by(Subscriber.id)).all()
    assert references[0] == "DEMO-00000001" and references[-1] == "DEMO-00000240"


def test_load_demo_if_empty_adds_a_profile_and_subscribers_in_one_audit_event(engine, clock):
    assert load_demo_if_empty(engine, clock, count=40) is True
    assert load_demo_if_empty(engine, clock, count=40) is False
    subscribers, _lines, _users, _events = _counts(engine)
    assert subscribers == 40
    with Session(engine) as session:
        profile = session.get(ProviderProfile, 1)
        # one event for profile and subscribers; the demo breaches are audited by the breach services
        event = session.exec(select(AuditEvent).where(AuditEvent.action == "demo.loaded")).one()
    assert profile.legal_name == "Demo Telecom Ltd" and profile.ico_registration_number == "ZA123456"
    assert event.action == "demo.loaded"
    assert json.loads(event.after)["provider_profile"] == "added"


def test_load_demo_if_empty_keeps_an_existing_profile(engine, clock):
    with Session(engine) as session:
        session.add(
            ProviderProfile(
                id=1,
                legal_name="Real Telecom plc",
                address="1 Real Road",
                ico_registration_number="Z9999999",
                contact_name="Dee Pio",
                contact_email="dpo@real.example",
                contact_phone="020 7946 0000",
                updated_at=clock.now(),
            )
        )
        session.commit()
    load_demo_if_empty(engine, clock, count=5)
    with Session(engine) as session:
        assert session.get(ProviderProfile, 1).legal_name == "Real Telecom plc"
