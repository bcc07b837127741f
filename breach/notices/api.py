"""JSON routes for customer notices (thin: parse, call the service, return). breach:read / breach:write."""

from __future__ import annotations

from fastapi import APIRouter, BackgroundTasks, Request
from fastapi.responses import Response

from breach.notices import assessments, bulk, media, recipients, sending, service
from breach.notices.models import (
    AssessmentInput,
    AssessmentPublic,
    AssessmentState,
    BatchPublic,
    NoticesOverview,
    RecipientSelection,
    SelectionResult,
    SendProgress,
    TemplateInput,
    TemplatePublic,
)
from provider.db.session import SessionDep
from provider.security.actor import Actor
from provider.security.roles import Permission
from provider.web.deps import NowDep, SettingsDep, api_permission
from provider.web.params import IdPath

router = APIRouter(prefix="/api/v1", tags=["customer notices"])
READ = api_permission(Permission.breach_read)
WRITE = api_permission(Permission.breach_write)


@router.get("/breaches/{breach_id:int}/assessment", response_model=AssessmentState)
def get_assessment(breach_id: IdPath, session: SessionDep, _actor: Actor = READ) -> AssessmentState:
    """The current customer-notice decision and every earlier one (newest first)."""
    service.get_breach(session, breach_id)
    history = [
        AssessmentPublic.model_validate(a, from_attributes=True)
        for a in assessments.assessment_history(session, breach_id)
    ]
    return AssessmentState(current=history[0] if history else None, history=history)


@router.post("/breaches/{breach_id:int}/assessment", response_model=AssessmentPublic, status_code=201)
def post_assessment(
    breach_id: IdPath, data: AssessmentInput, session: SessionDep, now: NowDep, actor: Actor = WRITE
) -> AssessmentPublic:
    """Record a decision (notify, no adverse effect, unintelligible-data exemption, ICO requirement or delay)."""
    assessment = assessments.record_assessment(session, actor=actor, now=now, breach_id=breach_id, data=data)
    session.commit()
    return AssessmentPublic.model_validate(assessment, from_attributes=True)


@router.get("/breaches/{breach_id:int}/notices/template", response_model=list[TemplatePublic])
def get_templates(breach_id: IdPath, session: SessionDep, _actor: Actor = READ) -> list[TemplatePublic]:
    """Every version of the notice wording, newest first."""
    service.get_breach(session, breach_id)
    versions = service.template_versions(session, breach_id)
    return [TemplatePublic.model_validate(t, from_attributes=True) for t in versions]


@router.get("/breaches/{breach_id:int}/notices/media-wording", response_model=list[media.MediaWordingPublic])
def get_media_wording(breach_id: IdPath, session: SessionDep, _actor: Actor = READ) -> list[media.MediaWordingPublic]:
    """Every version of the media notice's own wording, newest first (none: the proposal is used)."""
    service.get_breach(session, breach_id)
    return [
        media.MediaWordingPublic.model_validate(v, from_attributes=True) for v in media.versions(session, breach_id)
    ]


@router.post(
    "/breaches/{breach_id:int}/notices/media-wording", response_model=media.MediaWordingPublic, status_code=201
)
def post_media_wording(
    breach_id: IdPath, data: media.MediaWordingInput, session: SessionDep, now: NowDep, actor: Actor = WRITE
) -> media.MediaWordingPublic:
    """Save the public wording (no personal placeholder); a version already used stays as it was."""
    wording = media.save(session, actor=actor, now=now, breach_id=breach_id, data=data)
    session.commit()
    return media.MediaWordingPublic.model_validate(wording, from_attributes=True)


@router.post("/breaches/{breach_id:int}/notices/template", response_model=TemplatePublic, status_code=201)
def post_template(
    breach_id: IdPath, data: TemplateInput, session: SessionDep, now: NowDep, actor: Actor = WRITE
) -> TemplatePublic:
    """Save the wording; a version already used stays as it was and a new version is created."""
    template = service.save_template(session, actor=actor, now=now, breach_id=breach_id, data=data)
    session.commit()
    return TemplatePublic.model_validate(template, from_attributes=True)


@router.post("/breaches/{breach_id:int}/notices/recipients", response_model=SelectionResult)
def post_recipients(
    breach_id: IdPath, data: RecipientSelection, session: SessionDep, now: NowDep, actor: Actor = WRITE
) -> SelectionResult:
    """Add affected subscribers by id, account reference or line number; one unknown and nothing is added."""
    result = recipients.add_recipients(
        session,
        actor=actor,
        now=now,
        breach_id=breach_id,
        subscriber_ids=recipients.labelled(data.subscriber_ids, "subscriber_ids"),
        account_references=recipients.labelled(data.account_references, "account_references"),
        line_numbers=recipients.labelled(data.line_numbers, "line_numbers"),
    )
    session.commit()
    return result


@router.post("/breaches/{breach_id:int}/notices/generate", response_model=BatchPublic, status_code=202)
def post_generate(
    breach_id: IdPath,
    request: Request,
    background: BackgroundTasks,
    session: SessionDep,
    now: NowDep,
    actor: Actor = WRITE,
) -> BatchPublic:
    """Start generating a letter and an e-mail body for every waiting recipient; poll GET .../notices."""
    batch = bulk.start_generation(session, actor=actor, now=now, breach_id=breach_id)
    session.commit()
    background.add_task(
        bulk.run_generation, request.app.state.engine, batch_id=batch.id, clock=request.app.state.clock, actor=actor
    )
    return BatchPublic(**batch.model_dump(), template_version=batch.snapshot["template_version"])


def _run_in_background(
    request: Request, response: Response, session: SessionDep, settings: SettingsDep, actor: Actor, breach_id: int
) -> SendProgress:
    """Commit the start, answer with the progress so far, and leave the sending to a thread."""
    started = sending.progress(session, breach_id)
    session.commit()
    sending.start_in_background(
        request.app.state.engine, settings=settings, clock=request.app.state.clock, actor=actor, breach_id=breach_id
    )
    response.headers["Location"] = started.status_url
    return started


@router.post("/breaches/{breach_id:int}/notices/send", response_model=SendProgress, status_code=202)
def post_send(
    breach_id: IdPath,
    request: Request,
    response: Response,
    session: SessionDep,
    settings: SettingsDep,
    now: NowDep,
    actor: Actor = WRITE,
) -> SendProgress:
    """Start e-mailing the generated notices in the background (409 when SMTP is not configured, nothing
    waits, or a send is already running); poll the `status_url` (also the Location header)."""
    sending.start_sending(session, actor=actor, now=now, settings=settings, breach_id=breach_id)
    return _run_in_background(request, response, session, settings, actor, breach_id)


@router.post("/breaches/{breach_id:int}/notices/send/resume", response_model=SendProgress, status_code=202)
def post_send_resume(
    breach_id: IdPath,
    request: Request,
    response: Response,
    session: SessionDep,
    settings: SettingsDep,
    now: NowDep,
    actor: Actor = WRITE,
) -> SendProgress:
    """Continue a send that stopped (restart, crash): only notices not recorded as sent go out."""
    sending.resume_sending(session, actor=actor, now=now, settings=settings, breach_id=breach_id)
    return _run_in_background(request, response, session, settings, actor, breach_id)


@router.get("/breaches/{breach_id:int}/notices/sending", response_model=SendProgress)
def get_sending(breach_id: IdPath, session: SessionDep, _actor: Actor = READ) -> SendProgress:
    """E-mail notices by status and whether a send is running (`running` false: finished or never started)."""
    return sending.progress(session, breach_id)


@router.get("/breaches/{breach_id:int}/notices", response_model=NoticesOverview)
def get_notices(breach_id: IdPath, session: SessionDep, _actor: Actor = READ) -> NoticesOverview:
    """Decision, wording version, recipients per status and channel, and each batch's progress."""
    return service.overview(session, breach_id)


@router.get(
    "/notice-letters/{recipient_id:int}.pdf",
    response_class=Response,
    responses={200: {"content": {"application/pdf": {}}}},
)
def get_letter(recipient_id: IdPath, session: SessionDep, _actor: Actor = READ) -> Response:
    """One recipient's letter, rebuilt from its snapshot and checked against the stored SHA-256."""
    recipient, letter, _ = bulk.regenerate(session, recipient_id)
    return Response(
        letter,
        media_type="application/pdf",
        headers={
            "Content-Disposition": f'attachment; filename="breach-notice-{recipient.id}.pdf"',
            "X-Content-SHA256": recipient.pdf_sha256,
        },
    )
