"""JSON API for breaches: record and correct them, see their deadlines, file ICO notifications, fetch PDFs.

Thin routes: parse, call breach.service, commit, return. Reading needs breach:read, changing breach:write.
"""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Query
from fastapi.responses import Response
from sqlmodel import Session

from breach import correction_api, service
from breach.ico.models import (
    AcknowledgementCreate,
    AcknowledgementPublic,
    SubmissionCreate,
    SubmissionPublic,
)
from breach.models import (
    Breach,
    BreachCreate,
    BreachPage,
    BreachPublic,
    BreachStatus,
    BreachUpdate,
    Filing,
    FilingCreate,
    FilingPublic,
    FilingStage,
    IcoReferenceUpdate,
    ObligationPublic,
)
from provider.db.session import SessionDep
from provider.errors import Invalid
from provider.moments import Moment
from provider.security.actor import Actor
from provider.security.roles import Permission
from provider.web.deps import NowDep, SettingsDep, api_permission
from provider.web.params import IdPath, PageSizeQuery, SearchQuery

router = APIRouter(prefix="/api/v1", tags=["breaches"])
READ = Permission.breach_read
WRITE = Permission.breach_write


def _public(session: Session, breach: Breach) -> BreachPublic:
    rows = service.obligations_for(session, breach_ids=[breach.id])[breach.id]
    return _with_obligations(breach, rows)


def _with_obligations(breach: Breach, rows: list) -> BreachPublic:
    return BreachPublic(
        **breach.model_dump(), obligations=[ObligationPublic.model_validate(row, from_attributes=True) for row in rows]
    )


def _filing_public(filing: Filing, submission: object | None = None) -> FilingPublic:
    return FilingPublic(
        submission=SubmissionPublic.model_validate(submission, from_attributes=True) if submission else None,
        id=filing.id,
        breach_id=filing.breach_id,
        stage=filing.stage,
        sequence=filing.sequence,
        filed_at=filing.filed_at,
        filed_by=filing.filed_by,
        late=filing.late,
        late_by_seconds=filing.late_by_seconds,
        delay_reasons=filing.delay_reasons,
        ico_reference=filing.ico_reference,
        supersedes_id=filing.supersedes_id,
        sha256=filing.pdf_sha256,
        pdf_url=f"/api/v1/filings/{filing.id}.pdf",
    )


@router.post("/breaches", status_code=201, response_model=BreachPublic, summary="Record a breach")
def create_breach(
    data: BreachCreate,
    session: SessionDep,
    now: NowDep,
    settings: SettingsDep,
    actor: Actor = api_permission(WRITE),
) -> BreachPublic:
    """Derives the reference, the regime and every deadline; 422 lists every problem with the times."""
    breach = service.create_breach(session, actor=actor, now=now, data=data, log_due_day=settings.breach_log_due_day)
    session.commit()
    return _public(session, breach)


@router.get("/breaches", response_model=BreachPage, summary="List breaches")
def list_breaches(
    session: SessionDep,
    status: BreachStatus | None = None,
    due_before: Annotated[
        Moment | None, Query(description="only breaches with an open obligation due before this instant")
    ] = None,
    q: SearchQuery = None,
    limit: PageSizeQuery = 50,
    offset: Annotated[int, Query(ge=0, le=10_000_000)] = 0,
    _actor: Actor = api_permission(READ),
) -> BreachPage:
    """Newest awareness first, each with its obligations."""
    page = service.list_breaches(session, status=status, due_before=due_before, q=q, limit=limit, offset=offset)
    rows = service.obligations_for(session, breach_ids=[b.id for b in page.items])
    return BreachPage(
        items=[_with_obligations(b, rows[b.id]) for b in page.items],
        total=page.total,
        limit=page.limit,
        offset=page.offset,
    )


@router.get("/breaches/{breach_id:int}", response_model=BreachPublic, summary="One breach with its obligations")
def read_breach(breach_id: IdPath, session: SessionDep, _actor: Actor = api_permission(READ)) -> BreachPublic:
    """Statutory deadlines and internal targets side by side (`statutory` says which)."""
    return _public(session, service.get_breach(session, breach_id=breach_id))


@router.patch("/breaches/{breach_id:int}", response_model=BreachPublic, summary="Correct or complete a breach")
def update_breach(
    breach_id: IdPath,
    data: BreachUpdate,
    session: SessionDep,
    now: NowDep,
    settings: SettingsDep,
    actor: Actor = api_permission(WRITE),
) -> BreachPublic:
    """Only the fields sent change; a corrected aware_at moves open deadlines only (met ones stay frozen).
    Once a statutory deadline has passed, a time change is a 422 pointing to POST …/corrections."""
    try:
        breach = service.update_breach(
            session, actor=actor, now=now, breach_id=breach_id, data=data, log_due_day=settings.breach_log_due_day
        )
    except Invalid as refused:
        raise correction_api.pointing_to_corrections(refused, breach_id) from None
    session.commit()
    return _public(session, breach)


@router.get("/breaches/{breach_id:int}/missing-fields", summary="What a filing of a stage would still lack")
def missing_fields(
    breach_id: IdPath,
    session: SessionDep,
    stage: FilingStage = FilingStage.initial,
    _actor: Actor = api_permission(READ),
) -> dict:
    """The same list a filing would be refused with; empty when the stage can be filed."""
    errors = service.readiness(session, breach_id=breach_id, stage=stage)
    return {"stage": stage.value, "missing": [{"field": e.field, "reason": e.reason} for e in errors]}


@router.post(
    "/breaches/{breach_id:int}/filings",
    status_code=201,
    response_model=FilingPublic,
    summary="File an ICO notification",
)
def file_notification(
    breach_id: IdPath,
    data: FilingCreate,
    session: SessionDep,
    now: NowDep,
    actor: Actor = api_permission(WRITE),
) -> FilingPublic:
    """Stores the PDF, its SHA-256 and the snapshot; 422 lists every missing field (and delay_reasons if late)."""
    filing = service.file_notification(
        session,
        actor=actor,
        now=now,
        breach_id=breach_id,  # the document only: the deadline is met by recording its submission
        stage=data.stage,
        delay_reasons=data.delay_reasons,
        ico_reference=data.ico_reference,
        supersedes_id=data.supersedes_id,
        gaps={name: gap.model_dump() for name, gap in data.gaps.items()},
    )
    session.commit()
    return _filing_public(filing)


@router.get("/breaches/{breach_id:int}/filings", response_model=list[FilingPublic], summary="A breach's filings")
def list_filings(breach_id: IdPath, session: SessionDep, _actor: Actor = api_permission(READ)) -> list[FilingPublic]:
    filings = service.list_filings(session, breach_id=breach_id)
    submitted = service.submissions_for(session, [f.id for f in filings])
    return [_filing_public(f, submitted.get(f.id)) for f in filings]


@router.get(
    "/breaches/{breach_id:int}/draft.pdf",
    response_class=Response,
    summary="Preview a filing as a watermarked draft (nothing is stored)",
    responses={200: {"content": {"application/pdf": {}}}},
)
def draft_pdf(
    breach_id: IdPath,
    session: SessionDep,
    now: NowDep,
    stage: FilingStage = FilingStage.initial,
    actor: Actor = api_permission(WRITE),
) -> Response:
    """The PDF a filing of `stage` made now would have, marked "DRAFT – not submitted"."""
    content = service.draft_preview(session, actor=actor, now=now, breach_id=breach_id, stage=stage)
    return Response(content, media_type="application/pdf", headers={"Cache-Control": "private, no-store"})


@router.post(
    "/filings/{filing_id:int}/submission",
    status_code=201,
    response_model=SubmissionPublic,
    summary="Record when and how a filing was submitted to the ICO",
)
def record_submission(
    filing_id: IdPath,
    data: SubmissionCreate,
    session: SessionDep,
    now: NowDep,
    actor: Actor = api_permission(WRITE),
) -> SubmissionPublic:
    """Meets the statutory deadline at `submitted_at` (default now); 422 when in the future, before the
    document existed, or late without reasons; 409 when already recorded."""
    submission = service.record_submission(
        session,
        actor=actor,
        now=now,
        filing_id=filing_id,
        method=data.method,
        submitted_at=data.submitted_at,
        submitted_by=data.submitted_by,
        delay_reasons=data.delay_reasons,
    )
    session.commit()
    return SubmissionPublic.model_validate(submission, from_attributes=True)


@router.post(
    "/filings/{filing_id:int}/acknowledgements",
    status_code=201,
    response_model=AcknowledgementPublic,
    summary="Attach the ICO's acknowledgement (case reference, copy of responses)",
)
def record_acknowledgement(
    filing_id: IdPath,
    data: AcknowledgementCreate,
    session: SessionDep,
    now: NowDep,
    actor: Actor = api_permission(WRITE),
) -> AcknowledgementPublic:
    """The file travels base64-encoded; it is stored as sent, with its SHA-256."""
    ack = service.record_acknowledgement(
        session,
        actor=actor,
        now=now,
        filing_id=filing_id,
        case_reference=data.case_reference,
        received_at=data.received_at,
        note=data.note,
        file_name=data.file_name,
        content_type=data.content_type,
        content=data.content_bytes(),
    )
    session.commit()
    return AcknowledgementPublic.model_validate(ack, from_attributes=True)


@router.get(
    "/filings/{filing_id}.pdf",
    response_class=Response,
    summary="The exact PDF that was filed",
    responses={200: {"content": {"application/pdf": {}}}},
)
def filing_pdf(filing_id: IdPath, session: SessionDep, _actor: Actor = api_permission(READ)) -> Response:
    """The stored bytes; the ETag is their SHA-256, which the filing also records."""
    content, sha256, filename = service.get_filing_pdf(session, filing_id=filing_id)
    return Response(
        content,
        media_type="application/pdf",
        headers={"Content-Disposition": f'attachment; filename="{filename}"', "ETag": f'"{sha256}"'},
    )


@router.put(
    "/breaches/{breach_id:int}/ico-reference", response_model=BreachPublic, summary="Record the ICO's case reference"
)
def record_ico_reference(
    breach_id: IdPath,
    data: IcoReferenceUpdate,
    session: SessionDep,
    now: NowDep,
    actor: Actor = api_permission(WRITE),
) -> BreachPublic:
    """Later filings carry it; filings already made keep what they carried."""
    breach = service.record_ico_reference(
        session, actor=actor, now=now, breach_id=breach_id, ico_reference=data.ico_reference
    )
    session.commit()
    return _public(session, breach)
