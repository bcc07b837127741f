"""The daily erasure of trace captures: a trace's captured callers are kept while it is active and for
the retention period after it ends, then erased with an audit event that names the count, not numbers."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import func, select
from sqlmodel import Session

from provider.line_identification import jobs, requests, service
from provider.line_identification.models import CallIn, TraceCapture, TraceCreate, TraceDecision
from provider.scheduler import registry
from provider.scheduler.catalogue import load_jobs
from provider.scheduler.registry import JobContext
from provider.security.actor import system_actor
from provider.security.models import AuditEvent
from provider.subscribers import service as subscribers
from provider.subscribers.models import SubscriberCreate

ACTOR = system_actor("tests")
ENDED, OPEN = "+442079460011", "+442079460012"
CALLER = "+441632960123"


@pytest.fixture
def traces(session, clock):
    """Two approved traces, each with one captured call: one ending in 7 days, one open-ended."""
    data = SubscriberCreate(
        kind="individual",
        name="Ann",
        address="1 High Street",
        account_reference="ACC-7",
        lines=[{"number": ENDED, "service": "fixed"}, {"number": OPEN, "service": "fixed"}],
    )
    subscriber = subscribers.create_subscriber(session, actor=ACTOR, now=clock.now(), data=data)
    lines = {line.number: line.id for line in subscribers.lines_of(session, subscriber.id)}
    made = {}
    for number, until in ((ENDED, clock.now() + timedelta(days=7)), (OPEN, None)):
        asked = TraceCreate(requested_by="Ann", channel="phone", description="Silent calls")
        trace = requests.request_trace(session, actor=ACTOR, now=clock.now(), line_id=lines[number], data=asked)
        decision = TraceDecision(necessary_and_expedient=True, reasons="Repeated", active_until=until)
        requests.decide_trace(session, actor=ACTOR, now=clock.now(), trace_id=trace.id, data=decision)
        made[number] = trace.id
    session.commit()
    return made


def _captures(engine) -> dict[int, int]:
    with Session(engine) as session:
        rows = session.execute(select(TraceCapture.trace_id, func.count()).group_by(TraceCapture.trace_id))
        return dict(rows.all())


def test_the_job_is_registered_daily():
    spec = registry.get(jobs.JOB_ID)
    assert spec.func is jobs.erase_trace_captures and spec.trigger == "cron"
    assert jobs.JOB_ID in {job.id for job in load_jobs()}


def test_captures_are_erased_once_the_trace_has_ended_plus_the_retention_period(
    engine, session, clock, settings, traces
):
    calls = [
        CallIn(network_number=CALLER, origin="uk_interconnect", dialled=number, privacy="restricted")
        for number in (ENDED, OPEN)
    ]
    decisions = service.decide_calls(session, settings=settings, now=clock.now(), calls=calls)
    session.commit()
    assert all(d.trace_id is not None for d in decisions)
    kept = settings.model_copy(update={"cli_trace_capture_retention_days": 30})
    context = JobContext(engine=engine, clock=clock, settings=kept)
    clock.advance(days=7 + 29)
    assert jobs.erase_trace_captures(context) == 0
    assert _captures(engine) == {traces[ENDED]: 1, traces[OPEN]: 1}
    clock.advance(days=1)
    assert jobs.erase_trace_captures(context) == 1
    assert _captures(engine) == {traces[OPEN]: 1}  # an open-ended trace is still active
    assert jobs.erase_trace_captures(context) == 0
    with Session(engine) as check:
        event = check.execute(
            select(AuditEvent).where(AuditEvent.action == "line_identification.trace_captures_erased")
        ).scalar_one()
    assert event.entity_id == str(traces[ENDED]) and CALLER not in str(event.after) and "1" in str(event.after)


def test_ending_a_trace_starts_its_retention_period(engine, session, clock, settings, traces):
    call = CallIn(network_number=CALLER, origin="uk_interconnect", dialled=OPEN)
    service.decide_calls(session, settings=settings, now=clock.now(), calls=[call])
    requests.end_trace(session, actor=ACTOR, now=clock.now(), trace_id=traces[OPEN])
    session.commit()
    context = JobContext(engine=engine, clock=clock, settings=settings)
    clock.advance(days=settings.cli_trace_capture_retention_days)
    assert jobs.erase_trace_captures(context) == 1
    assert _captures(engine) == {}
