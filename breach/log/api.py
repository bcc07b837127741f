"""JSON API of the breach log: read a month's log (JSON, CSV, PDF or XLSX) and record its submission."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Any, Literal

from fastapi import APIRouter, Path, Query
from fastapi.responses import Response
from sqlmodel import Session

from breach.log import service
from breach.log.models import BreachLogPublic, LogSubmissionCreate, LogSubmissionPublic
from breach.log.xlsx import render_xlsx
from provider.db.session import SessionDep
from provider.errors import NotFound
from provider.security.actor import Actor
from provider.security.roles import Permission
from provider.web.deps import NowDep, SettingsDep, api_permission

router = APIRouter(prefix="/api/v1/breach-log", tags=["breach log"])

MonthQuery = Annotated[str, Query(min_length=1, max_length=7, description="the London month, YYYY-MM")]
MonthPath = Annotated[str, Path(min_length=1, max_length=7, description="the London month, YYYY-MM")]
DOWNLOADS: dict = {200: {"content": {"text/csv": {}, "application/pdf": {}, "application/vnd.ms-excel": {}}}}
Reader = Annotated[Actor, api_permission(Permission.breach_read)]
Writer = Annotated[Actor, api_permission(Permission.breach_write)]
MEDIA_TYPES = {
    "csv": "text/csv; charset=utf-8",
    "pdf": "application/pdf",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
}


def download(content: bytes, fmt: str, filename: str) -> Response:
    return Response(
        content, media_type=MEDIA_TYPES[fmt], headers={"Content-Disposition": f'attachment; filename="{filename}"'}
    )


@router.get(
    "",
    response_model=BreachLogPublic,
    responses={200: {"content": {"text/csv": {}, "application/pdf": {}, MEDIA_TYPES["xlsx"]: {}}}},
)
def read_log(
    _actor: Reader,
    session: SessionDep,
    settings: SettingsDep,
    month: MonthQuery,
    now: NowDep,
    format: Annotated[Literal["json", "csv", "pdf", "xlsx"], Query(description="json, csv, pdf or xlsx")] = "json",
) -> BreachLogPublic | Response:
    """A month's breach log: every breach the provider became aware of that month (nil return if none).
    Every export says when and by whom it was produced, and whether the month was still open."""
    period = service.checked_period(month)
    if format == "json":
        return service.log_public(session, period=period, due_day=settings.breach_log_due_day, zone=settings.zone)
    return export(session, period=period, fmt=format, zone=settings.zone, now=now, by=_actor.name)


def export(session: Session, *, period: str, fmt: str, zone: Any, now: datetime, by: str) -> Response:
    """The month's log as CSV, PDF or XLSX, stamped as produced `now` by `by`. The X-Content-SHA256 header is
    the SHA-256 of the log's content (its PDF unstamped), which `expected_pdf_sha256` takes when recording."""
    content = service.build_log(session, period=period, zone=zone)
    digest = service.sha256(service.render_documents(content)[1])
    log = service.stamped(
        content.model_copy(update={"provisional": service.rules.is_provisional(content.period_end, now)}),
        now=now,
        by=by,
    )
    if fmt == "xlsx":
        response = download(render_xlsx(log), fmt, f"breach-log-{period}.{fmt}")
    else:
        csv_bytes, pdf_bytes = service.render_documents(log)
        response = download(csv_bytes if fmt == "csv" else pdf_bytes, fmt, f"breach-log-{period}.{fmt}")
    response.headers["X-Content-SHA256"] = digest
    return response


@router.get("/{month}/submissions", response_model=list[LogSubmissionPublic])
def read_submissions(_actor: Reader, session: SessionDep, month: MonthPath) -> list[LogSubmissionPublic]:
    """The recorded submission of the month, if any (a list, empty until it is recorded)."""
    found = service.find_submission(session, service.checked_period(month))
    return [LogSubmissionPublic.model_validate(found, from_attributes=True)] if found else []


@router.post("/{month}/submissions", response_model=LogSubmissionPublic, status_code=201)
def record_submission(
    actor: Writer,
    session: SessionDep,
    settings: SettingsDep,
    now: NowDep,
    month: MonthPath,
    body: LogSubmissionCreate,
) -> LogSubmissionPublic:
    """Record that the month's log (or nil return) was sent to the ICO; stores the documents sent."""
    submission = service.record_submission(
        session,
        actor=actor,
        now=now,
        period=service.checked_period(month),
        sent_at=body.sent_at,
        method=body.method,
        recipient=body.recipient,
        note=body.note,
        due_day=settings.breach_log_due_day,
        zone=settings.zone,
        expected_pdf_sha256=body.expected_pdf_sha256,
        confirm_incomplete=body.confirm_incomplete,
        incomplete_reason=body.incomplete_reason,
    )
    session.commit()
    return LogSubmissionPublic.model_validate(submission, from_attributes=True)


@router.get("/{month}/submissions/document.{fmt}")
def read_submitted_document(
    _actor: Reader,
    session: SessionDep,
    month: MonthPath,
    fmt: Literal["csv", "pdf"],
) -> Response:
    """The exact CSV or PDF recorded as sent for the month."""
    found = service.find_submission(session, service.checked_period(month))
    if found is None:
        raise NotFound(f"no submission recorded for {month}")
    return download(found.csv_bytes if fmt == "csv" else found.pdf_bytes, fmt, f"breach-log-{month}-sent.{fmt}")
