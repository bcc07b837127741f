"""The owner and deputy of an item: who may be named, the audit, the routes, and where reminders then go."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import select
from sqlmodel import Session

from breach.deadlines import BREACH
from breach.models import ObligationKind
from provider.deadlines import owners
from provider.deadlines import reminders as service
from provider.deadlines.models import Reminder, Threshold
from provider.errors import Invalid, NotFound
from provider.security.models import AuditEvent, User
from tests.breach.log.factories import add_breach, add_obligation
from tests.conftest import TESTER, csrf_from
from tests.provider.deadlines.conftest import DEPUTY as ESCALATION_ADDRESS

ANCHOR = datetime(2026, 3, 10, 14, 0, tzinfo=UTC)
DUE = ANCHOR + timedelta(hours=73)
# Every active breach manager and compliance officer with an address, the named ones included.
STAFF = [
    "compliance@northwind.example",
    "deputy.person@northwind.example",
    "manager@northwind.example",
    "owner@northwind.example",
]


def _people(engine, clock) -> dict[str, int]:
    """Staff inserted directly (a password hash per user would only slow these tests down)."""
    people = {}
    with Session(engine) as session:
        for username, role, address, active in (
            ("owner", "breach_manager", "owner@northwind.example", True),
            ("deputy", "compliance_officer", "deputy.person@northwind.example", True),
            ("mgr", "breach_manager", "manager@northwind.example", True),
            ("cco", "compliance_officer", "compliance@northwind.example", True),
            ("gone", "breach_manager", "former@northwind.example", False),
            ("agent", "agent", "agent@northwind.example", True),
            ("auditor", "auditor", "auditor@northwind.example", True),
        ):
            user = User(
                username=username,
                role=role,
                email=address,
                password_hash="unused",
                is_active=active,
                created_at=clock.now(),
            )
            session.add(user)
            session.flush()
            people[username] = user.id
        session.commit()
    return people


def _breach_with_deadline(engine, clock):
    breach = add_breach(engine, aware_at=ANCHOR, now=clock.now())
    add_obligation(
        engine, breach_id=breach.id, kind=ObligationKind.ico_notification, anchor_at=ANCHOR, due_at=DUE, now=clock.now()
    )
    return breach


def _set(engine, clock, breach_id: int, owner: int | None, deputy: int | None):
    with Session(engine, expire_on_commit=False) as session:
        row = owners.set_owner(
            session,
            actor=TESTER,
            now=clock.now(),
            owner_kind=BREACH,
            owner_id=breach_id,
            owner_user_id=owner,
            deputy_user_id=deputy,
        )
        session.commit()
        return row


def _sweep(engine, now, settings) -> int:
    with Session(engine, expire_on_commit=False) as session:
        return service.sweep(session, now=now, settings=settings)


def _recipients(engine) -> dict[Threshold, list[str]]:
    with Session(engine) as session:
        return {r.threshold: r.recipients for r in session.execute(select(Reminder)).scalars()}


# --- who is reminded ----------------------------------------------------------------------------------------


def test_a_named_owner_gets_the_marks_the_deputy_joins_when_overdue_and_takes_the_escalation(
    engine, clock, mail_settings, smtp_sink
):
    people = _people(engine, clock)
    breach = _breach_with_deadline(engine, clock)
    _set(engine, clock, breach.id, people["owner"], people["deputy"])
    assert _sweep(engine, ANCHOR + timedelta(hours=37), mail_settings) == 1
    assert _sweep(engine, DUE, mail_settings) == 2
    sent = _recipients(engine)
    assert sent[Threshold.half] == ["owner@northwind.example"]
    assert sent[Threshold.overdue] == ["deputy.person@northwind.example", "owner@northwind.example"]
    assert sent[Threshold.escalated] == ["deputy.person@northwind.example", ESCALATION_ADDRESS]
    assert sorted(sorted(m.recipients) for m in smtp_sink.messages) == sorted(sent.values())
    everyone_else = {"manager@northwind.example", "compliance@northwind.example"}
    assert not any(address in everyone_else for m in smtp_sink.messages for address in m.recipients)


def test_without_a_named_owner_breach_managers_and_compliance_officers_are_reminded(engine, clock, mail_settings):
    _people(engine, clock)
    _breach_with_deadline(engine, clock)
    _sweep(engine, DUE, mail_settings)
    sent = _recipients(engine)
    assert sent[Threshold.overdue] == STAFF
    assert sent[Threshold.escalated] == [ESCALATION_ADDRESS]


def test_an_owner_who_has_left_is_replaced_by_the_fallback_roles(engine, clock, mail_settings):
    people = _people(engine, clock)
    breach = _breach_with_deadline(engine, clock)
    _set(engine, clock, breach.id, people["owner"], None)
    with Session(engine) as session:
        session.get(User, people["owner"]).is_active = False
        session.commit()
    _sweep(engine, ANCHOR + timedelta(hours=37), mail_settings)
    assert _recipients(engine)[Threshold.half] == [address for address in STAFF if address != "owner@northwind.example"]


def test_another_breachs_owner_is_not_told(engine, clock, mail_settings):
    people = _people(engine, clock)
    owned, other = _breach_with_deadline(engine, clock), _breach_with_deadline(engine, clock)
    _set(engine, clock, owned.id, people["owner"], None)
    _sweep(engine, ANCHOR + timedelta(hours=37), mail_settings)
    with Session(engine) as session:
        rows = session.execute(select(Reminder)).scalars().all()
    by_obligation = {row.obligation_id: row.recipients for row in rows}
    assert sorted(by_obligation.values()) == sorted([["owner@northwind.example"], STAFF])
    assert other.id != owned.id


# --- naming them --------------------------------------------------------------------------------------------


def test_naming_an_owner_is_audited_on_the_breach_and_removing_them_too(engine, clock):
    people = _people(engine, clock)
    breach = _breach_with_deadline(engine, clock)
    _set(engine, clock, breach.id, people["owner"], people["deputy"])
    _set(engine, clock, breach.id, people["owner"], people["deputy"])  # unchanged: no second event
    assert _set(engine, clock, breach.id, None, None) is None
    with Session(engine) as session:
        events = session.execute(
            select(AuditEvent).where(AuditEvent.action == "breach.deadline_owner_set").order_by(AuditEvent.id)
        ).scalars()
        trail = [(e.entity_type, e.entity_id, json.loads(e.before), json.loads(e.after)) for e in events]
    assert trail == [
        ("breach", str(breach.id), {"owner": None, "deputy": None}, {"owner": "owner", "deputy": "deputy"}),
        ("breach", str(breach.id), {"owner": "owner", "deputy": "deputy"}, {"owner": None, "deputy": None}),
    ]


@pytest.mark.parametrize(
    ("owner", "deputy", "field"),
    [
        ("agent", None, "owner_user_id"),  # an agent cannot act on a breach
        ("auditor", None, "owner_user_id"),  # reads only
        ("gone", None, "owner_user_id"),  # no longer active
        (None, "deputy", "deputy_user_id"),  # a deputy needs an owner
        ("owner", "owner", "deputy_user_id"),  # and is someone else
    ],
)
def test_only_active_staff_who_may_act_can_be_named(engine, clock, owner, deputy, field):
    people = _people(engine, clock)
    breach = _breach_with_deadline(engine, clock)
    with pytest.raises(Invalid) as refused:
        _set(engine, clock, breach.id, people.get(owner), people.get(deputy))
    assert [error.field for error in refused.value.errors] == [field]


def test_an_unknown_item_or_kind_is_not_found(engine, clock):
    people = _people(engine, clock)
    with pytest.raises(NotFound):
        _set(engine, clock, 999, people["owner"], None)
    with Session(engine) as session, pytest.raises(NotFound):
        owners.set_owner(
            session,
            actor=TESTER,
            now=clock.now(),
            owner_kind="nothing",
            owner_id=1,
            owner_user_id=None,
            deputy_user_id=None,
        )


# --- the page section and the routes ------------------------------------------------------------------------


def test_the_breach_page_names_the_owner_and_lets_a_breach_manager_change_them(signed_in, engine, clock):
    people = _people(engine, clock)
    breach = _breach_with_deadline(engine, clock)
    manager = signed_in("breach_manager")
    page = manager.get(f"/breaches/{breach.id}").text
    assert 'id="deadline-owner"' in page and "reminders go to all breach managers and compliance officers" in page
    assert f'action="/deadlines/owners/breach/{breach.id}"' in page and f'value="{people["owner"]}"' in page
    assert f'value="{people["agent"]}"' not in page  # only people who may act are offered
    form = {"owner_user_id": str(people["owner"]), "deputy_user_id": str(people["deputy"])}
    response = manager.post(f"/deadlines/owners/breach/{breach.id}", data={**form, "csrf_token": csrf_from(page)})
    assert response.status_code == 303 and response.headers["location"] == f"/breaches/{breach.id}#deadline-owner"
    after = manager.get(f"/breaches/{breach.id}").text
    assert "Reminders go to <strong>owner</strong>" in after and "deputy\n  <strong>deputy</strong>" in after
    assert "Owner and deputy of this breach saved." in after


def test_a_refused_choice_goes_back_to_the_page_saying_why(signed_in, engine, clock):
    people = _people(engine, clock)
    breach = _breach_with_deadline(engine, clock)
    manager = signed_in("breach_manager")
    token = csrf_from(manager.get(f"/breaches/{breach.id}").text)
    same = {"owner_user_id": str(people["owner"]), "deputy_user_id": str(people["owner"]), "csrf_token": token}
    response = manager.post(f"/deadlines/owners/breach/{breach.id}", data=same)
    assert response.status_code == 303
    assert "choose someone other than the owner" in manager.get(f"/breaches/{breach.id}").text
    with Session(engine) as session:
        assert owners.find(session, BREACH, breach.id) is None


def test_the_form_needs_write_permission_csrf_and_an_existing_item(signed_in, engine, clock):
    people = _people(engine, clock)
    breach = _breach_with_deadline(engine, clock)
    form = {"owner_user_id": str(people["owner"])}
    auditor = signed_in("auditor")
    page = auditor.get(f"/breaches/{breach.id}").text
    assert "No named owner" in page and 'action="/deadlines/owners' not in page  # read only
    assert (
        auditor.post(f"/deadlines/owners/breach/{breach.id}", data={**form, "csrf_token": csrf_from(page)}).status_code
        == 403
    )
    manager = signed_in("breach_manager")
    token = csrf_from(manager.get("/reminders").text)
    assert manager.post(f"/deadlines/owners/breach/{breach.id}", data=form).status_code == 403
    assert manager.post("/deadlines/owners/breach/999", data={**form, "csrf_token": token}).status_code == 404
    assert manager.post("/deadlines/owners/traffic/1", data={**form, "csrf_token": token}).status_code == 404
    assert manager.post("/deadlines/owners/Bad-Kind/1", data={**form, "csrf_token": token}).status_code == 422
    bad = {"owner_user_id": "someone", "csrf_token": token}
    assert manager.post(f"/deadlines/owners/breach/{breach.id}", data=bad).status_code == 422


def test_the_api_reads_and_sets_the_owner_with_the_breach_permissions(api_client, engine, clock):
    people = _people(engine, clock)
    breach = _breach_with_deadline(engine, clock)
    url = f"/api/v1/deadlines/owners/breach/{breach.id}"
    reader = api_client("auditor", ["breach:read"])
    before = reader.get(url)
    assert before.status_code == 200 and before.json()["owner_user_id"] is None
    assert before.json()["fallback_roles"] == ["breach_manager", "compliance_officer"]
    assert reader.put(url, json={"owner_user_id": people["owner"]}).status_code == 403
    writer = api_client("breach_manager", ["breach:read", "breach:write"])
    done = writer.put(url, json={"owner_user_id": people["owner"], "deputy_user_id": people["deputy"]})
    assert done.status_code == 200, done.text
    assert (done.json()["owner_username"], done.json()["deputy_username"]) == ("owner", "deputy")
    refused = writer.put(url, json={"owner_user_id": people["agent"]})
    assert refused.status_code == 422 and refused.json()["errors"][0]["field"] == "owner_user_id"
    assert writer.put("/api/v1/deadlines/owners/breach/999", json={}).status_code == 404
    assert api_client("agent", scopes=["subscribers:read"]).get(url).status_code == 403
