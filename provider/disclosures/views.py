"""The register's pages: the list, recording a request, its decision and disclosure."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import Depends, Request
from fastapi.responses import Response

from provider.db.session import SessionDep
from provider.disclosures import api as disclosures_api
from provider.disclosures import service
from provider.disclosures.api import RequestPath
from provider.disclosures.forms import DECISION_FORM, DISCLOSURE_FORM, PROCEDURE_FORM, REPORT_FORM, REQUEST_FORM
from provider.disclosures.models import (
    Decision,
    DecisionCreate,
    DisclosureCreate,
    DisclosureRequest,
    ProcedureUpdate,
    RequestCreate,
)
from provider.disclosures.presenters import BASIS_LABELS, DECISION_LABELS, reference
from provider.errors import DomainError
from provider.security.actor import Actor
from provider.security.roles import Permission
from provider.settings import Settings
from provider.web.csrf import html_router
from provider.web.deps import NowDep, SettingsDep, page_permission
from provider.web.forms import FormError, PageForm, Values, submit
from provider.web.rendering import redirect, render

router = html_router()
Reader = Annotated[Actor, page_permission(Permission.disclosures_read)]
Writer = Annotated[Actor, page_permission(Permission.disclosures_write)]
RequestValues = Annotated[Values, Depends(REQUEST_FORM.submitted)]
DecisionValues = Annotated[Values, Depends(DECISION_FORM.submitted)]
DisclosureValues = Annotated[Values, Depends(DISCLOSURE_FORM.submitted)]
ProcedureValues = Annotated[Values, Depends(PROCEDURE_FORM.submitted)]
ReportValues = Annotated[Values, Depends(REPORT_FORM.query)]
LABELS = {"bases": BASIS_LABELS, "decisions": DECISION_LABELS, "reference": reference}


@router.get("/disclosures")
def list_page(request: Request, actor: Reader, session: SessionDep) -> Response:
    context = {"requests": service.list_requests(session), "can_write": actor.can(Permission.disclosures_write)}
    return render(request, "disclosures/list.html", {**context, **LABELS})


def _new_page(request: Request, values: dict[str, Any], errors: list[FormError], status_code: int = 200) -> Response:
    context = {"values": values, "errors": errors, "bases": [(b.value, label) for b, label in BASIS_LABELS.items()]}
    return render(request, "disclosures/new.html", context, status_code=status_code)


@router.get("/disclosures/new")
def new_page(request: Request, _actor: Writer) -> Response:
    return _new_page(request, {"legal_basis": "ipa_authorisation"}, [])


@router.post("/disclosures/new")
def record_request(
    request: Request, actor: Writer, session: SessionDep, settings: SettingsDep, now: NowDep, values: RequestValues
) -> Response:
    created: list[DisclosureRequest] = []

    def record() -> None:
        reading = REQUEST_FORM.read(values)
        wanted = {
            "received_at": reading.datetime("received_at", settings.zone, required=True),
            "requesting_body": reading.text("requesting_body"),
            "legal_basis": reading.text("legal_basis"),
            "legal_reference": reading.text("legal_reference"),
            "data_requested": reading.text("data_requested"),
            "subscriber_id": reading.text("subscriber_id").strip() or None,
        }
        data = reading.schema(RequestCreate, wanted)
        reading.done()
        created.append(service.record_request(session, actor=actor, now=now, data=data))

    return submit(
        session,
        REQUEST_FORM,
        action=record,
        on_error=lambda errors, status: _new_page(request, values, errors, status),
        success=lambda _: redirect(request, f"/disclosures/{created[0].id}", "Recorded the request."),
    )


def _detail(
    request: Request,
    actor: Actor,
    found: DisclosureRequest,
    *,
    values: dict[str, Any] | None = None,
    errors: list[FormError] | None = None,
    status_code: int = 200,
) -> Response:
    context = {
        "item": found,
        "values": values or {},
        "errors": errors or [],
        "choices": [(d.value, DECISION_LABELS[d]) for d in Decision if d is not Decision.pending],
        "can_write": actor.can(Permission.disclosures_write),
        **LABELS,
    }
    return render(request, "disclosures/detail.html", context, status_code=status_code)


@router.get("/disclosures/{request_id:int}")
def detail_page(request: Request, actor: Reader, found: RequestPath) -> Response:
    return _detail(request, actor, found)


def _post(
    request: Request,
    session: SessionDep,
    settings: Settings,
    actor: Actor,
    found: DisclosureRequest,
    values: Values,
    form: PageForm,
    act: Any,
) -> Response:
    return submit(
        session,
        form,
        action=lambda: act(form.read(values), settings),
        on_error=lambda errors, status: _detail(
            request, actor, found, values=values, errors=errors, status_code=status
        ),
        success=lambda _: redirect(request, f"/disclosures/{found.id}", "Saved."),
    )


@router.post("/disclosures/{request_id:int}/decision")
def record_decision(
    request: Request,
    actor: Writer,
    session: SessionDep,
    settings: SettingsDep,
    now: NowDep,
    found: RequestPath,
    values: DecisionValues,
) -> Response:
    def act(reading: Any, settings: Settings) -> None:
        wanted = {
            "decision": reading.text("decision"),
            "reasons": reading.text("reasons"),
            "decided_at": reading.datetime("decided_at", settings.zone),
        }
        data = reading.schema(DecisionCreate, wanted)
        reading.done()
        service.record_decision(session, actor=actor, now=now, request=found, data=data)

    return _post(request, session, settings, actor, found, values, DECISION_FORM, act)


@router.post("/disclosures/{request_id:int}/disclosure")
def record_disclosure(
    request: Request,
    actor: Writer,
    session: SessionDep,
    settings: SettingsDep,
    now: NowDep,
    found: RequestPath,
    values: DisclosureValues,
) -> Response:
    def act(reading: Any, settings: Settings) -> None:
        wanted = {"summary": reading.text("summary"), "disclosed_at": reading.datetime("disclosed_at", settings.zone)}
        data = reading.schema(DisclosureCreate, wanted)
        reading.done()
        service.record_disclosure(session, actor=actor, now=now, request=found, data=data)

    return _post(request, session, settings, actor, found, values, DISCLOSURE_FORM, act)


def _procedure_page(request: Request, actor: Actor, session: SessionDep, values=None, errors=None, status_code=200):
    versions = service.procedures(session)
    latest = versions[-1] if versions else None
    shown = values or ({"title": latest.title, "body": latest.body} if latest else {"title": "", "body": ""})
    context = {
        "versions": list(reversed(versions)),
        "values": shown,
        "errors": errors or [],
        "can_write": actor.can(Permission.disclosures_write),
    }
    return render(request, "disclosures/procedure.html", context, status_code=status_code)


@router.get("/disclosures/procedure")
def procedure_page(request: Request, actor: Reader, session: SessionDep) -> Response:
    return _procedure_page(request, actor, session)


@router.post("/disclosures/procedure")
def save_procedure(
    request: Request, actor: Writer, session: SessionDep, now: NowDep, values: ProcedureValues
) -> Response:
    def save() -> None:
        reading = PROCEDURE_FORM.read(values)
        wanted = {
            "title": reading.text("title"),
            "body": reading.text("body"),
            "material_change": reading.flag("material_change"),
            "material_change_note": reading.text("material_change_note"),
        }
        change = reading.schema(ProcedureUpdate, wanted)
        reading.done()
        service.save_procedure(session, actor=actor, now=now, change=change)

    return submit(
        session,
        PROCEDURE_FORM,
        action=save,
        on_error=lambda errors, status: _procedure_page(request, actor, session, values, errors, status),
        success=lambda _: redirect(request, "/disclosures/procedure", "Saved the procedure."),
    )


@router.get("/disclosures/report")
def report_page(
    request: Request, actor: Reader, session: SessionDep, settings: SettingsDep, now: NowDep, values: ReportValues
) -> Response:
    reading = REPORT_FORM.read(values)
    date_from, date_to = reading.date("date_from"), reading.date("date_to")
    report = None
    if date_from and date_to and not reading.errors:
        try:
            report = service.report(
                session, actor=actor, now=now, date_from=date_from, date_to=date_to, zone=settings.zone
            )
        except DomainError as error:
            reading.errors += REPORT_FORM.from_domain(error)
        fmt = values.get("format")
        if report is not None and fmt in ("csv", "pdf"):
            return disclosures_api.rendered(session, settings, report, str(fmt))
    context = {"report": report, "values": values, "errors": reading.errors, **LABELS}
    return render(request, "disclosures/report.html", context, status_code=422 if reading.errors else 200)
