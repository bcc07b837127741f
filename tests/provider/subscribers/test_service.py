"""Subscriber use cases against a real database: uniqueness, audit, users who are not the subscriber."""

from __future__ import annotations

import json

import pytest
from sqlmodel import select

from provider.errors import Conflict, Forbidden, Invalid
from provider.security.actor import Actor, ActorKind
from provider.security.models import AuditEvent
from provider.security.roles import Role, permissions_for
from provider.subscribers import service
from provider.subscribers.models import (
    LineCreate,
    LineUpdate,
    LineUserCreate,
    SubscriberCreate,
    SubscriberKind,
    SubscriberUpdate,
)
from tests.provider.subscribers.conftest import ACTOR


def _events(session, action=None):
    statement = select(AuditEvent).order_by(AuditEvent.id)
    if action:
        statement = statement.where(AuditEvent.action == action)
    return list(session.exec(statement))


def test_creating_a_subscriber_with_a_line_audits_both_without_personal_data(session, clock):
    data = SubscriberCreate(
        kind="individual",
        name="Ann Example",
        address="1 High Street, Leeds LS1 1AA",
        email="ann@example.com",
        phone="07700 900001",
        account_reference="ACC-1",
        lines=[{"number": "020 7946 0123", "service": "fixed"}],
    )
    subscriber = service.create_subscriber(session, actor=ACTOR, now=clock.now(), data=data)
    session.commit()
    assert subscriber.phone == "+447700900001"
    assert subscriber.name_key == "ann example"
    assert [line.number for line in service.lines_of(session, subscriber.id)] == ["+442079460123"]
    events = _events(session)
    assert [e.action for e in events] == ["subscriber.created", "line.created"]
    assert json.loads(events[0].after) == {"account_reference": "ACC-1", "kind": "individual", "lines": 1}
    everything = " ".join(e.after or "" for e in events)
    assert "Ann" not in everything and "High Street" not in everything and "7946" not in everything


def test_corporate_and_individual_subscribers_keep_their_kind(session, clock, add_subscriber):
    firm = add_subscriber("CORP-1", name="Example Widgets Ltd", kind="corporate")
    person = add_subscriber("IND-1", name="Bob Example")
    assert service.get_subscriber(session, firm.id).kind == SubscriberKind.corporate
    assert service.get_subscriber(session, person.id).kind == SubscriberKind.individual


def test_a_named_user_of_a_line_need_not_be_the_subscriber(session, clock, add_subscriber):
    firm = add_subscriber("CORP-2", name="Example Widgets Ltd", kind="corporate", lines=[("07700 900002", "mobile")])
    line = service.lines_of(session, firm.id)[0]
    user = service.add_line_user(
        session,
        actor=ACTOR,
        now=clock.now(),
        line_id=line.id,
        data=LineUserCreate(name="Carol Driver", relationship="employee", contact="carol@example.com"),
    )
    session.commit()
    users = service.users_of(session, line.id)
    assert [(u.name, u.relationship) for u in users] == [("Carol Driver", "employee")]
    assert users[0].name != firm.name
    event = _events(session, "line_user.created")[0]
    assert event.entity_id == str(user.id) and "Carol" not in event.after


def test_duplicate_account_reference_is_a_conflict_naming_the_field(session, clock, add_subscriber):
    first = add_subscriber("ACC-DUP")
    data = SubscriberCreate(kind="individual", name="Other", address="2 Low Street", account_reference="ACC-DUP")
    with pytest.raises(Conflict) as conflict:
        service.create_subscriber(session, actor=ACTOR, now=clock.now(), data=data)
    assert [(e.field, e.reason) for e in conflict.value.errors] == [
        ("account_reference", f"already used by subscriber {first.id}")
    ]


def test_a_number_in_another_form_is_still_the_same_line(session, clock, add_subscriber):
    owner = add_subscriber("ACC-A", lines=[("+44 20 7946 0001", "fixed")])
    other = add_subscriber("ACC-B")
    with pytest.raises(Conflict) as conflict:
        service.add_line(
            session,
            actor=ACTOR,
            now=clock.now(),
            subscriber_id=other.id,
            data=LineCreate(number="020 7946 0001", service="voip"),
        )
    assert conflict.value.errors[0].field == "number"
    assert str(owner.id) in conflict.value.errors[0].reason


def test_the_same_number_twice_in_one_request_is_refused(session, clock):
    data = SubscriberCreate(
        kind="individual",
        name="Dee",
        address="3 Mill Lane",
        account_reference="ACC-T",
        lines=[{"number": "07700 900003", "service": "mobile"}, {"number": "+447700900003", "service": "mobile"}],
    )
    with pytest.raises(Conflict) as conflict:
        service.create_subscriber(session, actor=ACTOR, now=clock.now(), data=data)
    assert conflict.value.errors[0].field == "lines.1.number"


def test_update_records_changed_field_names_and_moves_updated_at(session, clock, add_subscriber):
    subscriber = add_subscriber("ACC-U", name="Eve Example")
    clock.advance(hours=2)
    service.update_subscriber(
        session,
        actor=ACTOR,
        now=clock.now(),
        subscriber_id=subscriber.id,
        changes=SubscriberUpdate(name="Eve Sample", kind="individual"),
    )
    session.commit()
    updated = service.get_subscriber(session, subscriber.id)
    assert updated.name_key == "eve sample"
    assert updated.updated_at == clock.now() and updated.created_at < updated.updated_at
    event = _events(session, "subscriber.updated")[0]
    assert json.loads(event.after)["changed"] == ["name"]
    assert "Eve" not in event.after and "Eve" not in event.before


def test_an_update_that_changes_nothing_is_not_audited(session, clock, add_subscriber):
    subscriber = add_subscriber("ACC-N", name="Fay Example")
    service.update_subscriber(
        session, actor=ACTOR, now=clock.now(), subscriber_id=subscriber.id, changes=SubscriberUpdate(name="Fay Example")
    )
    assert _events(session, "subscriber.updated") == []


def test_update_refuses_null_for_a_required_field(session, clock, add_subscriber):
    subscriber = add_subscriber("ACC-NULL")
    with pytest.raises(Invalid) as refused:
        service.update_subscriber(
            session, actor=ACTOR, now=clock.now(), subscriber_id=subscriber.id, changes=SubscriberUpdate(name=None)
        )
    assert refused.value.errors[0].field == "name"


def test_line_update_checks_the_new_number_and_audits(session, clock, add_subscriber):
    subscriber = add_subscriber("ACC-L", lines=[("07700 900010", "mobile"), ("07700 900011", "mobile")])
    first, second = service.lines_of(session, subscriber.id)
    with pytest.raises(Conflict):
        service.update_line(
            session, actor=ACTOR, now=clock.now(), line_id=first.id, changes=LineUpdate(number="07700900011")
        )
    session.rollback()
    service.update_line(
        session,
        actor=ACTOR,
        now=clock.now(),
        line_id=first.id,
        changes=LineUpdate(number="07700 900012", service="voip"),
    )
    session.commit()
    assert service.get_line(session, first.id).number == "+447700900012"
    assert json.loads(_events(session, "line.updated")[0].after)["changed"] == ["number", "service"]


def test_an_auditor_cannot_change_subscribers_even_through_the_service(session, clock):
    auditor = Actor(
        kind=ActorKind.user, name="auditor", user_id=1, role=Role.auditor, permissions=permissions_for(Role.auditor)
    )
    data = SubscriberCreate(kind="individual", name="Gil", address="4 Park Road", account_reference="ACC-F")
    with pytest.raises(Forbidden):
        service.create_subscriber(session, actor=auditor, now=clock.now(), data=data)
