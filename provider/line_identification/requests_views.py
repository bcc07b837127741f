"""Pages for subscribers' requests: a malicious-call trace (reg 15) with its decision and disclosures, and
a request to stop call forwarding (reg 17) with its deadline and completion.

Requests are made from the line's CLI page; each has its own page. Thin routes over
`provider.line_identification.requests`.
"""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import Depends, Request
from fastapi.responses import Response
from sqlmodel import Session

from provider.db.session import SessionDep
from provider.deadlines.presenters import owner_section
from provider.line_identification import forms, presenters, requests
from provider.line_identification.deadlines import CALL_FORWARDING
from provider.line_identification.forms import (
    COMPLETE_FORM,
    DISCLOSURE_FORM,
    FORWARDING_FORM,
    TRACE_DECISION_FORM,
    TRACE_FORM,
)
from provider.line_identification.models import (
    DisclosureCreate,
    ForwardingComplete,
    ForwardingCreate,
    TraceCreate,
    TraceDecision,
)
from provider.security.actor import Actor
from provider.security.roles import Permission
from provider.subscribers.models import Line
from provider.subscribers.paths import OwnedLinePath
from provider.web.csrf import html_router
from provider.web.deps import NowDep, SettingsDep, page_permission
from provider.web.forms import FormError, PageForm, Values, submit
from provider.web.params import IdPath
from provider.web.rendering import redirect, render

router = html_router()
Reader = Annotated[Actor, page_permission(Permission.lines_read)]
Writer = Annotated[Actor, page_permission(Permission.lines_write)]
TraceValues = Annotated[Values, Depends(TRACE_FORM.submitted)]
DecisionValues = Annotated[Values, Depends(TRACE_DECISION_FORM.submitted)]
DisclosureValues = Annotated[Values, Depends(DISCLOSURE_FORM.submitted)]
ForwardingValues = Annotated[Values, Depends(FORWARDING_FORM.submitted)]
CompleteValues = Annotated[Values, Depends(COMPLETE_FORM.submitted)]


def _request_form(
    request: Request, line: Line, form: str, values: dict, errors: list[FormError], status: int = 200
) -> Response:
    return render(
        request,
        "line_identification/request_form.html",
        {"line": line, "form": form, "values": values, "errors": errors, "channels": forms.CHANNEL_OPTIONS},
        status_code=status,
    )


@router.get("/subscribers/{subscriber_id:int}/lines/{line_id:int}/traces/new")
def new_trace_page(request: Request, _actor: Writer, line: OwnedLinePath) -> Response:
    return _request_form(request, line, "trace", {"channel": "phone"}, [])


@router.post("/subscribers/{subscriber_id:int}/lines/{line_id:int}/traces/new")
def new_trace_submit(
    request: Request, session: SessionDep, now: NowDep, actor: Writer, line: OwnedLinePath, values: TraceValues
) -> Response:
    """Record the subscriber's request to trace malicious or nuisance calls to the line."""

    def record() -> Any:
        data = TRACE_FORM.parse(TraceCreate, {name: values.get(name, "") for name in TRACE_FORM.labels})
        return requests.request_trace(session, actor=actor, now=now, line_id=line.id, data=data)

    return submit(
        session,
        TRACE_FORM,
        action=record,
        on_error=lambda errors, status: _request_form(request, line, "trace", values, errors, status),
        success=lambda trace: redirect(request, f"/line-identification/traces/{trace.id}", "Trace request recorded."),
    )


def _trace_page(
    request: Request, session: Session, trace_id: int, actor: Actor, errors: list[FormError], values: dict, status=200
) -> Response:
    trace = requests.get_trace(session, trace_id)
    return render(
        request,
        "line_identification/trace.html",
        {
            "trace": trace,
            "line": session.get(Line, trace.line_id),
            "disclosures": requests.disclosures_of(session, trace.id),
            "captures": requests.captures_of(session, trace.id),
            "statuses": presenters.TRACE_STATUS_LABELS,
            "channel_labels": presenters.CHANNEL_LABELS,
            "errors": errors,
            "values": values,
            "can_write": actor.can(Permission.lines_write),
        },
        status_code=status,
    )


@router.get("/line-identification/traces/{trace_id:int}")
def trace_page(request: Request, session: SessionDep, actor: Reader, trace_id: IdPath) -> Response:
    """The request, the decision with its reasons, the calls captured and every disclosure."""
    return _trace_page(request, session, trace_id, actor, [], {})


def _trace_submit(request, session, actor, trace_id, form: PageForm, values, action, flash: str) -> Response:
    return submit(
        session,
        form,
        action=action,
        on_error=lambda errors, status: _trace_page(request, session, trace_id, actor, errors, values, status),
        success=lambda _: redirect(request, f"/line-identification/traces/{trace_id}", flash),
    )


@router.post("/line-identification/traces/{trace_id:int}/decision")
def trace_decision_submit(
    request: Request,
    session: SessionDep,
    now: NowDep,
    settings: SettingsDep,
    actor: Writer,
    trace_id: IdPath,
    values: DecisionValues,
) -> Response:
    """Approve (necessary and expedient, active from now until the date given) or refuse, with reasons."""

    def record() -> Any:
        reading = TRACE_DECISION_FORM.read(values)
        until = reading.datetime("active_until", settings.zone)
        data = reading.schema(
            TraceDecision,
            {
                "necessary_and_expedient": reading.flag("necessary_and_expedient"),
                "reasons": values.get("reasons", ""),
                "active_until": until,
            },
        )
        reading.done()
        return requests.decide_trace(session, actor=actor, now=now, trace_id=trace_id, data=data)

    return _trace_submit(request, session, actor, trace_id, TRACE_DECISION_FORM, values, record, "Decision recorded.")


@router.post("/line-identification/traces/{trace_id:int}/disclosures")
def disclosure_submit(
    request: Request, session: SessionDep, now: NowDep, actor: Writer, trace_id: IdPath, values: DisclosureValues
) -> Response:
    """Record a disclosure of a caller's identity: to whom, their legitimate interest, what."""

    def record() -> Any:
        data = DISCLOSURE_FORM.parse(DisclosureCreate, {n: values.get(n, "") for n in DISCLOSURE_FORM.labels})
        return requests.record_disclosure(session, actor=actor, now=now, trace_id=trace_id, data=data)

    return _trace_submit(request, session, actor, trace_id, DISCLOSURE_FORM, values, record, "Disclosure recorded.")


@router.get("/subscribers/{subscriber_id:int}/lines/{line_id:int}/forwarding/new")
def new_forwarding_page(request: Request, _actor: Writer, line: OwnedLinePath) -> Response:
    return _request_form(request, line, "forwarding", {"channel": "phone"}, [])


@router.post("/subscribers/{subscriber_id:int}/lines/{line_id:int}/forwarding/new")
def new_forwarding_submit(
    request: Request,
    session: SessionDep,
    now: NowDep,
    settings: SettingsDep,
    actor: Writer,
    line: OwnedLinePath,
    values: ForwardingValues,
) -> Response:
    """Record the request; its deadline is the configured target hours from now."""

    def record() -> Any:
        data = FORWARDING_FORM.parse(ForwardingCreate, {n: values.get(n, "") for n in FORWARDING_FORM.labels})
        hours = settings.call_forwarding_target_hours
        return requests.request_forwarding_stop(
            session, actor=actor, now=now, line_id=line.id, data=data, target_hours=hours
        )

    return submit(
        session,
        FORWARDING_FORM,
        action=record,
        on_error=lambda errors, status: _request_form(request, line, "forwarding", values, errors, status),
        success=lambda item: redirect(request, f"/line-identification/forwarding/{item.id}", "Request recorded."),
    )


def _forwarding_page(request, session, request_id: int, actor: Actor, now, errors: list, status=200) -> Response:
    item = requests.get_forwarding(session, request_id)
    return render(
        request,
        "line_identification/forwarding.html",
        {
            "item": item,
            "line": session.get(Line, item.line_id),
            "now": now,
            "channel_labels": presenters.CHANNEL_LABELS,
            "errors": errors,
            "can_write": actor.can(Permission.lines_write),
            "deadline_owners": owner_section(session, actor, CALL_FORWARDING, item.id),
        },
        status_code=status,
    )


@router.get("/line-identification/forwarding/{request_id:int}")
def forwarding_page(request: Request, session: SessionDep, now: NowDep, actor: Reader, request_id: IdPath) -> Response:
    return _forwarding_page(request, session, request_id, actor, now, [])


@router.post("/line-identification/forwarding/{request_id:int}/complete")
def forwarding_complete_submit(
    request: Request, session: SessionDep, now: NowDep, actor: Writer, request_id: IdPath, values: CompleteValues
) -> Response:
    """The forwarding was stopped now: the deadline is met (late or on time, frozen)."""

    def record() -> Any:
        data = COMPLETE_FORM.parse(ForwardingComplete, {"notes": values.get("notes", "")})
        return requests.complete_forwarding_stop(session, actor=actor, now=now, request_id=request_id, data=data)

    return submit(
        session,
        COMPLETE_FORM,
        action=record,
        on_error=lambda errors, status: _forwarding_page(request, session, request_id, actor, now, errors, status),
        success=lambda _: redirect(request, f"/line-identification/forwarding/{request_id}", "Forwarding stopped."),
    )
