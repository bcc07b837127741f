"""JSON API for subscribers' requests: malicious-call traces (reg 15) and stopping call forwarding (reg 17).

Thin routes over `provider.line_identification.requests`; reading needs lines:read, changing lines:write.
"""

from __future__ import annotations

from fastapi import APIRouter
from sqlmodel import Session

from provider.db.session import SessionDep
from provider.line_identification import requests
from provider.line_identification.models import (
    DisclosureCreate,
    DisclosurePublic,
    ForwardingComplete,
    ForwardingCreate,
    ForwardingPublic,
    ForwardingRequest,
    TraceCreate,
    TraceDecision,
    TracePublic,
    TraceRequest,
)
from provider.security.actor import Actor
from provider.security.roles import Permission
from provider.web.deps import NowDep, SettingsDep, api_permission
from provider.web.params import IdPath

router = APIRouter(prefix="/api/v1", tags=["line identification"])
READ = Permission.lines_read
WRITE = Permission.lines_write


def trace_public(session: Session, trace: TraceRequest) -> TracePublic:
    disclosures = requests.disclosures_of(session, trace.id)
    return TracePublic(
        **trace.model_dump(),
        captures=requests.capture_count(session, trace.id),
        disclosures=[DisclosurePublic.model_validate(d, from_attributes=True) for d in disclosures],
    )


def forwarding_public(request: ForwardingRequest, now) -> ForwardingPublic:
    overdue = request.completed_at is None and request.due_at < now
    return ForwardingPublic(**request.model_dump(), overdue=overdue)


@router.post("/lines/{line_id:int}/traces", status_code=201, response_model=TracePublic, summary="Request a trace")
def create_trace(
    line_id: IdPath, data: TraceCreate, session: SessionDep, now: NowDep, actor: Actor = api_permission(WRITE)
) -> TracePublic:
    """The subscriber's request to trace malicious or nuisance calls to the line; decided separately."""
    trace = requests.request_trace(session, actor=actor, now=now, line_id=line_id, data=data)
    session.commit()
    return trace_public(session, trace)


@router.get("/traces/{trace_id:int}", response_model=TracePublic, summary="A trace request")
def read_trace(trace_id: IdPath, session: SessionDep, _actor: Actor = api_permission(READ)) -> TracePublic:
    return trace_public(session, requests.get_trace(session, trace_id))


@router.post("/traces/{trace_id:int}/decision", response_model=TracePublic, summary="Decide a trace request")
def decide_trace(
    trace_id: IdPath, data: TraceDecision, session: SessionDep, now: NowDep, actor: Actor = api_permission(WRITE)
) -> TracePublic:
    """Approve only when necessary and expedient (reasons required), with its active period; or refuse."""
    trace = requests.decide_trace(session, actor=actor, now=now, trace_id=trace_id, data=data)
    session.commit()
    return trace_public(session, trace)


@router.post("/traces/{trace_id:int}/end", response_model=TracePublic, summary="End an active trace now")
def end_trace(trace_id: IdPath, session: SessionDep, now: NowDep, actor: Actor = api_permission(WRITE)) -> TracePublic:
    trace = requests.end_trace(session, actor=actor, now=now, trace_id=trace_id)
    session.commit()
    return trace_public(session, trace)


@router.post(
    "/traces/{trace_id:int}/disclosures",
    status_code=201,
    response_model=DisclosurePublic,
    summary="Record a disclosure of a caller's identity",
)
def create_disclosure(
    trace_id: IdPath, data: DisclosureCreate, session: SessionDep, now: NowDep, actor: Actor = api_permission(WRITE)
) -> DisclosurePublic:
    """To whom, their legitimate interest, what and when; the one disclosing is the token's user."""
    disclosure = requests.record_disclosure(session, actor=actor, now=now, trace_id=trace_id, data=data)
    session.commit()
    return DisclosurePublic.model_validate(disclosure, from_attributes=True)


@router.post(
    "/lines/{line_id:int}/forwarding-requests",
    status_code=201,
    response_model=ForwardingPublic,
    summary="Request that call forwarding to the line be stopped",
)
def create_forwarding(
    line_id: IdPath,
    data: ForwardingCreate,
    session: SessionDep,
    now: NowDep,
    settings: SettingsDep,
    actor: Actor = api_permission(WRITE),
) -> ForwardingPublic:
    """Due PECR_CALL_FORWARDING_TARGET_HOURS after the request, as a deadline with reminders."""
    request = requests.request_forwarding_stop(
        session, actor=actor, now=now, line_id=line_id, data=data, target_hours=settings.call_forwarding_target_hours
    )
    session.commit()
    return forwarding_public(request, now)


@router.get("/forwarding-requests/{request_id:int}", response_model=ForwardingPublic, summary="A forwarding request")
def read_forwarding(
    request_id: IdPath, session: SessionDep, now: NowDep, _actor: Actor = api_permission(READ)
) -> ForwardingPublic:
    return forwarding_public(requests.get_forwarding(session, request_id), now)


@router.post(
    "/forwarding-requests/{request_id:int}/complete",
    response_model=ForwardingPublic,
    summary="Record that the forwarding was stopped",
)
def complete_forwarding(
    request_id: IdPath,
    data: ForwardingComplete,
    session: SessionDep,
    now: NowDep,
    actor: Actor = api_permission(WRITE),
) -> ForwardingPublic:
    request = requests.complete_forwarding_stop(session, actor=actor, now=now, request_id=request_id, data=data)
    session.commit()
    return forwarding_public(request, now)
