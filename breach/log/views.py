"""The breach log pages: pick a month, see its rows, download CSV/PDF, record it as sent."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Any, Literal

from fastapi import Depends, Query, Request
from fastapi.responses import Response

from breach.log import api as log_api
from breach.log import rules, service
from breach.log.forms import LOG_FORM
from breach.log.models import LogSubmissionCreate, SubmissionMethod
from breach.log.paths import SubmissionPath
from breach.log.presenters import METHOD_LABELS
from breach.notices.presenters import OUTCOME_LABELS
from breach.presenters import CIRCUMSTANCE_LABELS
from provider.db.session import SessionDep
from provider.durations import describe_duration
from provider.errors import DomainError
from provider.security.actor import Actor
from provider.security.roles import Permission
from provider.settings import Settings
from provider.web import dates
from provider.web.csrf import html_router
from provider.web.deps import NowDep, SettingsDep, page_permission
from provider.web.forms import FormError, Values, submit
from provider.web.rendering import redirect, render

router = html_router()

Reader = Annotated[Actor, page_permission(Permission.breach_read)]
Writer = Annotated[Actor, page_permission(Permission.breach_write)]
MonthValues = Annotated[Values, Depends(LOG_FORM.query)]
SubmissionValues = Annotated[Values, Depends(LOG_FORM.submitted)]
BLANK_SUBMISSION = {"method": SubmissionMethod.ico_online_form.value, "recipient": "ICO", "note": ""}


def _page(
    request: Request,
    session: SessionDep,
    settings: Settings,
    now: datetime,
    month: str | None,
    *,
    errors: list[FormError] | None = None,
    values: dict[str, Any] | None = None,
    status_code: int = 200,
) -> Response:
    """The month's page; `month` is None when the month asked for could not be read (see `errors`)."""
    values = dict(values or BLANK_SUBMISSION)
    context: dict[str, Any] = {
        "month": month,
        "errors": errors or [],
        "log": None,
        "submissions": service.list_submissions(session),
        "methods": list(METHOD_LABELS.items()),
        "method_labels": METHOD_LABELS,
        "circumstances": CIRCUMSTANCE_LABELS,
        "decisions": OUTCOME_LABELS,
        "values": values,
        "now": now,
    }
    try:
        period = service.checked_period(month or "")
    except DomainError as error:
        context["errors"] = (errors or []) or LOG_FORM.from_domain(error)
        return render(request, "breach_log/log.html", context, status_code=422)
    values.update(dates.month_values("month", *rules.parse_period(period)))
    log = service.log_public(session, period=period, due_day=settings.breach_log_due_day, zone=settings.zone)
    csv_bytes, pdf_bytes = service.render_documents(log)
    context.update(
        log=log,
        pdf_sha256=service.sha256(pdf_bytes),
        csv_sha256=service.sha256(csv_bytes),
        previous=rules.previous_period(period),
        following=rules.next_period(period),
        late_by=describe_duration(log.submission.late_by_seconds) if log.submission else "",
        provisional=rules.is_provisional(log.period_end, now),
        incomplete=rules.incomplete_rows(log.rows),
    )
    return render(request, "breach_log/log.html", context, status_code=status_code)


@router.get("/breaches/log")
def log_page(
    request: Request,
    _actor: Reader,
    session: SessionDep,
    settings: SettingsDep,
    now: NowDep,
    values: MonthValues,
) -> Response:
    """The month's log; by default the previous month, the one whose submission is due now."""
    reading = LOG_FORM.read(values)
    chosen = reading.month("month")
    if reading.errors:
        return _page(request, session, settings, now, None, errors=reading.errors, values=values, status_code=422)
    month = f"{chosen[0]:04d}-{chosen[1]:02d}" if chosen else rules.previous_period(rules.period_of(now, settings.zone))
    return _page(request, session, settings, now, month)


@router.get("/breaches/log/export")
def log_export(
    actor: Reader,
    session: SessionDep,
    settings: SettingsDep,
    now: NowDep,
    month: Annotated[str, Query(min_length=1, max_length=7)],
    format: Literal["csv", "pdf", "xlsx"] = "pdf",
) -> Response:
    """The month's log, saying when and by whom it was produced (and whether the month is still open)."""
    period = service.checked_period(month)
    return log_api.export(session, period=period, fmt=format, zone=settings.zone, now=now, by=actor.name)


@router.get("/breaches/log/submissions/{submission_id:int}/document.{fmt}")
def submitted_document(_actor: Reader, submission: SubmissionPath, fmt: Literal["csv", "pdf"]) -> Response:
    """The exact document recorded as sent."""
    content = submission.csv_bytes if fmt == "csv" else submission.pdf_bytes
    return log_api.download(content, fmt, f"breach-log-{submission.period}-sent.{fmt}")


@router.post("/breaches/log/submissions")
def record_submission(
    request: Request,
    actor: Writer,
    session: SessionDep,
    settings: SettingsDep,
    now: NowDep,
    values: SubmissionValues,
) -> Response:
    """The "record as sent" form: on error the page comes back with the input kept."""
    month = str(values.get("month", ""))

    def record() -> None:
        reading = LOG_FORM.read(values)
        wanted = {
            "sent_at": reading.datetime("sent_at", settings.zone, required=True),
            "method": reading.text("method") or SubmissionMethod.ico_online_form.value,
            "recipient": values.get("recipient", "ICO"),
            "note": reading.text("note"),
            "expected_pdf_sha256": reading.text("pdf_sha256") or None,
            "confirm_incomplete": reading.flag("confirm_incomplete"),
            "incomplete_reason": reading.text("incomplete_reason"),
        }
        form = reading.schema(LogSubmissionCreate, wanted)
        reading.done()
        service.record_submission(
            session,
            actor=actor,
            now=now,
            period=service.checked_period(month),
            sent_at=form.sent_at,
            method=form.method,
            recipient=form.recipient,
            note=form.note,
            due_day=settings.breach_log_due_day,
            zone=settings.zone,
            expected_pdf_sha256=form.expected_pdf_sha256,
            confirm_incomplete=form.confirm_incomplete,
            incomplete_reason=form.incomplete_reason,
        )

    return submit(
        session,
        LOG_FORM,
        action=record,
        on_error=lambda errors, status: _page(
            request, session, settings, now, month, errors=errors, values=values, status_code=status
        ),
        success=lambda _: redirect(request, f"/breaches/log?month={month}", f"Recorded the {month} log as sent."),
    )
