"""Use cases for subscribers' requests: malicious and nuisance call tracing (reg 15) and stopping
unwanted call forwarding (reg 17).

A trace is requested, then decided: approved only when the provider is satisfied it is necessary and
expedient (reasons always recorded), with the period it is active; deciding bumps the state version, so
the next decision captures callers to the line. Every disclosure of a caller's identity is recorded with
its recipient, their legitimate interest, what was disclosed, when and by whom. The callers a trace
captured are erased once its period has ended plus PECR_CLI_TRACE_CAPTURE_RETENTION_DAYS (the daily job
in `jobs`); the record of disclosures stays. A forwarding request
owns a deadline on the core (target hours from the settings), met when the forwarding is stopped.

A line that has left may still get a request (the subscriber may have asked before leaving, or the
forwarding goes on after): the open request then keeps the leaver (`leavers`). An erased line gets none:
nobody is left to act for, and its deadline would remind staff about a line that no longer exists.
"""

from __future__ import annotations

from datetime import datetime, timedelta

from sqlalchemy import delete, func, select
from sqlmodel import Session

from provider.deadlines import service as deadlines
from provider.errors import Conflict, FieldError, NotFound, invalid
from provider.line_identification import cache
from provider.line_identification.deadlines import BASIS, CALL_FORWARDING, FORWARDING_STOPPED
from provider.line_identification.models import (
    DisclosureCreate,
    ForwardingComplete,
    ForwardingCreate,
    ForwardingRequest,
    TraceCapture,
    TraceCreate,
    TraceDecision,
    TraceDisclosure,
    TraceRequest,
    TraceStatus,
)
from provider.security import audit
from provider.security.actor import Actor
from provider.subscribers import service as subscribers
from provider.subscribers.models import Line

ERASED_LINE = "the line was erased: no request can be recorded for it"


def _audit(
    session: Session, actor: Actor, now: datetime, action: str, entity: str, entity_id: int, after: dict
) -> None:
    audit.record(
        session,
        actor=actor,
        action=f"line_identification.{action}",
        entity_type=entity,
        entity_id=entity_id,
        now=now,
        after=after,
    )


def _requestable_line(session: Session, line_id: int) -> Line:
    line = subscribers.get_line(session, line_id)
    if line.erased_at is not None:
        raise Conflict(f"line_id: {ERASED_LINE}", errors=[FieldError("line_id", ERASED_LINE)])
    return line


# --- tracing (reg 15) -----------------------------------------------------------------------------


def get_trace(session: Session, trace_id: int) -> TraceRequest:
    trace = session.get(TraceRequest, trace_id)
    if trace is None:
        raise NotFound(f"no trace request {trace_id}")
    return trace


def traces_of(session: Session, line_ids: list[int]) -> list[TraceRequest]:
    if not line_ids:
        return []
    query = select(TraceRequest).where(TraceRequest.line_id.in_(line_ids)).order_by(TraceRequest.id.desc())
    return list(session.execute(query).scalars())


def disclosures_of(session: Session, trace_id: int) -> list[TraceDisclosure]:
    query = select(TraceDisclosure).where(TraceDisclosure.trace_id == trace_id).order_by(TraceDisclosure.id)
    return list(session.execute(query).scalars())


def capture_count(session: Session, trace_id: int) -> int:
    query = select(func.count()).select_from(TraceCapture).where(TraceCapture.trace_id == trace_id)
    return int(session.execute(query).scalar_one())


def captures_of(session: Session, trace_id: int, limit: int = 200) -> list[TraceCapture]:
    query = select(TraceCapture).where(TraceCapture.trace_id == trace_id).order_by(TraceCapture.id.desc())
    return list(session.execute(query.limit(limit)).scalars())


def request_trace(session: Session, *, actor: Actor, now: datetime, line_id: int, data: TraceCreate) -> TraceRequest:
    line = _requestable_line(session, line_id)
    trace = TraceRequest(
        line_id=line.id,
        requested_by=data.requested_by,
        channel=data.channel,
        requested_at=data.requested_at or now,
        description=data.description,
        recorded_by=actor.name,
        created_at=now,
    )
    session.add(trace)
    session.flush()
    _audit(session, actor, now, "trace_requested", "line_trace_request", trace.id, {"line_id": line.id})
    return trace


def decide_trace(session: Session, *, actor: Actor, now: datetime, trace_id: int, data: TraceDecision) -> TraceRequest:
    """Approve (necessary and expedient, with its active period) or refuse, with reasons; once only."""
    trace = get_trace(session, trace_id)
    if trace.status is not TraceStatus.requested:
        raise Conflict(f"trace request {trace_id} was already decided ({trace.status.value})")
    if data.necessary_and_expedient:
        starts = data.active_from or now
        if data.active_until is not None and data.active_until <= starts:
            raise invalid("active_until", "must be after the start of the active period")
        trace.status, trace.active_from, trace.active_until = TraceStatus.approved, starts, data.active_until
    else:
        trace.status = TraceStatus.refused
    trace.decided_by, trace.decided_at, trace.reasons = actor.name, now, data.reasons
    cache.bump(session, now)
    after = {"status": trace.status, "active_from": trace.active_from, "active_until": trace.active_until}
    _audit(session, actor, now, "trace_decided", "line_trace_request", trace.id, after)
    return trace


def end_trace(session: Session, *, actor: Actor, now: datetime, trace_id: int) -> TraceRequest:
    trace = get_trace(session, trace_id)
    if trace.status is not TraceStatus.approved or (trace.active_until is not None and trace.active_until <= now):
        raise Conflict(f"trace request {trace_id} is not active")
    trace.active_until = max(now, trace.active_from or now)
    cache.bump(session, now)
    _audit(session, actor, now, "trace_ended", "line_trace_request", trace.id, {"active_until": trace.active_until})
    return trace


def erase_captures(session: Session, *, actor: Actor, now: datetime, retention: timedelta) -> int:
    """Erase the callers captured by traces whose active period ended at least `retention` ago (the
    caller commits); returns the rows erased. Each trace's erasure is audited with its count, never
    the numbers. A trace still active, or open-ended, keeps its captures until it is ended."""
    ended = select(TraceRequest.id).where(
        TraceRequest.active_until.is_not(None), TraceRequest.active_until <= now - retention
    )
    counts = session.execute(
        select(TraceCapture.trace_id, func.count())
        .where(TraceCapture.trace_id.in_(ended))
        .group_by(TraceCapture.trace_id)
        .order_by(TraceCapture.trace_id)
    ).all()
    if not counts:
        return 0
    session.execute(delete(TraceCapture).where(TraceCapture.trace_id.in_([trace_id for trace_id, _ in counts])))
    for trace_id, erased in counts:
        _audit(session, actor, now, "trace_captures_erased", "line_trace_request", trace_id, {"erased": erased})
    return sum(erased for _, erased in counts)


def record_disclosure(
    session: Session, *, actor: Actor, now: datetime, trace_id: int, data: DisclosureCreate
) -> TraceDisclosure:
    """A caller's identity disclosed from an approved trace, to someone with a legitimate interest."""
    trace = get_trace(session, trace_id)
    if trace.status is not TraceStatus.approved:
        raise Conflict(f"trace request {trace_id} was not approved: nothing traced may be disclosed")
    disclosure = TraceDisclosure(
        trace_id=trace.id,
        recipient=data.recipient,
        legitimate_interest=data.legitimate_interest,
        disclosed=data.disclosed,
        disclosed_at=data.disclosed_at or now,
        disclosed_by=actor.name,
    )
    session.add(disclosure)
    session.flush()
    after = {"trace_id": trace.id, "recipient": data.recipient, "legitimate_interest": data.legitimate_interest}
    _audit(session, actor, now, "identity_disclosed", "line_trace_disclosure", disclosure.id, after)
    return disclosure


# --- unwanted call forwarding (reg 17) -------------------------------------------------------------


def get_forwarding(session: Session, request_id: int) -> ForwardingRequest:
    request = session.get(ForwardingRequest, request_id)
    if request is None:
        raise NotFound(f"no call forwarding request {request_id}")
    return request


def forwarding_of(session: Session, line_ids: list[int]) -> list[ForwardingRequest]:
    if not line_ids:
        return []
    query = select(ForwardingRequest).where(ForwardingRequest.line_id.in_(line_ids))
    return list(session.execute(query.order_by(ForwardingRequest.id.desc())).scalars())


def open_forwarding(session: Session, limit: int = 200) -> list[ForwardingRequest]:
    query = select(ForwardingRequest).where(ForwardingRequest.completed_at.is_(None))
    return list(session.execute(query.order_by(ForwardingRequest.due_at).limit(limit)).scalars())


def request_forwarding_stop(
    session: Session, *, actor: Actor, now: datetime, line_id: int, data: ForwardingCreate, target_hours: int
) -> ForwardingRequest:
    line = _requestable_line(session, line_id)
    asked = data.requested_at or now
    request = ForwardingRequest(
        line_id=line.id,
        forwarded_from=data.forwarded_from,
        requested_by=data.requested_by,
        channel=data.channel,
        requested_at=asked,
        due_at=asked + timedelta(hours=target_hours),
        recorded_by=actor.name,
    )
    session.add(request)
    session.flush()
    deadlines.create(
        session,
        owner_kind=CALL_FORWARDING,
        owner_id=request.id,
        kind=FORWARDING_STOPPED,
        recipient="subscriber",
        statutory=False,
        basis=BASIS,
        anchor_at=asked,
        due_at=request.due_at,
        now=now,
    )
    after = {"line_id": line.id, "forwarded_from": data.forwarded_from, "due_at": request.due_at}
    _audit(session, actor, now, "forwarding_requested", "line_forwarding_request", request.id, after)
    return request


def complete_forwarding_stop(
    session: Session, *, actor: Actor, now: datetime, request_id: int, data: ForwardingComplete
) -> ForwardingRequest:
    request = get_forwarding(session, request_id)
    if request.completed_at is not None:
        raise Conflict(f"call forwarding request {request_id} was already completed")
    done = data.completed_at or now
    if done < request.requested_at:
        raise invalid("completed_at", "must not be before the request")
    request.completed_at, request.completed_by, request.notes = done, actor.name, data.notes
    for row in deadlines.for_owners(session, CALL_FORWARDING, [request.id])[request.id]:
        deadlines.meet(row, done)
    _audit(session, actor, now, "forwarding_stopped", "line_forwarding_request", request.id, {"completed_at": done})
    return request
