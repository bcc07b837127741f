"""JSON API of traffic records: `POST /api/v1/traffic/records` takes an NDJSON batch (one record a line);
`POST /api/v1/traffic/records/search` finds records by the other party's number (in the body, not the URL)."""

from __future__ import annotations

import json
from collections.abc import Iterator
from itertools import islice
from typing import Annotated

from fastapi import APIRouter, Request
from fastapi.responses import StreamingResponse
from pydantic import BaseModel, Field
from starlette.concurrency import run_in_threadpool

from provider.db.session import SessionDep
from provider.errors import DomainError
from provider.security.actor import Actor
from provider.security.keystore import KeyStore
from provider.security.roles import Permission
from provider.text import LINES_PATTERN
from provider.web.deps import NowDep, SettingsDep, api_permission
from traffic import service
from traffic.models import RecordSearch, RecordSearchPage
from traffic.policy import TrafficSettings
from traffic.report import IngestReport, split_reason

router = APIRouter(prefix="/api/v1/traffic", tags=["traffic"])
MAX_BODY_BYTES = 64 * 1024 * 1024
NDJSON = "application/x-ndjson"
BODY_SCHEMA = {"type": "string", "maxLength": MAX_BODY_BYTES}
Writer = Annotated[Actor, api_permission(Permission.traffic_write)]
Reader = Annotated[Actor, api_permission(Permission.traffic_read)]


class TooLarge(DomainError):
    status = 413
    title = "Batch too large"


class BadLinePublic(BaseModel):
    line: int = Field(description="the line's number in the batch, from 1")
    field: str = Field(description="the field at fault, or `line` when the line itself is (not JSON)")
    reason: str


class ImportReportPublic(BaseModel):
    lines: int
    written: int
    already_stored: int
    bad_lines: int
    errors: list[BadLinePublic] = Field(
        description="every bad line, however many, in the order found (a line failing a check that needs the database, "
        "such as an unknown line number, comes after the lines that fail on their own)",
    )


def _bad_line(line: int, reason: str) -> str:
    name, words = split_reason(reason)
    return json.dumps({"line": line, "field": name, "reason": words})


def _report_body(report: IngestReport) -> Iterator[bytes]:
    """The report as JSON, its errors read from the report's spool a thousand at a time: every bad line is
    sent, and memory stays flat however many there are."""
    counts = {"lines": report.lines, "written": report.written, "already_stored": report.already_stored,
              "bad_lines": report.bad_lines}  # fmt: skip
    yield json.dumps(counts)[:-1].encode() + b', "errors": ['
    errors, separator = report.every_error(), b""
    try:
        while chunk := list(islice(errors, 1000)):
            items = (_bad_line(line, reason) for line, reason in chunk)
            yield separator + ",".join(items).encode()
            separator = b","
    finally:
        report.close()
    yield b"]}"


@router.post(
    "/records",
    response_model=ImportReportPublic,
    # One JSON record a line; each record is checked by the record schema, whose text fields refuse
    # control characters, and the body as a whole never carries any but line breaks.
    openapi_extra={
        "requestBody": {
            "content": {NDJSON: {"schema": {"type": "string", "maxLength": MAX_BODY_BYTES, "pattern": LINES_PATTERN}}},
            "required": True,
        }
    },
)
async def post_records(
    request: Request, actor: Writer, session: SessionDep, settings: SettingsDep, now: NowDep,
) -> StreamingResponse:  # fmt: skip
    """Store a batch of traffic and location records, one JSON object a line (the fields of `pecr traffic
    import`). Every good line is stored; every bad one, however many, is listed with its line number, field
    and reason (streamed, so no cap is needed), and none is stored. Records already stored (same day and
    source id) are skipped, so a batch can be sent again."""
    body = await request.body()
    if len(body) > MAX_BODY_BYTES:
        raise TooLarge(f"send at most {MAX_BODY_BYTES // (1024 * 1024)} MB a request")
    try:
        text = body.decode("utf-8")
    except UnicodeDecodeError:
        raise DomainError("the batch must be UTF-8 NDJSON") from None
    report = await run_in_threadpool(
        lambda: service.import_batch(
            session, body=text, actor=actor, now=now, master_key=settings.master_key_value(),
            policy=TrafficSettings().policy(), store=KeyStore(settings.key_store),
        )
    )  # fmt: skip
    return StreamingResponse(_report_body(report), media_type="application/json")


@router.post("/records/search", response_model=RecordSearchPage)
def search_records(
    search: RecordSearch, actor: Reader, session: SessionDep, settings: SettingsDep, now: NowDep
) -> RecordSearchPage:
    """Traffic records whose other party is `number` (national or E.164 form alike), on the UTC days
    `from` to `to` (at most 93 days), oldest first, a page at a time: send `next_cursor` back as `cursor`
    for the next. Each record's other party and cell are decrypted; a record of a day whose key was
    destroyed is returned with status `erased` and no identifying fields."""
    page = service.search_records(
        session, search=search, actor=actor, now=now, master_key=settings.master_key_value(),
        store=KeyStore(settings.key_store),
    )  # fmt: skip
    session.commit()
    return page
