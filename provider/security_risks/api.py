"""JSON API of security-risk notices (reg 5): compose, send (resumable), recipients, letters."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, BackgroundTasks, Depends, Query, Request, Response
from fastapi.responses import StreamingResponse
from sqlalchemy import select

from provider.db.session import SessionDep
from provider.security.actor import Actor
from provider.security.roles import Permission
from provider.security_risks import archive, posting, service
from provider.security_risks.models import (
    Delivery,
    NoticeCreate,
    NoticePublic,
    PostedRequest,
    RecipientPublic,
    RiskNotice,
    RiskRecipient,
    SendRequest,
)
from provider.web.deps import ClockDep, NowDep, SettingsDep, api_permission
from provider.web.params import PageQuery, PageSizeQuery, path_loader

router = APIRouter(prefix="/api/v1/security-risks", tags=["security-risk notices"])
Reader = Annotated[Actor, api_permission(Permission.risks_read)]
Writer = Annotated[Actor, api_permission(Permission.risks_write)]
NoticePath = Annotated[RiskNotice, Depends(path_loader(service.get_notice, "notice_id"))]


@router.get("", response_model=list[NoticePublic])
def list_notices(_actor: Reader, session: SessionDep) -> list[NoticePublic]:
    return [service.public(session, notice) for notice in service.list_notices(session)]


@router.post("", response_model=NoticePublic, status_code=201)
def create_notice(actor: Writer, session: SessionDep, now: NowDep, body: NoticeCreate) -> NoticePublic:
    """Compose a notice: the nature of the risk, what subscribers can do, the likely cost, and to whom."""
    notice = service.create(session, actor=actor, now=now, data=body)
    session.commit()
    return service.public(session, notice)


@router.get("/{notice_id:int}", response_model=NoticePublic)
def read_notice(_actor: Reader, session: SessionDep, notice: NoticePath) -> NoticePublic:
    return service.public(session, notice)


@router.post("/{notice_id:int}/send", response_model=NoticePublic, status_code=202)
def send_notice(
    request: Request,
    response: Response,
    background: BackgroundTasks,
    actor: Writer,
    session: SessionDep,
    settings: SettingsDep,
    now: NowDep,
    clock: ClockDep,
    notice: NoticePath,
    body: SendRequest,
) -> NoticePublic:
    """Fix the recipients now (409 without a provider profile) and send in the background: e-mail where
    there is an address and a mail server, otherwise a letter to post. Poll the notice (the Location
    header) for progress. With `limit`, stop after that many; posting again resumes with those still
    pending, never sending anyone twice. Should this process stop first, the scheduler carries it on
    (provider.security_risks.jobs), and it retries failed e-mails."""
    service.start(session, actor=actor, now=now, notice=notice)
    started = service.public(session, notice)
    # Read before committing: after it this session starts no new transaction (on SQLite one would hold
    # the write lock the background batches need).
    session.commit()
    background.add_task(
        service.send,
        request.app.state.engine,
        actor=actor,
        now=now,
        settings=settings,
        notice_id=started.id,
        batch_size=body.batch_size,
        limit=body.limit,
        clock=clock,
    )
    response.headers["Location"] = f"/api/v1/security-risks/{started.id}"
    return started


@router.post("/{notice_id:int}/letters-posted", response_model=NoticePublic)
def letters_posted(
    actor: Writer,
    session: SessionDep,
    settings: SettingsDep,
    now: NowDep,
    notice: NoticePath,
    body: PostedRequest | None = None,
) -> NoticePublic:
    """Confirm the letters to post went in the post: those without an e-mail address, those whose
    e-mail failed its last attempt, and failed e-mails still due a retry (no longer retried). Each is
    recorded as served by post on `posted_on` (today, UK, by default; never in the future nor before
    the letters were made). With `letters`, refused (409) if that many are no longer waiting; 409 too
    for a notice not yet sent. Confirming again finds none left and serves nobody twice."""
    body = body or PostedRequest()
    posting.record_posted(
        session,
        actor=actor,
        now=now,
        notice=notice,
        zone=settings.zone,
        posted_on=body.posted_on,
        expected=body.letters,
    )
    session.commit()
    return service.public(session, notice)


@router.get("/{notice_id:int}/recipients", response_model=list[RecipientPublic])
def read_recipients(
    _actor: Reader,
    session: SessionDep,
    notice: NoticePath,
    page: PageQuery = 1,
    size: PageSizeQuery = 100,
    delivery: Annotated[Delivery | None, Query(description="only this outcome")] = None,
) -> list[RecipientPublic]:
    statement = select(RiskRecipient).where(RiskRecipient.notice_id == notice.id)
    if delivery is not None:
        statement = statement.where(RiskRecipient.delivery == delivery)
    rows = session.scalars(statement.order_by(RiskRecipient.id).offset((page - 1) * size).limit(size))
    return [RecipientPublic.model_validate(row, from_attributes=True) for row in rows]


@router.get("/{notice_id:int}/letters.zip", responses={200: {"content": {"application/zip": {}}}})
def download_letters(
    request: Request,
    _actor: Reader,
    session: SessionDep,
    settings: SettingsDep,
    notice: NoticePath,
    everyone: Annotated[bool, Query(description="every recipient's letter, not only those to post")] = False,
) -> StreamingResponse:
    deliveries = (*posting.TO_POST, Delivery.emailed, Delivery.posted) if everyone else posting.TO_POST
    session.commit()  # the stream reads on sessions of its own
    stream = archive.letters_zip(request.app.state.engine, notice.id, settings.zone, deliveries)
    headers = {"Content-Disposition": f'attachment; filename="security-risk-{notice.id}-letters.zip"'}
    return StreamingResponse(stream, media_type="application/zip", headers=headers)
