"""JSON API of the disclosure-request register (reg 29A): requests, decisions, the procedure, the report."""

from __future__ import annotations

from typing import Annotated, Literal

from fastapi import APIRouter, Depends, Query
from fastapi.responses import Response

from provider.db.session import SessionDep
from provider.disclosures import documents, service
from provider.disclosures.models import (
    DecisionCreate,
    DisclosureCreate,
    DisclosureRequest,
    ProcedurePublic,
    ProcedureUpdate,
    ReportPublic,
    RequestCreate,
    RequestPublic,
)
from provider.moments import Day
from provider.profile.service import find_profile
from provider.security.actor import Actor
from provider.security.roles import Permission
from provider.web.deps import NowDep, SettingsDep, api_permission
from provider.web.params import path_loader

router = APIRouter(prefix="/api/v1/disclosures", tags=["disclosure requests"])
Reader = Annotated[Actor, api_permission(Permission.disclosures_read)]
Writer = Annotated[Actor, api_permission(Permission.disclosures_write)]
RequestPath = Annotated[DisclosureRequest, Depends(path_loader(service.get_request, "request_id"))]
MEDIA_TYPES = {"csv": "text/csv; charset=utf-8", "pdf": "application/pdf"}


def _public(request: DisclosureRequest) -> RequestPublic:
    return RequestPublic.model_validate(request, from_attributes=True)


@router.get("", response_model=list[RequestPublic])
def list_requests(_actor: Reader, session: SessionDep) -> list[RequestPublic]:
    """Every request, the latest received first."""
    return [_public(request) for request in service.list_requests(session)]


@router.post("", response_model=RequestPublic, status_code=201)
def record_request(actor: Writer, session: SessionDep, now: NowDep, body: RequestCreate) -> RequestPublic:
    """Record a request as received; it keeps the procedure version in force now."""
    request = service.record_request(session, actor=actor, now=now, data=body)
    session.commit()
    return _public(request)


@router.get("/procedure", response_model=list[ProcedurePublic])
def read_procedures(_actor: Reader, session: SessionDep) -> list[ProcedurePublic]:
    """Every version of the internal procedure, the first first."""
    return service.procedures(session)


@router.put("/procedure", response_model=ProcedurePublic)
def save_procedure(actor: Writer, session: SessionDep, now: NowDep, body: ProcedureUpdate) -> ProcedurePublic:
    """Save the procedure; once a request was handled under a version, a change makes the next version."""
    saved = service.save_procedure(session, actor=actor, now=now, change=body)
    session.commit()
    return saved


def report_download(content: bytes, fmt: str, report: ReportPublic) -> Response:
    filename = f"disclosure-requests-{report.date_from}-{report.date_to}.{fmt}"
    return Response(
        content, media_type=MEDIA_TYPES[fmt], headers={"Content-Disposition": f'attachment; filename="{filename}"'}
    )


def rendered(session: SessionDep, settings: SettingsDep, report: ReportPublic, fmt: str) -> Response:
    if fmt == "csv":
        return report_download(documents.report_csv(report, settings.zone), fmt, report)
    profile = find_profile(session)
    provider = profile.model_dump() if profile else {}
    return report_download(documents.report_pdf(report, provider=provider, zone=settings.zone), fmt, report)


@router.get(
    "/report", response_model=ReportPublic, responses={200: {"content": {"text/csv": {}, "application/pdf": {}}}}
)
def read_report(
    actor: Reader,
    session: SessionDep,
    settings: SettingsDep,
    now: NowDep,
    date_from: Annotated[Day, Query(description="first day, YYYY-MM-DD (London)")],
    date_to: Annotated[Day, Query(description="last day, YYYY-MM-DD (London), included")],
    format: Annotated[Literal["json", "csv", "pdf"], Query(description="json, csv or pdf")] = "json",
) -> ReportPublic | Response:
    """The report for the ICO: procedures, the number of requests, their legal bases and the responses."""
    report = service.report(session, actor=actor, now=now, date_from=date_from, date_to=date_to, zone=settings.zone)
    return report if format == "json" else rendered(session, settings, report, format)


@router.get("/{request_id:int}", response_model=RequestPublic)
def read_request(_actor: Reader, request: RequestPath) -> RequestPublic:
    return _public(request)


@router.post("/{request_id:int}/decision", response_model=RequestPublic)
def record_decision(
    actor: Writer, session: SessionDep, now: NowDep, request: RequestPath, body: DecisionCreate
) -> RequestPublic:
    """Decide the request, with reasons."""
    service.record_decision(session, actor=actor, now=now, request=request, data=body)
    session.commit()
    return _public(request)


@router.post("/{request_id:int}/disclosure", response_model=RequestPublic)
def record_disclosure(
    actor: Writer, session: SessionDep, now: NowDep, request: RequestPath, body: DisclosureCreate
) -> RequestPublic:
    """Record what was disclosed (a description, never the data itself), when and by whom."""
    service.record_disclosure(session, actor=actor, now=now, request=request, data=body)
    session.commit()
    return _public(request)
