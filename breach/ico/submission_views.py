"""After the document: the draft preview before filing, recording the submission to the ICO, attaching
the ICO's acknowledgement, and the question sheet to copy into the ICO's online form.

The draft is rendered from the breach as it stands (watermarked, never stored). A filing is submitted
outside the product, so the person who did it records when (default now) and how; the service refuses a
time in the future or before the document existed, and asks for reasons when it was after the deadline.
"""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import Depends, Query, Request
from fastapi.responses import Response
from sqlmodel import Session
from starlette.datastructures import UploadFile

from breach import presenters, queries, service
from breach.ico import questions
from breach.ico.models import METHOD_LABELS, SubmissionMethod
from breach.ico.views import chosen_stage
from breach.models import Breach, Filing, FilingStage
from breach.paths import BreachPath, FilingPath
from provider.db.session import SessionDep
from provider.security.actor import Actor
from provider.security.roles import Permission
from provider.web import dates
from provider.web.csrf import html_router
from provider.web.deps import NowDep, SettingsDep, page_permission
from provider.web.forms import FormError, PageForm, Values, submit
from provider.web.params import IdPath
from provider.web.rendering import redirect, render

router = html_router(prefix="/breaches")
Reader = Annotated[Actor, page_permission(Permission.breach_read)]
Writer = Annotated[Actor, page_permission(Permission.breach_write)]
SUBMISSION_FORM = PageForm(
    labels={
        "submitted_at": "When it was submitted to the ICO",
        "method": "How it was submitted",
        "submitted_by": "Submitted by",
        "delay_reasons": "Reasons for the delay",
    },
    choices=("method",),
    missing={"submitted_at": "Enter the date and time it was submitted", "method": "Choose how it was submitted"},
)
ACK_FORM = PageForm(
    labels={"case_reference": "ICO case reference", "note": "Note", "file": "Copy of the ICO's e-mail"},
)
SubmissionValues = Annotated[Values, Depends(SUBMISSION_FORM.submitted)]
MAX_ACK_BYTES = 10 * 1024 * 1024


@router.get("/{breach_id:int}/file/draft.pdf")
def draft_pdf(
    session: SessionDep,
    now: NowDep,
    actor: Writer,
    breach: BreachPath,
    stage: Annotated[str, Query(max_length=16)] = "",
    supersedes_id: Annotated[str, Query(max_length=20)] = "",
    delay_reasons: Annotated[str, Query(max_length=10_000)] = "",
) -> Response:
    """The PDF the filing would have now, watermarked "DRAFT – not submitted"; nothing is stored."""
    filings = service.list_filings(session, breach_id=breach.id)
    chosen = chosen_stage(stage, filings, supersedes_id) or FilingStage.initial
    amends = int(supersedes_id) if supersedes_id.isdigit() and len(supersedes_id) <= 18 else None
    content = service.draft_preview(
        session,
        actor=actor,
        now=now,
        breach_id=breach.id,
        stage=chosen,
        delay_reasons=delay_reasons,
        supersedes_id=amends,
    )
    return Response(
        content,
        media_type="application/pdf",
        headers={
            "Content-Disposition": f'inline; filename="{breach.reference}-DRAFT-{chosen.value}.pdf"',
            "Cache-Control": "private, no-store",
        },
    )


def _submission_page(
    request: Request,
    session: Session,
    breach: Breach,
    filing: Filing,
    settings: Any,
    *,
    values: Values,
    errors: list[FormError] | None = None,
    status_code: int = 200,
) -> Response:
    submitted = service.submissions_for(session, [filing.id]).get(filing.id)
    rows = service.obligations_for(session, breach_ids=[breach.id])[breach.id]
    return render(
        request,
        "breach_ico/submission.html",
        {
            "breach": breach,
            "filing": filing,
            "submission": submitted,
            "acks": service.acknowledgements_for(session, [filing.id])[filing.id],
            "stage_words": presenters.STAGE_LABELS[FilingStage(filing.stage)],
            "methods": [(method.value, words) for method, words in METHOD_LABELS.items()],
            "method_words": METHOD_LABELS,
            "statutory": queries.statutory_for_filing(rows, FilingStage(filing.stage)),
            "duration_seconds": queries.seconds_words,
            "values": values,
            "errors": errors or [],
            "zone": settings.zone,
        },
        status_code=status_code,
    )


@router.get("/{breach_id:int}/filings/{filing_id:int}/submission")
def submission_page(
    request: Request,
    session: SessionDep,
    now: NowDep,
    settings: SettingsDep,
    actor: Reader,
    breach: BreachPath,
    filing: FilingPath,
) -> Response:
    """The record of the submission, or the form to record it (default: now, by the person signed in)."""
    values: Values = {"method": SubmissionMethod.online_form.value, "submitted_by": actor.name}
    values.update(dates.datetime_values("submitted_at", now, settings.zone))
    return _submission_page(request, session, breach, filing, settings, values=values)


@router.post("/{breach_id:int}/filings/{filing_id:int}/submission")
def submission_submit(
    request: Request,
    session: SessionDep,
    now: NowDep,
    settings: SettingsDep,
    actor: Writer,
    breach: BreachPath,
    filing: FilingPath,
    values: SubmissionValues,
) -> Response:
    """Record it; the statutory deadline is met at the time entered."""

    def record() -> Any:
        reading = SUBMISSION_FORM.read(values)
        at = reading.datetime("submitted_at", settings.zone, required=True)
        method = reading.text("method")
        if method not in {m.value for m in SubmissionMethod}:
            reading.fail("method", SUBMISSION_FORM.missing["method"])
        reading.done()
        return service.record_submission(
            session,
            actor=actor,
            now=now,
            filing_id=filing.id,
            method=method,
            submitted_at=at,
            submitted_by=reading.text("submitted_by")[:200],
            delay_reasons=reading.text("delay_reasons"),
        )

    def recorded(submission: Any) -> Response:
        lateness = " (late: the reasons are recorded)" if submission.late else " (on time)"
        return redirect(
            request,
            f"/breaches/{breach.id}/filings/{filing.id}/submission",
            f"Submission of filing {filing.sequence} recorded{lateness}.",
        )

    return submit(
        session,
        SUBMISSION_FORM,
        action=record,
        on_error=lambda errors, status: _submission_page(
            request, session, breach, filing, settings, values=values, errors=errors, status_code=status
        ),
        success=recorded,
    )


@router.post("/{breach_id:int}/filings/{filing_id:int}/acknowledgements")
async def acknowledgement_submit(
    request: Request,
    session: SessionDep,
    now: NowDep,
    settings: SettingsDep,
    actor: Writer,
    breach: BreachPath,
    filing: FilingPath,
) -> Response:
    """Attach the ICO's case reference and/or the copy of its e-mail (stored with its SHA-256)."""
    form = await request.form()
    values = ACK_FORM.values_of(form)
    upload = form.get("file")
    content, name, kind = None, "", ""
    if isinstance(upload, UploadFile) and upload.filename:
        content = await upload.read(MAX_ACK_BYTES + 1)
        name, kind = upload.filename, upload.content_type or "application/octet-stream"

    def record() -> Any:
        return service.record_acknowledgement(
            session,
            actor=actor,
            now=now,
            filing_id=filing.id,
            case_reference=values.get("case_reference", "")[:50],
            note=values.get("note", "")[:10_000],
            file_name=name,
            content_type=kind,
            content=content,
        )

    return submit(
        session,
        ACK_FORM,
        action=record,
        on_error=lambda errors, status: _submission_page(
            request, session, breach, filing, settings, values={}, errors=errors, status_code=status
        ),
        success=lambda _ack: redirect(
            request, f"/breaches/{breach.id}/filings/{filing.id}/submission", "The ICO's acknowledgement is attached."
        ),
    )


@router.get("/{breach_id:int}/filings/{filing_id:int}/acknowledgements/{ack_id:int}")
def acknowledgement_file(
    session: SessionDep,
    _actor: Reader,
    filing: FilingPath,
    ack_id: IdPath,
) -> Response:
    """The uploaded copy as it was stored."""
    ack = service.get_acknowledgement(session, ack_id=ack_id)
    if ack.filing_id != filing.id or ack.content is None:
        return Response(status_code=404)
    return Response(
        bytes(ack.content),
        media_type="application/octet-stream",
        headers={
            "Content-Disposition": f'attachment; filename="{ack.file_name or "ico-acknowledgement"}"',
            "X-Content-SHA256": ack.content_sha256,
            "Cache-Control": "private, no-store",
        },
    )


@router.get("/{breach_id:int}/filings/{filing_id:int}/questions")
def question_sheet(request: Request, _actor: Reader, breach: BreachPath, filing: FilingPath) -> Response:
    """The filed answers in the order of the ICO's online form, each ready to copy."""
    return render(
        request,
        "breach_ico/questions.html",
        {"breach": breach, "filing": filing, "sheet": questions.question_sheet(filing.snapshot or {})},
    )
