"""A second domain's declarations: its words, links and roles are used, and its reminders stay its own."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from sqlmodel import Session

from provider.deadlines import dashboard, inbox, registry, service
from provider.deadlines import reminders as sweep
from provider.deadlines.access import access_of
from provider.deadlines.models import Threshold
from provider.deadlines.registry import DeadlineKind, OwnerKind
from provider.security.actor import Actor, ActorKind
from provider.security.models import User
from provider.security.roles import Permission, Role, permissions_for

ANCHOR = datetime(2026, 3, 10, 14, 0, tzinfo=UTC)

ITEMS = OwnerKind(
    name="test_item",
    label="Test item",
    kinds=(DeadlineKind("answer", "answer to the request", fractions={Threshold.half: 0.5}),),
    read_permission=Permission.traffic_read,
    write_permission=Permission.traffic_write,
    fallback_roles=(Role.agent,),
    link=lambda owner_id, _period: f"/items/{owner_id}",
    subject=lambda reference, _period: f"request {reference}",
    references=lambda _session, ids: {owner_id: f"TI-{owner_id}" for owner_id in ids},
)


@pytest.fixture
def items(monkeypatch):
    monkeypatch.setitem(registry._OWNER_KINDS, ITEMS.name, ITEMS)
    return ITEMS


def _actor(role: Role) -> Actor:
    return Actor(kind=ActorKind.user, name=role.value, role=role, permissions=permissions_for(role))


def test_a_domains_reminder_uses_its_words_link_and_roles(engine, clock, settings, items):
    with Session(engine) as session:
        session.add(User(username="a", role="agent", email="agent@x.example", password_hash="-", created_at=ANCHOR))
        service.create(
            session,
            owner_kind=items.name,
            owner_id=7,
            kind="answer",
            recipient="subscriber",
            statutory=True,
            basis="a test",
            anchor_at=ANCHOR,
            due_at=ANCHOR + timedelta(days=2),
            now=ANCHOR,
        )
        session.commit()
        assert sweep.sweep(session, now=ANCHOR + timedelta(days=1), settings=settings) == 1
        (item,), _total = inbox.list_reminders(session)
        hidden, _ = inbox.list_reminders(session, owner_kinds=access_of(_actor(Role.breach_manager)).readable)
    assert item.description == "answer to the request (statutory deadline) for request TI-7"
    assert item.link == "/items/7" and item.reminder.recipients == ["agent@x.example"]
    assert item.public_fields == {}  # breach's own API fields are breach's
    assert hidden == []  # a breach manager does not see another domain's reminders


def test_an_obligation_of_a_kind_nobody_registered_stops_the_sweep_loudly(engine, settings):
    with Session(engine) as session:
        service.create(
            session,
            owner_kind="nobody",
            owner_id=1,
            kind="x",
            recipient="x",
            statutory=False,
            basis="x",
            anchor_at=ANCHOR,
            due_at=ANCHOR,
            now=ANCHOR,
        )
        session.commit()
        with pytest.raises(LookupError, match="nobody"):
            sweep.plan(session, now=ANCHOR, settings=settings)


def test_one_reminders_panel_per_read_permission(items):
    import breach.deadlines  # noqa: F401 - breach's kinds, as the app has them
    import directories.deadlines  # noqa: F401 - directory deliveries', as the app has them
    import provider.line_identification.deadlines  # noqa: F401 - call forwarding's, as the app has them
    import traffic.deadlines  # noqa: F401 - retention holds', as the app has them

    panels = {panel.permission: panel.title for panel in dashboard.panels()}
    assert panels == {
        Permission.breach_read: "Reminders: Breach, Breach log",
        Permission.traffic_read: "Reminders: Retention hold, Test item",
        Permission.lines_read: "Reminders: Call forwarding request",
        Permission.directories_read: "Reminders: Directory delivery",
    }
