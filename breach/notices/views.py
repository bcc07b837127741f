"""Customer-notice pages under /breaches/{id}/notices: overview and progress, assessment, wording,
recipients, generate, send, downloads and the media notice. Thin: read the form, call the service."""

from __future__ import annotations

from collections.abc import Callable
from typing import Annotated, Any

from fastapi import BackgroundTasks, Depends, Request
from fastapi.responses import Response, StreamingResponse
from sqlmodel import Session
from starlette.datastructures import FormData, UploadFile

from breach.models import Breach
from breach.notices import (
    archive,
    assessments,
    bulk,
    forms,
    listing,
    marketing,
    recipients,
    rules,
    sending,
    service,
)
from breach.notices.forms import ASSESSMENT_FORM, OVERVIEW_FORM, RECIPIENTS_FORM, TEMPLATE_FORM
from breach.notices.models import AssessmentInput, Channel, NoticeBatch, RecipientStatus, TemplateInput
from breach.notices.paths import NoticeBatchPath, NoticeRecipientPath
from breach.notices.presenters import LABELS, OUTCOME_LABELS
from breach.paths import BreachPath
from provider.db.session import SessionDep
from provider.errors import Invalid
from provider.security.actor import Actor
from provider.security.roles import Permission
from provider.web.csrf import html_router
from provider.web.deps import NowDep, SettingsDep, page_permission
from provider.web.forms import FormError, FormInvalid, Values, submit
from provider.web.rendering import redirect, render
from provider.web.streams import primed

router = html_router()
Reader = Annotated[Actor, page_permission(Permission.breach_read)]
Writer = Annotated[Actor, page_permission(Permission.breach_write)]
AssessmentValues = Annotated[Values, Depends(ASSESSMENT_FORM.submitted)]
TemplateValues = Annotated[Values, Depends(TEMPLATE_FORM.submitted)]
BASE = "/breaches/{breach_id:int}/notices"


def base(breach: Breach) -> str:
    return f"/breaches/{breach.id}/notices"


def _options(members: Any) -> list[tuple[str, str]]:
    return [(member.value, LABELS[member]) for member in members]


def _overview_page(
    request: Request, session: Session, breach: Breach, errors: list[FormError] | None = None, status_code: int = 200
) -> Response:
    data = service.overview(session, breach.id)
    context = {
        "breach": breach,
        "overview": data,
        "labels": LABELS,
        "media": service.latest_media_notice(session, breach.id),
        "errors": errors or [],
        "generating": any(b.status == "generating" for b in data.batches),
        "sending": sending.progress(session, breach.id),
        "blocked": listing.blockers(session, state=request.app.state, breach_id=breach.id),
    }
    return render(request, "breach_notices/overview.html", context, status_code=status_code)


@router.get(BASE)
def overview_page(request: Request, session: SessionDep, _actor: Reader, breach: BreachPath) -> Response:
    return _overview_page(request, session, breach)


# --- assessment --------------------------------------------------------------------------------------------


def _assessment_page(
    request: Request,
    session: Session,
    breach: Breach,
    values: dict[str, Any],
    errors: list[FormError],
    status_code: int = 200,
) -> Response:
    context = {
        "breach": breach,
        "values": values,
        "errors": errors,
        "history": assessments.assessment_history(session, breach.id),
        "labels": LABELS,
        "natures": _options(rules.DataNature),
        "consequences": _options(rules.Consequence),
        "circumstances": _options(rules.CircumstanceFactor),
        "dataset_rows": range(forms.DATASET_ROWS),
    }
    return render(request, "breach_notices/assessment.html", context, status_code=status_code)


@router.get(BASE + "/assessment")
def assessment_page(request: Request, session: SessionDep, _actor: Reader, breach: BreachPath) -> Response:
    return _assessment_page(request, session, breach, {}, [])


@router.post(BASE + "/assessment")
def assessment_submit(
    request: Request,
    session: SessionDep,
    settings: SettingsDep,
    now: NowDep,
    actor: Writer,
    breach: BreachPath,
    values: AssessmentValues,
) -> Response:
    def decide() -> Any:
        reading = ASSESSMENT_FORM.read(values)
        data = reading.schema(AssessmentInput, forms.assessment_input(reading, settings.zone))
        if reading.errors and data is not None:  # the rules' findings too, so one round trip shows them all
            reading.reasons(assessments.assessment_errors(data))
        reading.done()
        return assessments.record_assessment(session, actor=actor, now=now, breach_id=breach.id, data=data)

    return submit(
        session,
        ASSESSMENT_FORM,
        action=decide,
        on_error=lambda errors, status: _assessment_page(request, session, breach, values, errors, status),
        success=lambda assessment: redirect(
            request, base(breach), f"Decision recorded: {OUTCOME_LABELS[assessment.outcome]}."
        ),
    )


# --- wording -----------------------------------------------------------------------------------------------


def _template_page(
    request: Request,
    session: Session,
    breach: Breach,
    values: dict[str, Any],
    errors: list[FormError],
    status_code: int = 200,
) -> Response:
    context = {
        "breach": breach,
        "values": values,
        "errors": errors,
        "versions": service.template_versions(session, breach.id),
        "placeholders": rules.PLACEHOLDERS,
        "marketing_terms": marketing.SUMMARY,
    }
    return render(request, "breach_notices/template.html", context, status_code=status_code)


@router.get(BASE + "/template")
def template_page(request: Request, session: SessionDep, _actor: Reader, breach: BreachPath) -> Response:
    return _template_page(request, session, breach, service.draft_template(session, breach.id).model_dump(), [])


@router.post(BASE + "/template")
def template_submit(
    request: Request,
    session: SessionDep,
    now: NowDep,
    actor: Writer,
    breach: BreachPath,
    values: TemplateValues,
) -> Response:
    def save() -> Any:
        wording = {name: values.get(name, "") for name in service.TEMPLATE_FIELDS}
        data = TEMPLATE_FORM.parse(TemplateInput, wording)
        return service.save_template(session, actor=actor, now=now, breach_id=breach.id, data=data)

    return submit(
        session,
        TEMPLATE_FORM,
        action=save,
        on_error=lambda errors, status: _template_page(request, session, breach, values, errors, status),
        success=lambda template: redirect(
            request, base(breach) + "/template", f"Wording saved as version {template.version}."
        ),
    )


# --- recipients --------------------------------------------------------------------------------------------


async def _upload(form: FormData) -> bytes | None:
    """The uploaded CSV's bytes (one more than the limit at most, to tell it is too large), if any."""
    upload = form.get("csv")
    if not isinstance(upload, UploadFile) or not upload.filename:
        return None
    return await upload.read(forms.MAX_CSV_BYTES + 1)


def _recipients_page(
    request: Request,
    session: Session,
    breach: Breach,
    values: dict[str, Any],
    errors: list[FormError],
    status_code: int = 200,
) -> Response:
    context = {
        "breach": breach,
        "values": values,
        "errors": errors,
        "overview": service.overview(session, breach.id),
        "page": listing.page_from_query(session, breach.id, request.query_params),
        "statuses": list(RecipientStatus),
    }
    return render(request, "breach_notices/recipients.html", context, status_code=status_code)


@router.get(BASE + "/recipients")
def recipients_page(request: Request, session: SessionDep, _actor: Reader, breach: BreachPath) -> Response:
    return _recipients_page(request, session, breach, {}, [])


@router.post(BASE + "/recipients")
async def recipients_submit(
    request: Request, session: SessionDep, now: NowDep, actor: Writer, breach: BreachPath
) -> Response:
    form = await request.form()
    values = RECIPIENTS_FORM.values_of(form)
    content = await _upload(form)

    def choose() -> Any:
        try:
            rows = forms.csv_rows(content)
            by_number = values.get("csv_identifier") == "line_number"
            return recipients.add_recipients(
                session,
                actor=actor,
                now=now,
                breach_id=breach.id,
                subscriber_ids=forms.lines(values, "subscriber_ids"),
                account_references=forms.lines(values, "account_references") + ([] if by_number else rows),
                line_numbers=forms.lines(values, "line_numbers") + (rows if by_number else []),
            )
        except Invalid as error:
            raise FormInvalid(forms.entry_errors(error)) from error

    def chosen(result: Any) -> Response:
        flash = forms.selection_flash(result)
        return redirect(request, base(breach), flash)

    return submit(
        session,
        RECIPIENTS_FORM,
        action=choose,
        on_error=lambda errors, status: _recipients_page(request, session, breach, values, errors, status),
        success=chosen,
    )


# --- actions and downloads ---------------------------------------------------------------------------------


def act(
    request: Request, session: Session, breach: Breach, action: Callable[[], Any], success: Callable[[Any], Response]
) -> Response:
    """A button on the overview: on a refusal the overview comes back saying why (409 for a conflict)."""
    return submit(
        session,
        OVERVIEW_FORM,
        action=action,
        on_error=lambda errors, status: _overview_page(request, session, breach, errors, status),
        success=success,
    )


@router.post(BASE + "/generate")
def generate_submit(
    request: Request, background: BackgroundTasks, session: SessionDep, now: NowDep, actor: Writer, breach: BreachPath
) -> Response:
    def started(batch: NoticeBatch) -> Response:
        state = request.app.state
        background.add_task(bulk.run_generation, state.engine, batch_id=batch.id, clock=state.clock, actor=actor)
        return redirect(request, base(breach), f"Generating {batch.total} notices.")

    return act(
        request,
        session,
        breach,
        lambda: bulk.start_generation(session, actor=actor, now=now, breach_id=breach.id),
        started,
    )


@router.post(BASE + "/batches/{batch_id:int}/resume")
def resume_submit(
    request: Request,
    background: BackgroundTasks,
    session: SessionDep,
    actor: Writer,
    breach: BreachPath,
    batch: NoticeBatchPath,
) -> Response:
    """After a restart a batch can stay 'generating'; running it again only renders what is still pending."""
    session.commit()
    state = request.app.state
    background.add_task(bulk.run_generation, state.engine, batch_id=batch.id, clock=state.clock, actor=actor)
    return redirect(request, base(breach), "Generation resumed.")


def _start_send(
    request: Request,
    session: Session,
    settings: Any,
    breach: Breach,
    actor: Actor,
    starter: Callable[[], int],
    started: str,
) -> Response:
    def sent(waiting: int) -> Response:
        state = request.app.state
        sending.start_in_background(
            state.engine, settings=settings, clock=state.clock, actor=actor, breach_id=breach.id
        )
        return redirect(request, base(breach), started.format(waiting=waiting))

    return act(request, session, breach, starter, sent)


@router.post(BASE + "/send")
def send_submit(
    request: Request, session: SessionDep, settings: SettingsDep, now: NowDep, actor: Writer, breach: BreachPath
) -> Response:
    """Start e-mailing in the background; this page then shows the progress."""
    return _start_send(
        request,
        session,
        settings,
        breach,
        actor,
        lambda: sending.start_sending(session, actor=actor, now=now, settings=settings, breach_id=breach.id),
        "Sending {waiting} e-mails in the background; the counts below show the progress.",
    )


@router.post(BASE + "/send/resume")
def send_resume_submit(
    request: Request, session: SessionDep, settings: SettingsDep, now: NowDep, actor: Writer, breach: BreachPath
) -> Response:
    """After a restart a send can stay 'sending'; resuming sends only what has not been sent."""
    return _start_send(
        request,
        session,
        settings,
        breach,
        actor,
        lambda: sending.resume_sending(session, actor=actor, now=now, settings=settings, breach_id=breach.id),
        "Sending resumed: {waiting} e-mails still to send.",
    )


@router.post(BASE + "/posted")
def posted_submit(request: Request, session: SessionDep, now: NowDep, actor: Writer, breach: BreachPath) -> Response:
    posted = bulk.record_posted(session, actor=actor, now=now, breach_id=breach.id)
    session.commit()
    return redirect(request, base(breach), f"{posted} letters recorded as posted.")


@router.get(BASE + "/letters/{recipient_id:int}.pdf")
def letter_pdf(session: SessionDep, _actor: Reader, recipient: NoticeRecipientPath) -> Response:
    disposition = {"Content-Disposition": f'attachment; filename="breach-notice-{recipient.id}.pdf"'}
    return Response(bulk.regenerate(session, recipient.id)[1], media_type="application/pdf", headers=disposition)


@router.get(BASE + "/letters.zip")
def letters_zip(
    request: Request, session: SessionDep, _actor: Reader, breach: BreachPath, channel: Channel | None = None
) -> Response:
    session.commit()  # release the SQLite lock before the stream opens its own sessions
    return StreamingResponse(
        primed(archive.letters_zip(request.app.state.engine, breach.id, channel)),
        media_type="application/zip",
        headers={"Content-Disposition": f'attachment; filename="breach-{breach.id}-letters.zip"'},
    )
