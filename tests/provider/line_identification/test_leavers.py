"""Line identification's keeper: an open malicious-call trace on a leaver's line keeps it (undecided, or
approved and still active); once closed, erasure takes the lines' CLI settings and history, unnames the
trace and forwarding requests, and renews the decision cache so no replica keeps the lines."""

from __future__ import annotations

from datetime import timedelta

from sqlmodel import Session, select

from provider.line_identification import cache, requests
from provider.line_identification import service as cli
from provider.line_identification.models import (
    CliSettingsUpdate,
    ForwardingComplete,
    ForwardingCreate,
    LineCliChange,
    LineCliSetting,
    TraceCreate,
    TraceDecision,
    TraceRequest,
)
from provider.subscribers.leaving import erasure
from provider.subscribers.models import Subscriber
from tests.provider.subscribers.leavers import ACTOR, erase, kept, leave, make_subscriber, refusal

UNDECIDED = "call trace requests (1) kept: a malicious or nuisance call trace asked for on its line is not decided yet"


def _with_trace(session: Session, now):
    leaver = make_subscriber(session, now)
    cli.update_settings(
        session, actor=ACTOR, now=now, line_id=leaver.line_a,
        data=CliSettingsUpdate(withhold_all=True, requested_by="Ann Example", channel="phone"),
    )  # fmt: skip
    trace = requests.request_trace(
        session, actor=ACTOR, now=now, line_id=leaver.line_b,
        data=TraceCreate(requested_by="Ann Example", channel="phone", description="calls every night from 3am"),
    )  # fmt: skip
    requests.request_forwarding_stop(
        session, actor=ACTOR, now=now, line_id=leaver.line_b, target_hours=24,
        data=ForwardingCreate(forwarded_from="+441134960999", requested_by="Ann Example", channel="phone"),
    )  # fmt: skip
    session.commit()
    return leaver, trace.id


def test_an_open_trace_keeps_a_leaver_and_once_ended_erasure_takes_its_cli_settings(session, clock):
    now = clock.now()
    leaver, trace_id = _with_trace(session, now)
    other, _ = _with_trace(session, now)
    leave(session, now, leaver)
    assert UNDECIDED + ", until its end is known" in refusal(session, now, leaver)
    assert list(kept(session, now, leaver, line_ids=[leaver.line_a])) == []  # the trace is on line B

    ends = now + timedelta(days=10)
    trace = requests.get_trace(session, trace_id)
    requests.decide_trace(
        session, actor=ACTOR, now=now, trace_id=trace_id,
        data=TraceDecision(necessary_and_expedient=True, reasons="repeated silent calls", active_until=ends),
    )  # fmt: skip
    session.commit()
    why, records, until = kept(session, now, leaver)["call trace requests"]
    assert (why, records, until) == ("a malicious or nuisance call trace on its line is still active", 1, ends)
    assert "still active, until" in refusal(session, now, leaver)

    [forwarding] = requests.forwarding_of(session, [leaver.line_b])
    assert "not done yet" in refusal(session, ends, leaver)  # the trace is over, the forwarding stop is not
    requests.complete_forwarding_stop(
        session, actor=ACTOR, now=now, request_id=forwarding.id, data=ForwardingComplete()
    )
    session.commit()
    epoch = cache.read_state(session)[0]
    receipt = erase(session, ends, leaver)
    counts = {key: value for key, value in receipt.counts.items() if key.startswith("line_identification.")}
    assert counts == {
        "line_identification.cli_settings": 1, "line_identification.cli_changes": 1,
        "line_identification.trace_requests_unnamed": 1, "line_identification.forwarding_requests_unnamed": 1,
    }  # fmt: skip
    lines = [leaver.line_a, leaver.line_b]
    assert session.exec(select(LineCliSetting).where(LineCliSetting.line_id.in_(lines))).all() == []
    assert session.exec(select(LineCliChange).where(LineCliChange.line_id.in_(lines))).all() == []
    session.refresh(trace)
    assert (trace.requested_by, trace.description, trace.reasons) == ("(erased)", "(erased)", "repeated silent calls")
    assert cache.read_state(session)[0] != epoch  # every replica reloads in full, without the erased lines
    assert session.exec(select(LineCliSetting).where(LineCliSetting.line_id == other.line_a)).one()
    assert (
        session.exec(select(TraceRequest).where(TraceRequest.line_id == other.line_b)).one().requested_by
        == "Ann Example"
    )


def test_a_refused_trace_keeps_nothing(session, clock):
    now = clock.now()
    leaver, trace_id = _with_trace(session, now)
    requests.decide_trace(
        session, actor=ACTOR, now=now, trace_id=trace_id,
        data=TraceDecision(necessary_and_expedient=False, reasons="a single call"),
    )  # fmt: skip
    [forwarding] = requests.forwarding_of(session, [leaver.line_b])
    requests.complete_forwarding_stop(
        session, actor=ACTOR, now=now, request_id=forwarding.id, data=ForwardingComplete()
    )
    session.commit()
    leave(session, now, leaver)
    assert "call trace requests" not in kept(session, now, leaver)
    assert erase(session, now, leaver).counts["line_identification.cli_settings"] == 1


def test_the_erasure_sweep_passes_over_a_leaver_whose_forwarding_stop_is_not_done(session, clock):
    now = clock.now()
    leaver = make_subscriber(session, now)
    forwarding = requests.request_forwarding_stop(
        session, actor=ACTOR, now=now, line_id=leaver.line_a, target_hours=24,
        data=ForwardingCreate(forwarded_from="+441134960999", requested_by="Ann Example", channel="phone"),
    )  # fmt: skip
    session.commit()
    leave(session, now, leaver)
    later = now + timedelta(days=30)
    erasure.sweep(session, actor=ACTOR, now=later)
    assert session.get(Subscriber, leaver.subscriber_id).erased_at is None

    requests.complete_forwarding_stop(
        session, actor=ACTOR, now=later, request_id=forwarding.id, data=ForwardingComplete()
    )
    session.commit()
    erasure.sweep(session, actor=ACTOR, now=later)
    session.expire_all()
    assert session.get(Subscriber, leaver.subscriber_id).erased_at == later
