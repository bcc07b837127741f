"""JSON API of the breach log: read a month's log (JSON, CSV or PDF) and record its submission."""

from __future__ import annotations

from typing import Annotated, Literal

from fastapi import APIRouter, Path, Query
from fastapi.responses import Response

from breach.log import service
from breach.log.models import BreachLogPublic, LogSubmissionCreate, LogSubmissionPublic
from provider.db.session import SessionDep
from provider.errors import NotFound
from provider.security.actor import Actor
from provider.security.roles import Permission
from provider.web.deps import NowDep, SettingsDep, api_permission

router = APIRouter(prefix="/api/v1/breach-log", tags=["breach log"])

MonthQuery = Annotated[str, Query(min_length=1, max_length=7, description="the London month, YYYY-MM")]
MonthPath = Annotated[str, Path(min_length=1, max_length=7, description="the London month, YYYY-MM")]
Reader = Annotated[Actor, api_permission(Permission.breach_read)]
Writer = Annotated[Actor, api_permission(Permission.breach_write)]
MEDIA_TYPES = {"csv": "text/csv; charset=utf-8", "pdf": "application/pdf"}


def download(content: bytes, fmt: str, filename: str) -> Response:
    return Response(
        content, media_type=MEDIA_TYPES[fmt], headers={"Content-Disposition": f'attachment; filename="{filename}"'}
    )


@router.get("", response_model=BreachLogPublic, responses={200: {"content": {"text/csv": {}, "application/pdf": {}}}})
def read_log(
    _actor: Reader,
    session: SessionDep,
    settings: SettingsDep,
    month: MonthQuery,
    format: Annotated[Literal["json", "csv", "pdf"], Query(description="json, csv or pdf")] = "json",
) -> BreachLogPublic | Response:
    """A month's breach log: every breach the provider became aware of that month (nil return if none)."""
    period = service.checked_period(month)
    if format == "json":
        return service.log_public(session, period=period, due_day=settings.breach_log_due_day, zone=settings.zone)
    csv_bytes, pdf_bytes = service.render_documents(service.build_log(session, period=period, zone=settings.zone))
    content = csv_bytes if format == "csv" else pdf_bytes
    return download(content, format, f"breach-log-{period}.{format}")


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
