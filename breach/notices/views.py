"""Customer-notice pages under /breaches/{id}/notices: overview and progress, assessment, wording,
recipients, generate, send, downloads and the media notice. Thin: parse the form, call the service."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date, datetime
from typing import Any

from fastapi import BackgroundTasks, Request
from fastapi.responses import Response, StreamingResponse
from pydantic import ValidationError
from starlette.datastructures import FormData, UploadFile

from breach.notices import archive, bulk, recipients, rules, sending, service
from breach.notices.models import AssessmentInput, Channel, DatasetInput, TemplateInput
from provider.clock import parse_local
from provider.db.session import SessionDep
from provider.errors import DomainError, FieldError, Invalid, NotFound
from provider.security.actor import Actor
from provider.security.roles import Permission
from provider.web.csrf import html_router
from provider.web.deps import NowDep, SettingsDep, page_permission
from provider.web.params import IdPath
from provider.web.rendering import redirect, render

router = html_router()
READ = page_permission(Permission.breach_read)
WRITE = page_permission(Permission.breach_write)
DATASET_ROWS = 3
MAX_CSV_BYTES = 20 * 2**20
BASE = "/breaches/{breach_id}/notices"


def _errors(error: DomainError | ValidationError) -> list[tuple[str, str]]:
    if isinstance(error, ValidationError):
        return [(".".join(str(p) for p in e["loc"]) or "form", e["msg"]) for e in error.errors()]
    return [(e.field, e.reason) for e in error.errors] or [("form", error.detail)]


def _overview_page(
    request: Request, session: SessionDep, breach_id: int, errors: list | None = None, status_code: int = 200
) -> Response:
    data = service.overview(session, breach_id)
    context = {
        "breach": service.get_breach(session, breach_id),
        "overview": data,
        "labels": rules.LABELS,
        "media": service.latest_media_notice(session, breach_id),
        "errors": errors or [],
        "generating": any(b.status == "generating" for b in data.batches),
        "sending": sending.progress(session, breach_id),
    }
    return render(request, "breach_notices/overview.html", context, status_code=status_code)


@router.get(BASE)
def overview_page(request: Request, breach_id: IdPath, session: SessionDep, _actor: Actor = READ) -> Response:
    return _overview_page(request, session, breach_id)


# --- assessment --------------------------------------------------------------------------------------------


def _flag(form: FormData, name: str) -> bool:
    return form.get(name) in ("on", "true", "yes", "1")


def _tristate(value: Any) -> bool | None:
    return {"yes": True, "no": False}.get(str(value or ""))


def _datasets(form: FormData) -> list[DatasetInput]:
    rows = []
    for index in range(DATASET_ROWS):
        values = {
            name: str(form.get(f"datasets.{index}.{name}", ""))
            for name in ("dataset", "algorithm", "key_management", "key_compromised", "key_guessable")
        }
        if any(values.values()):
            rows.append(
                DatasetInput(
                    dataset=values["dataset"],
                    algorithm=values["algorithm"],
                    key_management=values["key_management"],
                    key_compromised=_tristate(values["key_compromised"]),
                    key_guessable=_tristate(values["key_guessable"]),
                )
            )
    return rows


def _moment(form: FormData, name: str, errors: list[tuple[str, str]], request: Request) -> Any:
    text = str(form.get(name, "")).strip()
    if not text:
        return None
    try:
        return date.fromisoformat(text) if name.endswith("_on") else parse_local(text, request.app.state.settings.zone)
    except ValueError as error:
        errors.append((name, f"not a valid date{' and time' if name.endswith('until') else ''}: {error}"))
        return None


def _assessment_input(request: Request, form: FormData) -> tuple[AssessmentInput | None, list[tuple[str, str]]]:
    errors: list[tuple[str, str]] = []
    when = {name: _moment(form, name, errors, request) for name in ("delay_agreed_on", "delay_until")}
    texts = {
        name: str(form.get(name, ""))
        for name in ("other_adverse_effect", "ico_required_reference", "delay_ico_reference", "rationale")
    }
    try:
        data = AssessmentInput(
            natures=form.getlist("natures"),
            consequences=form.getlist("consequences"),
            circumstances=form.getlist("circumstances"),
            exemption_claimed=_flag(form, "exemption_claimed"),
            datasets=_datasets(form),
            ico_required=_flag(form, "ico_required"),
            delay_agreed=_flag(form, "delay_agreed"),
            **texts,
            **when,
        )
    except ValidationError as error:
        return None, errors + _errors(error)
    if errors:  # report the rules' findings too, so one round trip shows every problem
        seen = {field for field, _ in errors}
        errors += [(e.field, e.reason) for e in service.assessment_errors(data) if e.field not in seen]
        return None, errors
    return data, errors


def _assessment_page(
    request: Request, session: SessionDep, breach_id: int, form: Any, errors: list, status_code: int = 200
) -> Response:
    context = {
        "breach": service.get_breach(session, breach_id),
        "form": form,
        "errors": errors,
        "history": service.assessment_history(session, breach_id),
        "labels": rules.LABELS,
        "natures": list(rules.DataNature),
        "consequences": list(rules.Consequence),
        "circumstances": list(rules.CircumstanceFactor),
        "dataset_rows": range(DATASET_ROWS),
    }
    return render(request, "breach_notices/assessment.html", context, status_code=status_code)


@router.get(BASE + "/assessment")
def assessment_page(request: Request, breach_id: IdPath, session: SessionDep, _actor: Actor = READ) -> Response:
    return _assessment_page(request, session, breach_id, {}, [])


@router.post(BASE + "/assessment")
async def assessment_submit(
    request: Request, breach_id: IdPath, session: SessionDep, now: NowDep, actor: Actor = WRITE
) -> Response:
    form = await request.form()
    data, errors = _assessment_input(request, form)
    if data is not None:
        try:
            assessment = service.record_assessment(session, actor=actor, now=now, breach_id=breach_id, data=data)
            session.commit()
            return redirect(
                request, BASE.format(breach_id=breach_id), f"Decision recorded: {rules.LABELS[assessment.outcome]}."
            )
        except Invalid as error:
            session.rollback()
            errors = _errors(error)
    kept = {
        key: form.getlist(key) if key in ("natures", "consequences", "circumstances") else value
        for key, value in form.items()
    }
    return _assessment_page(request, session, breach_id, kept, errors, status_code=422)


# --- wording -----------------------------------------------------------------------------------------------


def _template_page(
    request: Request, session: SessionDep, breach_id: int, form: Any, errors: list, status_code: int = 200
) -> Response:
    context = {
        "breach": service.get_breach(session, breach_id),
        "form": form,
        "errors": errors,
        "versions": service.template_versions(session, breach_id),
        "placeholders": rules.PLACEHOLDERS,
        "marketing_terms": rules.MARKETING_TERMS,
    }
    return render(request, "breach_notices/template.html", context, status_code=status_code)


@router.get(BASE + "/template")
def template_page(request: Request, breach_id: IdPath, session: SessionDep, _actor: Actor = READ) -> Response:
    return _template_page(request, session, breach_id, service.draft_template(session, breach_id).model_dump(), [])


@router.post(BASE + "/template")
async def template_submit(
    request: Request, breach_id: IdPath, session: SessionDep, now: NowDep, actor: Actor = WRITE
) -> Response:
    form = {name: str((await request.form()).get(name, "")) for name in service.TEMPLATE_FIELDS}
    try:
        template = service.save_template(session, actor=actor, now=now, breach_id=breach_id, data=TemplateInput(**form))
        session.commit()
    except (Invalid, ValidationError) as error:
        session.rollback()
        return _template_page(request, session, breach_id, form, _errors(error), status_code=422)
    return redirect(
        request, BASE.format(breach_id=breach_id) + "/template", f"Wording saved as version {template.version}."
    )


# --- recipients --------------------------------------------------------------------------------------------


def _lines(form: FormData, name: str) -> recipients.Labelled:
    text = str(form.get(name, ""))
    return [(f"{name} line {n}", value.strip()) for n, value in enumerate(text.splitlines(), start=1) if value.strip()]


async def _csv_rows(form: FormData) -> recipients.Labelled:
    upload = form.get("csv")
    if not isinstance(upload, UploadFile) or not upload.filename:
        return []
    content = await upload.read(MAX_CSV_BYTES + 1)
    if len(content) > MAX_CSV_BYTES:
        raise Invalid("csv: the file is larger than 20 MB", errors=[FieldError("csv", "at most 20 MB")])
    try:
        text = content.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        raise Invalid("csv: not UTF-8 text", errors=[FieldError("csv", "save the file as UTF-8 CSV")]) from error
    return [("csv " + label, value) for label, value in recipients.parse_csv(text)]


def _recipients_page(
    request: Request, session: SessionDep, breach_id: int, form: Any, errors: list, status_code: int = 200
) -> Response:
    context = {
        "breach": service.get_breach(session, breach_id),
        "form": form,
        "errors": errors,
        "overview": service.overview(session, breach_id),
    }
    return render(request, "breach_notices/recipients.html", context, status_code=status_code)


@router.get(BASE + "/recipients")
def recipients_page(request: Request, breach_id: IdPath, session: SessionDep, _actor: Actor = READ) -> Response:
    return _recipients_page(request, session, breach_id, {}, [])


@router.post(BASE + "/recipients")
async def recipients_submit(
    request: Request, breach_id: IdPath, session: SessionDep, now: NowDep, actor: Actor = WRITE
) -> Response:
    form = await request.form()
    kept = {
        name: str(form.get(name, ""))
        for name in ("subscriber_ids", "account_references", "line_numbers", "csv_identifier")
    }
    try:
        rows = await _csv_rows(form)
        by_number = kept["csv_identifier"] == "line_number"
        result = recipients.add_recipients(
            session,
            actor=actor,
            now=now,
            breach_id=breach_id,
            subscriber_ids=_lines(form, "subscriber_ids"),
            account_references=_lines(form, "account_references") + ([] if by_number else rows),
            line_numbers=_lines(form, "line_numbers") + (rows if by_number else []),
        )
        session.commit()
    except Invalid as error:
        session.rollback()
        errors = [(e.field.split(" ")[0], f"{e.field}: {e.reason}") for e in error.errors]
        return _recipients_page(request, session, breach_id, kept, errors, status_code=422)
    flash = (
        f"Added {result.subscribers_added} subscribers and {result.users_added} line users"
        f" ({result.already_present} already chosen; {result.users_without_email} users have no e-mail"
        " address: tell them by telephone)."
    )
    return redirect(request, BASE.format(breach_id=breach_id), flash)


# --- actions and downloads ---------------------------------------------------------------------------------


@router.post(BASE + "/generate")
def generate_submit(
    request: Request,
    breach_id: IdPath,
    background: BackgroundTasks,
    session: SessionDep,
    now: NowDep,
    actor: Actor = WRITE,
) -> Response:
    try:
        batch = bulk.start_generation(session, actor=actor, now=now, breach_id=breach_id)
        session.commit()
    except DomainError as error:
        session.rollback()
        return _overview_page(request, session, breach_id, _errors(error), status_code=error.status)
    background.add_task(
        bulk.run_generation, request.app.state.engine, batch_id=batch.id, clock=request.app.state.clock, actor=actor
    )
    return redirect(request, BASE.format(breach_id=breach_id), f"Generating {batch.total} notices.")


@router.post(BASE + "/batches/{batch_id}/resume")
def resume_submit(
    request: Request,
    breach_id: IdPath,
    batch_id: IdPath,
    background: BackgroundTasks,
    session: SessionDep,
    actor: Actor = WRITE,
) -> Response:
    """After a restart a batch can stay 'generating'; running it again only renders what is still pending."""
    bulk.batch_of(session, breach_id, batch_id)
    session.commit()
    background.add_task(
        bulk.run_generation, request.app.state.engine, batch_id=batch_id, clock=request.app.state.clock, actor=actor
    )
    return redirect(request, BASE.format(breach_id=breach_id), "Generation resumed.")


def _start_send(
    request: Request,
    breach_id: int,
    session: SessionDep,
    settings: SettingsDep,
    now: datetime,
    actor: Actor,
    starter: Callable[..., int],
    started: str,
) -> Response:
    try:
        waiting = starter(session, actor=actor, now=now, settings=settings, breach_id=breach_id)
        session.commit()
    except DomainError as error:
        session.rollback()
        return _overview_page(request, session, breach_id, _errors(error), status_code=error.status)
    sending.start_in_background(
        request.app.state.engine, settings=settings, clock=request.app.state.clock, actor=actor, breach_id=breach_id
    )
    return redirect(request, BASE.format(breach_id=breach_id), started.format(waiting=waiting))


@router.post(BASE + "/send")
def send_submit(
    request: Request, breach_id: IdPath, session: SessionDep, settings: SettingsDep, now: NowDep, actor: Actor = WRITE
) -> Response:
    """Start e-mailing in the background; this page then shows the progress."""
    return _start_send(
        request,
        breach_id,
        session,
        settings,
        now,
        actor,
        sending.start_sending,
        "Sending {waiting} e-mails in the background; the counts below show the progress.",
    )


@router.post(BASE + "/send/resume")
def send_resume_submit(
    request: Request, breach_id: IdPath, session: SessionDep, settings: SettingsDep, now: NowDep, actor: Actor = WRITE
) -> Response:
    """After a restart a send can stay 'sending'; resuming sends only what has not been sent."""
    return _start_send(
        request,
        breach_id,
        session,
        settings,
        now,
        actor,
        sending.resume_sending,
        "Sending resumed: {waiting} e-mails still to send.",
    )


@router.post(BASE + "/posted")
def posted_submit(
    request: Request, breach_id: IdPath, session: SessionDep, now: NowDep, actor: Actor = WRITE
) -> Response:
    posted = bulk.record_posted(session, actor=actor, now=now, breach_id=breach_id)
    session.commit()
    return redirect(request, BASE.format(breach_id=breach_id), f"{posted} letters recorded as posted.")


@router.post(BASE + "/media")
def media_submit(
    request: Request, breach_id: IdPath, session: SessionDep, now: NowDep, actor: Actor = WRITE
) -> Response:
    try:
        service.create_media_notice(session, actor=actor, now=now, breach_id=breach_id)
        session.commit()
    except DomainError as error:
        session.rollback()
        return _overview_page(request, session, breach_id, _errors(error), status_code=error.status)
    return redirect(request, BASE.format(breach_id=breach_id), "Media notice created.")


@router.get(BASE + "/media.pdf")
def media_pdf(breach_id: IdPath, session: SessionDep, _actor: Actor = READ) -> Response:
    media = service.latest_media_notice(session, breach_id)
    if media is None:
        raise NotFound("no media notice has been created for this breach")
    return Response(
        media.pdf_bytes,
        media_type="application/pdf",
        headers={"Content-Disposition": f'attachment; filename="media-notice-{breach_id}.pdf"'},
    )


@router.get(BASE + "/letters/{recipient_id}.pdf")
def letter_pdf(breach_id: IdPath, recipient_id: IdPath, session: SessionDep, _actor: Actor = READ) -> Response:
    recipient, letter, _ = bulk.regenerate(session, recipient_id)
    if recipient.breach_id != breach_id:
        raise NotFound(f"breach {breach_id} has no letter {recipient_id}")
    return Response(
        letter,
        media_type="application/pdf",
        headers={"Content-Disposition": f'attachment; filename="breach-notice-{recipient_id}.pdf"'},
    )


@router.get(BASE + "/letters.zip")
def letters_zip(
    request: Request, breach_id: IdPath, session: SessionDep, channel: Channel | None = None, _actor: Actor = READ
) -> Response:
    service.get_breach(session, breach_id)
    session.commit()  # release the SQLite lock before the stream opens its own sessions
    return StreamingResponse(
        archive.letters_zip(request.app.state.engine, breach_id, channel),
        media_type="application/zip",
        headers={"Content-Disposition": f'attachment; filename="breach-{breach_id}-letters.zip"'},
    )
