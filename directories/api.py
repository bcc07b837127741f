"""JSON API of directories: a line's choice and requests, the information notice, and look-ups."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Query
from sqlmodel import SQLModel

from directories import lookups, requests, rules, service
from directories.models import ChoicePublic, ChoiceUpdate, NoticeParts, RequestCreate, RequestPublic
from directories.paths import LinePath
from provider.db.session import SessionDep
from provider.errors import NotFound
from provider.security.actor import Actor
from provider.security.roles import Permission
from provider.text import Line
from provider.web.deps import NowDep, SettingsDep, api_permission

router = APIRouter(prefix="/api/v1", tags=["directories"])
Reader = Annotated[Actor, api_permission(Permission.directories_read)]
Writer = Annotated[Actor, api_permission(Permission.directories_write)]


class NoticePublic(SQLModel):
    id: int
    version: int
    parts: dict[str, Any]
    content_sha256: str
    first_used_at: Any = None


class EntryPublic(SQLModel):
    number: str
    listing: str
    name: str
    address: str


class SearchPage(SQLModel):
    items: list[EntryPublic]


class ReversePublic(SQLModel):
    number: str
    name: str
    address: str


@router.get("/lines/{line_id:int}/directory", response_model=ChoicePublic)
def read_choice(_actor: Reader, session: SessionDep, settings: SettingsDep, now: NowDep, line: LinePath):
    """The line's directory choice (or the defaults), whether it is listed now and why, and its history."""
    return service.choice_public(session, line=line, now=now, wait_days=settings.directory_notice_wait_days)


@router.put("/lines/{line_id:int}/directory", response_model=ChoicePublic)
def record_choice(
    actor: Writer, session: SessionDep, settings: SettingsDep, now: NowDep, line: LinePath, body: ChoiceUpdate
):
    """Record the subscriber's choice; omitted fields take the defaults for the subscriber kind. An
    individual's choice names the notice version they were shown (422 without it, unless going
    ex-directory): it is the evidence they were informed, so it is never assumed."""
    service.record_choice(session, actor=actor, now=now, line=line, data=body)
    session.commit()
    return service.choice_public(session, line=line, now=now, wait_days=settings.directory_notice_wait_days)


@router.get("/lines/{line_id:int}/directory/requests", response_model=list[RequestPublic])
def list_requests(_actor: Reader, session: SessionDep, line: LinePath):
    """The line's verify, correct and withdraw requests, newest first."""
    return requests.list_requests(session, line.id)


@router.post("/lines/{line_id:int}/directory/requests", response_model=RequestPublic, status_code=201)
def record_request(actor: Writer, session: SessionDep, now: NowDep, line: LinePath, body: RequestCreate):
    """Record a request as received and apply it to look-ups now and to every later edition."""
    made = requests.record_request(session, actor=actor, now=now, line=line, data=body)
    session.commit()
    return made


@router.get(
    "/directory/notice", response_model=NoticePublic, responses={404: {"description": "No notice has been saved yet"}}
)
def read_notice(_actor: Reader, session: SessionDep):
    """The current version of the directory information notice."""
    version = service.current_notice(session)
    if version is None:
        raise NotFound("the directory information notice has not been saved yet")
    return version


@router.put("/directory/notice", response_model=NoticePublic)
def save_notice(actor: Writer, session: SessionDep, now: NowDep, body: NoticeParts):
    """Save the notice's wording: a served version is never changed, saving then makes the next one."""
    version = service.save_notice(session, actor=actor, now=now, parts=body)
    session.commit()
    return version


@router.get("/directory/search", response_model=SearchPage)
def search(
    _actor: Reader,
    session: SessionDep,
    settings: SettingsDep,
    now: NowDep,
    name: Annotated[Line, Query(min_length=1, max_length=200)],
    locality: Annotated[Line, Query(max_length=200)] = "",
):
    """Directory enquiries: entries listed in full or for enquiries only, as each subscriber chose to show."""
    cutoff = rules.informed_cutoff(now, settings.directory_notice_wait_days)
    return SearchPage(items=lookups.search(session, cutoff=cutoff, name=name, locality=locality))


@router.get("/directory/reverse", response_model=ReversePublic, responses={404: {"description": "no entry given"}})
def reverse(
    _actor: Reader,
    session: SessionDep,
    settings: SettingsDep,
    now: NowDep,
    number: Annotated[Line, Query(min_length=1, max_length=40)],
):
    """Number to name and address, only where the subscriber allows reverse search; any other number
    gets the answer an unknown number gets."""
    cutoff = rules.informed_cutoff(now, settings.directory_notice_wait_days)
    return lookups.reverse(session, cutoff=cutoff, number=number)
