"""JSON API of notices, consents, privacy switches, the partner register and purpose checks
(`POST /api/v1/traffic/authorise`, and its streamed batch form for marketing lists)."""

from __future__ import annotations

import json
from typing import Annotated

from fastapi import APIRouter, Request
from fastapi.responses import StreamingResponse
from starlette.concurrency import run_in_threadpool

from provider.db.session import SessionDep
from provider.errors import NotFound, invalid
from provider.security.actor import Actor
from provider.security.roles import Permission
from provider.subscribers import service as subscribers
from provider.subscribers.paths import SubscriberPath
from provider.web.deps import NowDep, api_permission
from traffic.consent import batch_answers, bulk, notices, register, service, switches
from traffic.consent.models import (
    AuthoriseAnswer,
    AuthoriseRequest,
    ConsentCreate,
    ConsentOverview,
    ConsentPublic,
    NoticeKind,
    NoticeServe,
    NoticeServed,
    NoticeWording,
    PartnerCreate,
    PartnerPublic,
    PrivacySwitchCreate,
    PrivacySwitchPublic,
    ServiceCreate,
    ServicePublic,
    WithdrawalCreate,
)
from traffic.consent.people import person_of

router = APIRouter(prefix="/api/v1/traffic", tags=["traffic consent"])
Reader = Annotated[Actor, api_permission(Permission.traffic_read)]
Writer = Annotated[Actor, api_permission(Permission.traffic_write)]
NDJSON = "application/x-ndjson"


@router.post(
    "/authorise",
    response_model=AuthoriseAnswer,
    responses={404: {"description": "No subscriber, line or named user with that id or number"}},
)
def authorise(_actor: Reader, session: SessionDep, now: NowDep, body: AuthoriseRequest) -> AuthoriseAnswer:
    """May this person's data of this kind be used for this purpose now? With the reason and legal basis."""
    (answer,) = bulk.answer_chunk(session, [body], now)
    if answer.problem == "not_found":
        raise NotFound(answer.reason)
    if answer.problem:
        raise invalid("service_name" if "service" in answer.reason else "user_id", answer.reason)
    return AuthoriseAnswer(allowed=answer.allowed, reason=answer.reason, basis=answer.basis)


@router.post(
    "/authorise/batch",
    responses={200: {"content": {NDJSON: {}}, "description": "one answer per line, in the order asked"}},
)
async def authorise_batch(request: Request, _actor: Reader, session: SessionDep, now: NowDep) -> StreamingResponse:
    """Many questions at once (NDJSON, one per line, or a JSON list); answers stream back as NDJSON,
    each with the `index` of its question (from 0), and `problem` when the question could not be read.

    The body is read before the answer starts: while a response streams, Starlette listens for the
    client's disconnect on the same channel, which would swallow what is left of the body. The
    request's own session ends first (SQLite allows one writer), and each chunk reads in its own.
    """
    await run_in_threadpool(session.commit)
    body = await request.body()
    json_list = request.headers.get("content-type", "").startswith("application/json")
    texts = _list_items(body) if json_list else [line for line in body.split(b"\n") if line.strip()]
    return StreamingResponse(batch_answers.answers(request.app.state.engine, texts, now), media_type=NDJSON)


def _list_items(body: bytes) -> list[bytes]:
    try:
        items = json.loads(body)
    except ValueError:
        items = None
    return [json.dumps(item).encode() for item in items] if isinstance(items, list) else [b"null"]


# --- notices ---------------------------------------------------------------------------------------


@router.put("/notices/{notice}", response_model=dict[str, int | str])
def save_notice(actor: Writer, session: SessionDep, now: NowDep, notice: NoticeKind, body: NoticeWording) -> dict:
    """Save a notice's wording (a used version is never changed: saving then makes the next version)."""
    version = notices.save_wording(
        session,
        actor=actor,
        now=now,
        notice=notice,
        service=service.service_named(session, body.service_name),
        parts=body.parts,
        material_change=body.material_change,
        material_change_note=body.material_change_note,
    )
    session.commit()
    return {"version_id": version.id, "version": version.version, "content_sha256": version.content_sha256}


@router.post("/subscribers/{subscriber_id:int}/notices", response_model=NoticeServed, status_code=201)
def serve_notice(actor: Writer, session: SessionDep, now: NowDep, subscriber: SubscriberPath, body: NoticeServe):
    """Record that the notice's latest version reached the subscriber or a named user now."""
    person = person_of(session, subscriber, body.user_id)
    version = notices.serve(
        session,
        actor=actor,
        now=now,
        person=person,
        notice=body.notice,
        service=service.service_named(session, body.service_name),
        channel=body.channel,
    )
    session.commit()
    return NoticeServed(
        version_id=version.id,
        version=version.version,
        person_kind=person.kind,
        person_id=person.id,
        channel=body.channel,
        served_at=now,
    )


# --- consents -------------------------------------------------------------------------------------


@router.get("/subscribers/{subscriber_id:int}/consents", response_model=ConsentOverview)
def read_consents(_actor: Reader, session: SessionDep, subscriber: SubscriberPath) -> ConsentOverview:
    """The current state of each consent (derived from the history) and the whole history, newest first."""
    return ConsentOverview(
        current=service.public(session, service.current(session, subscriber.id)),
        history=service.public(session, service.history(session, subscriber.id)),
    )


@router.post("/subscribers/{subscriber_id:int}/consents", response_model=ConsentPublic, status_code=201)
def capture_consent(
    actor: Writer, session: SessionDep, now: NowDep, subscriber: SubscriberPath, body: ConsentCreate
) -> ConsentPublic:
    """Record a consent given after its notice was served to the same person."""
    event = service.capture(session, actor=actor, now=now, subscriber=subscriber, data=body)
    session.commit()
    return service.public(session, [event])[0]


@router.post("/subscribers/{subscriber_id:int}/withdrawals", response_model=ConsentPublic, status_code=201)
def withdraw_consent(
    actor: Writer, session: SessionDep, now: NowDep, subscriber: SubscriberPath, body: WithdrawalCreate
) -> ConsentPublic:
    """Withdraw a consent; it stops counting at once."""
    event = service.withdraw(session, actor=actor, now=now, subscriber=subscriber, data=body)
    session.commit()
    return service.public(session, [event])[0]


@router.post("/subscribers/{subscriber_id:int}/privacy-switches", response_model=PrivacySwitchPublic, status_code=201)
def switch_privacy_on(
    actor: Writer, session: SessionDep, now: NowDep, subscriber: SubscriberPath, body: PrivacySwitchCreate
) -> PrivacySwitchPublic:
    """Refuse location processing on one of the subscriber's lines until `ends_at`."""
    line = subscribers.get_line(session, body.line_id)
    if line.subscriber_id != subscriber.id:
        raise invalid("line_id", "not a line of this subscriber")
    switch = switches.switch_on(
        session, actor=actor, now=now, line=line, starts_at=body.starts_at, ends_at=body.ends_at
    )
    session.commit()
    return PrivacySwitchPublic.model_validate(switch, from_attributes=True)


# --- the register -----------------------------------------------------------------------------------


@router.get("/partners", response_model=list[PartnerPublic])
def read_partners(_actor: Reader, session: SessionDep) -> list[PartnerPublic]:
    """Processors and value-added service partners, with their contract dates and scope."""
    return [PartnerPublic.model_validate(p, from_attributes=True) for p in register.partners(session)]


@router.post("/partners", response_model=PartnerPublic, status_code=201)
def add_partner(actor: Writer, session: SessionDep, now: NowDep, body: PartnerCreate) -> PartnerPublic:
    """Add a processor or partner to the register."""
    partner = register.add_partner(session, actor=actor, now=now, data=body)
    session.commit()
    return PartnerPublic.model_validate(partner, from_attributes=True)


@router.get("/services", response_model=list[ServicePublic])
def read_services(_actor: Reader, session: SessionDep) -> list[ServicePublic]:
    """The value-added services a consent can name."""
    return [ServicePublic.model_validate(s, from_attributes=True) for s in register.services(session)]


@router.post("/services", response_model=ServicePublic, status_code=201)
def add_service(actor: Writer, session: SessionDep, now: NowDep, body: ServiceCreate) -> ServicePublic:
    """Register a value-added service (and the partner providing it, if any)."""
    found = register.add_service(session, actor=actor, now=now, data=body)
    session.commit()
    return ServicePublic.model_validate(found, from_attributes=True)
