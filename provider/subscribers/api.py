"""JSON API for subscribers, their lines and the named users of a line (`/api/v1`).

Lists page by cursor: pass the `next_cursor` of one page as `after` to get the next. A duplicate
account reference or line number is a 409 problem naming the field.
"""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Query

from provider.db.session import SessionDep
from provider.errors import invalid
from provider.security.actor import Actor
from provider.security.roles import Permission
from provider.subscribers import listing, service
from provider.subscribers.models import (
    LineCreate,
    LinePublic,
    LineUpdate,
    LineUserCreate,
    LineUserPublic,
    Subscriber,
    SubscriberCreate,
    SubscriberDetail,
    SubscriberPage,
    SubscriberPublic,
    SubscriberUpdate,
)
from provider.subscribers.search import CURSOR_MAX_LENGTH, BadCursor, decode_cursor, encode_cursor
from provider.text import Line as OneLine
from provider.web.deps import NowDep, api_permission
from provider.web.params import IdPath, SearchQuery

router = APIRouter(prefix="/api/v1", tags=["subscribers"])
Reader = Annotated[Actor, api_permission(Permission.subscribers_read)]
Writer = Annotated[Actor, api_permission(Permission.subscribers_write)]
AfterQuery = Annotated[OneLine | None, Query(max_length=CURSOR_MAX_LENGTH, description="next_cursor of the last page")]
LimitQuery = Annotated[int, Query(ge=1, le=200, description="items per page")]


def _detail(session: SessionDep, subscriber: Subscriber) -> SubscriberDetail:
    lines = [LinePublic.model_validate(line) for line in service.lines_of(session, subscriber.id)]
    return SubscriberDetail(**SubscriberPublic.model_validate(subscriber).model_dump(), lines=lines)


@router.get("/subscribers", response_model=SubscriberPage)
def list_subscribers(
    session: SessionDep, _actor: Reader, q: SearchQuery = None, after: AfterQuery = None, limit: LimitQuery = 50
) -> SubscriberPage:
    """Subscribers in name order; `q` matches the start of any word of the name (every word of `q` must
    begin some word of the name: "john smi"), an account reference or a line number."""
    try:
        cursor = decode_cursor(after) if after else None
    except BadCursor as error:
        raise invalid("after", str(error)) from error
    page = listing.list_subscribers(session, query=q or "", after=cursor, limit=limit)
    return SubscriberPage(
        items=[SubscriberPublic.model_validate(s) for s in page.items],
        limit=limit,
        next_cursor=encode_cursor(page.next_cursor) if page.next_cursor else None,
    )


@router.post("/subscribers", response_model=SubscriberDetail, status_code=201)
def create_subscriber(data: SubscriberCreate, session: SessionDep, actor: Writer, now: NowDep) -> SubscriberDetail:
    """Create a subscriber, optionally with its first lines."""
    subscriber = service.create_subscriber(session, actor=actor, now=now, data=data)
    session.commit()
    return _detail(session, subscriber)


@router.get("/subscribers/{subscriber_id:int}", response_model=SubscriberDetail)
def read_subscriber(subscriber_id: IdPath, session: SessionDep, _actor: Reader) -> SubscriberDetail:
    """One subscriber with its lines."""
    return _detail(session, service.get_subscriber(session, subscriber_id))


@router.patch("/subscribers/{subscriber_id:int}", response_model=SubscriberDetail)
def update_subscriber(
    subscriber_id: IdPath, changes: SubscriberUpdate, session: SessionDep, actor: Writer, now: NowDep
) -> SubscriberDetail:
    """Change the fields sent; others stay as they are."""
    subscriber = service.update_subscriber(session, actor=actor, now=now, subscriber_id=subscriber_id, changes=changes)
    session.commit()
    return _detail(session, subscriber)


@router.get("/subscribers/{subscriber_id:int}/lines", response_model=list[LinePublic])
def list_lines(subscriber_id: IdPath, session: SessionDep, _actor: Reader) -> list[LinePublic]:
    """The subscriber's lines."""
    service.get_subscriber(session, subscriber_id)
    return [LinePublic.model_validate(line) for line in service.lines_of(session, subscriber_id)]


@router.post("/subscribers/{subscriber_id:int}/lines", response_model=LinePublic, status_code=201)
def add_line(subscriber_id: IdPath, data: LineCreate, session: SessionDep, actor: Writer, now: NowDep) -> LinePublic:
    """Add a line; the number is normalised to E.164."""
    line = service.add_line(session, actor=actor, now=now, subscriber_id=subscriber_id, data=data)
    session.commit()
    return LinePublic.model_validate(line)


@router.get("/lines/{line_id:int}", response_model=LinePublic)
def read_line(line_id: IdPath, session: SessionDep, _actor: Reader) -> LinePublic:
    """One line."""
    return LinePublic.model_validate(service.get_line(session, line_id))


@router.patch("/lines/{line_id:int}", response_model=LinePublic)
def update_line(line_id: IdPath, changes: LineUpdate, session: SessionDep, actor: Writer, now: NowDep) -> LinePublic:
    """Change a line's number or service."""
    line = service.update_line(session, actor=actor, now=now, line_id=line_id, changes=changes)
    session.commit()
    return LinePublic.model_validate(line)


@router.get("/lines/{line_id:int}/users", response_model=list[LineUserPublic])
def list_line_users(line_id: IdPath, session: SessionDep, _actor: Reader) -> list[LineUserPublic]:
    """The named users of a line."""
    service.get_line(session, line_id)
    return [LineUserPublic.model_validate(user) for user in service.users_of(session, line_id)]


@router.post("/lines/{line_id:int}/users", response_model=LineUserPublic, status_code=201)
def add_line_user(
    line_id: IdPath, data: LineUserCreate, session: SessionDep, actor: Writer, now: NowDep
) -> LineUserPublic:
    """Name a person who uses the line; they may differ from the subscriber."""
    user = service.add_line_user(session, actor=actor, now=now, line_id=line_id, data=data)
    session.commit()
    return LineUserPublic.model_validate(user)
