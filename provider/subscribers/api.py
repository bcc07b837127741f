"""JSON API for subscribers, their lines and the named users of a line (`/api/v1`).

Lists page by cursor: pass the `next_cursor` of one page as `after` to get the next. A duplicate
account reference or line number is a 409 problem naming the field. `POST /subscribers/import` takes a
CSV file, all or nothing (`provider.subscribers.bulk`); a refused file is a 422 problem listing every
bad row, however many, streamed from the report's spool.
"""

from __future__ import annotations

import json
import tempfile
from collections.abc import Iterator
from datetime import datetime
from itertools import islice
from pathlib import Path
from typing import Annotated

from fastapi import APIRouter, Query, Request
from fastapi.responses import JSONResponse, Response, StreamingResponse
from pydantic import BaseModel
from starlette.concurrency import run_in_threadpool

from provider.db.session import SessionDep
from provider.errors import DomainError, invalid
from provider.security.actor import Actor
from provider.security.roles import Permission
from provider.subscribers import bulk, listing, service
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
from provider.web.problem_types import uri_for
from provider.web.problems import PROBLEM_JSON

router = APIRouter(prefix="/api/v1", tags=["subscribers"])
Reader = Annotated[Actor, api_permission(Permission.subscribers_read)]
Writer = Annotated[Actor, api_permission(Permission.subscribers_write)]
AfterQuery = Annotated[OneLine | None, Query(max_length=CURSOR_MAX_LENGTH, description="next_cursor of the last page")]
LimitQuery = Annotated[int, Query(ge=1, le=200, description="items per page")]
# The route's own bound; the request limit (PECR_MAX_BODY_BYTES, 25 MB by default) applies first, with a
# 413. Larger files go through `pecr subscribers import`.
MAX_IMPORT_BYTES = 64 * 1024 * 1024
# A file upload (format binary): its cells are checked row by row, control characters included, by the import.
CSV_BODY = {
    "content": {"text/csv": {"schema": {"type": "string", "format": "binary", "maxLength": MAX_IMPORT_BYTES}}},
    "required": True,
}


class ImportTooLarge(DomainError):
    status = 413
    title = "Payload too large"


class SubscriberImportPublic(BaseModel):
    sha256: str
    rows: int
    subscribers: int
    lines: int


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


@router.post(
    "/subscribers/import",
    response_model=SubscriberImportPublic,
    status_code=201,
    openapi_extra={"requestBody": CSV_BODY},
    responses={422: {"description": "the file was refused: every bad row, as `line`, `field` (its column), `reason`"}},
)
async def import_subscribers(request: Request, session: SessionDep, actor: Writer, now: NowDep) -> Response:
    """Create subscribers and lines from a CSV file (the columns of `pecr subscribers import`), all or
    nothing. If any row is bad nothing is written, and the 422 problem lists every bad row, however many
    (streamed, so there is no cap), each with its line number, column and reason."""
    with tempfile.TemporaryDirectory(prefix="pecr-import-") as folder:
        path = Path(folder) / "api-upload.csv"
        await _receive(request, path)
        report = await run_in_threadpool(_import, session, actor, now, path)
    if report.ok:
        public = SubscriberImportPublic(sha256=report.sha256, rows=report.rows, subscribers=report.subscribers,
                                        lines=report.lines)  # fmt: skip
        return JSONResponse(public.model_dump(), status_code=201)
    return StreamingResponse(_refusal_body(report), status_code=422, media_type=PROBLEM_JSON)


async def _receive(request: Request, path: Path) -> None:
    """The body to a file as it arrives, so a large file never sits in memory whole."""
    received = 0
    with path.open("wb") as handle:
        async for chunk in request.stream():
            received += len(chunk)
            if received > MAX_IMPORT_BYTES:
                raise ImportTooLarge(f"the file is larger than {MAX_IMPORT_BYTES // (1024 * 1024)} MB")
            handle.write(chunk)


def _import(session: SessionDep, actor: Actor, now: datetime, path: Path) -> bulk.ImportReport:
    report = bulk.import_file(session, actor=actor, now=now, path=path)
    if report.ok:
        session.commit()
    return report


def _refusal_body(report: bulk.ImportReport) -> Iterator[bytes]:
    """A problem document whose `errors` are read from the report's spool a thousand at a time."""
    detail = (
        f"{report.bad_rows} bad rows of {report.rows}: nothing was imported"
        if report.rows
        else "the file has no row that could be read: nothing was imported"
    )
    head = {"type": uri_for(422), "title": "Validation failed", "status": 422, "detail": detail,
            "rows": report.rows, "bad_rows": report.bad_rows}  # fmt: skip
    yield json.dumps(head)[:-1].encode() + b', "errors": ['
    errors, separator = report.every_error(), b""
    try:
        while chunk := list(islice(errors, 1000)):
            items = (json.dumps({"line": e.line, "field": e.column, "reason": e.reason}) for e in chunk)
            yield separator + ",".join(items).encode()
            separator = b","
    finally:
        report.close()
    yield b"]}"
