"""Reg 15 traces (decision with reasons, active period, disclosures) and reg 17 forwarding requests
(a deadline on the core, reminded when overdue, met when stopped)."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import select

from provider.deadlines import reminders
from provider.deadlines.models import Obligation, Reminder
from provider.errors import Conflict, Invalid
from provider.line_identification import requests
from provider.line_identification.deadlines import CALL_FORWARDING
from provider.line_identification.models import (
    DisclosureCreate,
    ForwardingComplete,
    ForwardingCreate,
    TraceCreate,
    TraceDecision,
    TraceStatus,
)
from provider.security.actor import system_actor
from provider.subscribers import service as subscribers
from provider.subscribers.models import SubscriberCreate

ACTOR = system_actor("tests")


@pytest.fixture
def line_id(session, clock):
    data = SubscriberCreate(
        kind="individual",
        name="Ann",
        address="1 High Street",
        account_reference="ACC-9",
        lines=[{"number": "02079460009", "service": "fixed"}],
    )
    subscriber = subscribers.create_subscriber(session, actor=ACTOR, now=clock.now(), data=data)
    session.commit()
    found = subscribers.lines_of(session, subscriber.id)[0].id
    session.rollback()  # SQLite: leave no transaction holding the write lock while the app runs
    return found


def _trace(session, clock, line_id):
    data = TraceCreate(requested_by="Ann", channel="phone", description="Nuisance calls")
    return requests.request_trace(session, actor=ACTOR, now=clock.now(), line_id=line_id, data=data)


def test_a_trace_is_decided_once_with_reasons_and_disclosures_need_approval(session, clock, line_id):
    trace = _trace(session, clock, line_id)
    disclosure = DisclosureCreate(recipient="Police", legitimate_interest="Investigation", disclosed="caller number")
    with pytest.raises(Conflict):
        requests.record_disclosure(session, actor=ACTOR, now=clock.now(), trace_id=trace.id, data=disclosure)
    with pytest.raises(Invalid):
        bad = TraceDecision(necessary_and_expedient=True, reasons="x", active_until=clock.now() - timedelta(hours=1))
        requests.decide_trace(session, actor=ACTOR, now=clock.now(), trace_id=trace.id, data=bad)
    decision = TraceDecision(necessary_and_expedient=True, reasons="Threats made on 3 calls")
    requests.decide_trace(session, actor=ACTOR, now=clock.now(), trace_id=trace.id, data=decision)
    assert trace.status is TraceStatus.approved and trace.active_from == clock.now() and trace.decided_by == "tests"
    with pytest.raises(Conflict):
        requests.decide_trace(session, actor=ACTOR, now=clock.now(), trace_id=trace.id, data=decision)
    made = requests.record_disclosure(session, actor=ACTOR, now=clock.now(), trace_id=trace.id, data=disclosure)
    assert made.disclosed_by == "tests" and requests.disclosures_of(session, trace.id)[0].recipient == "Police"
    clock.advance(hours=1)
    requests.end_trace(session, actor=ACTOR, now=clock.now(), trace_id=trace.id)
    with pytest.raises(Conflict):
        requests.end_trace(session, actor=ACTOR, now=clock.now(), trace_id=trace.id)


def test_a_refused_trace_never_becomes_active(session, clock, line_id):
    trace = _trace(session, clock, line_id)
    decision = TraceDecision(necessary_and_expedient=False, reasons="One call only; not necessary")
    requests.decide_trace(session, actor=ACTOR, now=clock.now(), trace_id=trace.id, data=decision)
    assert trace.status is TraceStatus.refused and trace.active_from is None


def test_a_forwarding_request_is_a_deadline_reminded_when_overdue_and_met_when_stopped(
    session, clock, line_id, settings
):
    data = ForwardingCreate(forwarded_from="07700900123", requested_by="Ann", channel="email")
    request = requests.request_forwarding_stop(
        session, actor=ACTOR, now=clock.now(), line_id=line_id, data=data, target_hours=24
    )
    session.commit()
    assert request.due_at == clock.now() + timedelta(hours=24)
    (row,) = session.execute(select(Obligation).where(Obligation.owner_kind == CALL_FORWARDING)).scalars()
    assert row.owner_id == request.id and row.due_at == request.due_at and not row.statutory
    clock.advance(hours=25)
    reminders.record_due(session, now=clock.now(), settings=settings)
    session.commit()
    sent = list(session.execute(select(Reminder).where(Reminder.obligation_id == row.id)).scalars())
    assert sent, "an overdue forwarding request is reminded"
    requests.complete_forwarding_stop(
        session, actor=ACTOR, now=clock.now(), request_id=request.id, data=ForwardingComplete(notes="Removed")
    )
    session.commit()
    session.refresh(row)
    assert row.first_filed_at == clock.now() and row.late_by_seconds == 3600
    with pytest.raises(Conflict):
        requests.complete_forwarding_stop(
            session, actor=ACTOR, now=clock.now(), request_id=request.id, data=ForwardingComplete()
        )


def test_forwarding_pages_and_api(api_client, signed_in, line_id, clock):
    agent = api_client("agent")
    made = agent.post(
        f"/api/v1/lines/{line_id}/forwarding-requests",
        json={"forwarded_from": "07700900123", "requested_by": "Ann", "channel": "phone"},
    )
    assert made.status_code == 201, made.text
    body = made.json()
    assert body["overdue"] is False and body["due_at"].startswith("2026-03-11T12:00")
    clock.advance(hours=30)
    assert agent.get(f"/api/v1/forwarding-requests/{body['id']}").json()["overdue"] is True
    page = signed_in("agent").get(f"/line-identification/forwarding/{body['id']}")
    assert page.status_code == 200 and "overdue" in page.text
    done = agent.post(f"/api/v1/forwarding-requests/{body['id']}/complete", json={"notes": "done"})
    assert done.json()["completed_at"] and done.json()["overdue"] is False
