"""The breach log pages: pick a month, see its rows, download CSV/PDF, record it as sent.

This router must be included before the breach pages' `/breaches/{id}` routes, so that "log" is never
taken for a breach id.
"""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Any, Literal
from zoneinfo import ZoneInfo

from fastapi import Form, Query, Request
from fastapi.responses import Response

from breach.log import api as log_api
from breach.log import rules, service
from breach.log.models import SubmissionMethod
from provider.clock import parse_local
from provider.db.session import SessionDep
from provider.durations import describe_duration
from provider.errors import DomainError
from provider.security.actor import Actor
from provider.security.roles import Permission
from provider.settings import Settings
from provider.web.csrf import html_router
from provider.web.deps import NowDep, SettingsDep, page_permission
from provider.web.params import IdPath
from provider.web.rendering import redirect, render

router = html_router()

Reader = Annotated[Actor, page_permission(Permission.breach_read)]
Writer = Annotated[Actor, page_permission(Permission.breach_write)]
METHOD_LABELS = {
    SubmissionMethod.ico_online_form: "ICO online form (monthly log)",
    SubmissionMethod.email: "E-mail (e.g. a nil return)",
    SubmissionMethod.other: "Other",
}
ShortText = Annotated[str, Form(max_length=254)]


def _page(
    request: Request,
    session: SessionDep,
    settings: Settings,
    now: datetime,
    month: str,
    *,
    errors: list[tuple[str, str]] | None = None,
    form: dict[str, str] | None = None,
    status_code: int = 200,
) -> Response:
    context: dict[str, Any] = {
        "month": month,
        "errors": errors or [],
        "log": None,
        "submissions": service.list_submissions(session),
        "methods": [(m.value, label) for m, label in METHOD_LABELS.items()],
        "form": form
        or {"sent_at": "", "method": SubmissionMethod.ico_online_form.value, "recipient": "ICO", "note": ""},
        "now": now,
    }
    try:
        period = service.checked_period(month)
    except DomainError as error:
        context["errors"] = [(e.field, e.reason) for e in error.errors] + context["errors"]
        return render(request, "breach_log/log.html", context, status_code=422)
    log = service.log_public(session, period=period, due_day=settings.breach_log_due_day, zone=settings.zone)
    csv_bytes, pdf_bytes = service.render_documents(log)
    context.update(
        log=log,
        pdf_sha256=service.sha256(pdf_bytes),
        csv_sha256=service.sha256(csv_bytes),
        previous=rules.previous_period(period),
        following=rules.next_period(period),
        late_by=describe_duration(log.submission.late_by_seconds) if log.submission else "",
    )
    return render(request, "breach_log/log.html", context, status_code=status_code)


@router.get("/breaches/log")
def log_page(
    request: Request,
    _actor: Reader,
    session: SessionDep,
    settings: SettingsDep,
    now: NowDep,
    month: Annotated[str | None, Query(max_length=20)] = None,
) -> Response:
    """The month's log; by default the previous month, the one whose submission is due now."""
    month = month or rules.previous_period(rules.period_of(now, settings.zone))
    return _page(request, session, settings, now, month)


@router.get("/breaches/log/export")
def log_export(
    _actor: Reader,
    session: SessionDep,
    settings: SettingsDep,
    month: Annotated[str, Query(min_length=1, max_length=7)],
    format: Literal["csv", "pdf"] = "pdf",
) -> Response:
    period = service.checked_period(month)
    csv_bytes, pdf_bytes = service.render_documents(service.build_log(session, period=period, zone=settings.zone))
    return log_api.download(csv_bytes if format == "csv" else pdf_bytes, format, f"breach-log-{period}.{format}")


@router.get("/breaches/log/submissions/{submission_id}/document.{fmt}")
def submitted_document(
    _actor: Reader,
    session: SessionDep,
    submission_id: IdPath,
    fmt: Literal["csv", "pdf"],
) -> Response:
    """The exact document recorded as sent."""
    found = service.get_submission(session, submission_id)
    content = found.csv_bytes if fmt == "csv" else found.pdf_bytes
    return log_api.download(content, fmt, f"breach-log-{found.period}-sent.{fmt}")


@router.post("/breaches/log/submissions")
def record_submission(
    request: Request,
    actor: Writer,
    session: SessionDep,
    settings: SettingsDep,
    now: NowDep,
    month: Annotated[str, Form(max_length=20)] = "",
    sent_at: Annotated[str, Form(max_length=40)] = "",
    method: Annotated[str, Form(max_length=32)] = SubmissionMethod.ico_online_form.value,
    recipient: ShortText = "ICO",
    note: Annotated[str, Form(max_length=2000)] = "",
    pdf_sha256: Annotated[str, Form(max_length=64)] = "",
) -> Response:
    """The "record as sent" form: on error the page comes back with the input kept."""
    form = {"sent_at": sent_at, "method": method, "recipient": recipient, "note": note}
    errors = _form_errors(sent_at, method, settings.zone)
    if not errors:
        try:
            service.record_submission(
                session,
                actor=actor,
                now=now,
                period=service.checked_period(month),
                sent_at=parse_local(sent_at, settings.zone),
                method=SubmissionMethod(method),
                recipient=recipient,
                note=note,
                due_day=settings.breach_log_due_day,
                zone=settings.zone,
                expected_pdf_sha256=pdf_sha256 or None,
            )
            session.commit()
            return redirect(request, f"/breaches/log?month={month}", f"Recorded the {month} log as sent.")
        except DomainError as error:
            session.rollback()
            errors = [(e.field, e.reason) for e in error.errors] or [("sent_at", error.detail)]
    return _page(request, session, settings, now, month, errors=errors, form=form, status_code=422)


def _form_errors(sent_at: str, method: str, zone: ZoneInfo) -> list[tuple[str, str]]:
    errors = []
    if not sent_at.strip():
        errors.append(("sent_at", "Enter when the log was sent."))
    else:
        try:
            parse_local(sent_at, zone)
        except ValueError as error:
            errors.append(("sent_at", f"Enter a valid date and time ({error})."))
    if method not in {m.value for m in SubmissionMethod}:
        errors.append(("method", "Choose how the log was sent."))
    return errors
