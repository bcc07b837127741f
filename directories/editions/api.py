"""JSON API of directory editions: produce one (full or delta), read and download them, register
recipients, record deliveries and their acknowledgements."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Request
from fastapi.responses import StreamingResponse

from directories.editions import service
from directories.models import (
    AcknowledgementCreate,
    DeliveryCreate,
    DeliveryPublic,
    EditionCreate,
    EditionFormat,
    EditionPublic,
    RecipientCreate,
    RecipientPublic,
)
from directories.paths import DeliveryPath, EditionPath
from provider.db.session import SessionDep
from provider.security.actor import Actor
from provider.security.roles import Permission
from provider.web.deps import NowDep, SettingsDep, api_permission

router = APIRouter(prefix="/api/v1/directory", tags=["directory editions"])
Reader = Annotated[Actor, api_permission(Permission.directories_read)]
Writer = Annotated[Actor, api_permission(Permission.directories_write)]
MEDIA_TYPES = {EditionFormat.csv: "text/csv; charset=utf-8", EditionFormat.jsonl: "application/jsonl"}


def download(request: Request, session: SessionDep, edition) -> StreamingResponse:
    """The edition's file, streamed from a transaction of its own: the request's ends first (on SQLite it
    would hold the write lock for the whole download)."""
    session.commit()
    name = f"directory-edition-{edition.id}.{edition.format.value}"
    return StreamingResponse(
        service.content(request.app.state.engine, edition),
        media_type=MEDIA_TYPES[edition.format],
        headers={"Content-Disposition": f'attachment; filename="{name}"', "X-Content-SHA256": edition.sha256},
    )


@router.post("/editions", response_model=EditionPublic, status_code=201)
def produce(actor: Writer, session: SessionDep, settings: SettingsDep, now: NowDep, body: EditionCreate):
    """Produce a full edition, or a delta since `since_edition_id`; download it from its content link."""
    edition = service.produce(
        session,
        actor=actor,
        now=now,
        wait_days=settings.directory_notice_wait_days,
        fmt=body.format,
        since_edition_id=body.since_edition_id,
    )
    session.commit()
    return edition


@router.get("/editions", response_model=list[EditionPublic])
def list_editions(_actor: Reader, session: SessionDep):
    """The latest editions, newest first."""
    return service.list_editions(session)


@router.get("/editions/{edition_id:int}", response_model=EditionPublic)
def read_edition(_actor: Reader, edition: EditionPath):
    return edition


@router.get("/editions/{edition_id:int}/content", response_class=StreamingResponse)
def edition_content(request: Request, _actor: Reader, session: SessionDep, edition: EditionPath):
    """The edition's file (CSV or JSON lines), streamed; its SHA-256 is the edition's."""
    return download(request, session, edition)


@router.get("/recipients", response_model=list[RecipientPublic])
def list_recipients(_actor: Reader, session: SessionDep):
    return service.list_recipients(session)


@router.post("/recipients", response_model=RecipientPublic, status_code=201)
def add_recipient(actor: Writer, session: SessionDep, now: NowDep, body: RecipientCreate):
    """Register a directory publisher or enquiry service that receives editions."""
    recipient = service.add_recipient(session, actor=actor, now=now, data=body)
    session.commit()
    return recipient


@router.get("/editions/{edition_id:int}/deliveries", response_model=list[DeliveryPublic])
def list_deliveries(_actor: Reader, session: SessionDep, edition: EditionPath):
    return service.deliveries_of(session, edition.id)


@router.post("/editions/{edition_id:int}/deliveries", response_model=DeliveryPublic, status_code=201)
def record_delivery(actor: Writer, session: SessionDep, now: NowDep, edition: EditionPath, body: DeliveryCreate):
    """Record that the edition went to a recipient; its acknowledgement is then due (and reminded)."""
    delivery = service.record_delivery(
        session, actor=actor, now=now, edition=edition, recipient_id=body.recipient_id, at=body.delivered_at
    )
    session.commit()
    return delivery


@router.post("/deliveries/{delivery_id:int}/acknowledgement", response_model=DeliveryPublic)
def acknowledge(actor: Writer, session: SessionDep, now: NowDep, delivery: DeliveryPath, body: AcknowledgementCreate):
    """Record the recipient's acknowledgement: its deadline is met and no longer reminded."""
    acknowledged = service.acknowledge(session, actor=actor, now=now, delivery=delivery, at=body.acknowledged_at)
    session.commit()
    return acknowledged
