"""The audit trail for auditors: /audit (filter and page), /audit.csv (streamed export) and the JSON API.

Read-only by construction: nothing here writes. Dates in filters are Europe/London calendar days.
"""

from __future__ import annotations

from datetime import date, datetime
from typing import Annotated
from urllib.parse import urlencode

from fastapi import APIRouter, Depends, Query, Request
from fastapi.responses import Response, StreamingResponse
from pydantic import BaseModel

from provider.db.session import SessionDep
from provider.errors import FieldError, Invalid
from provider.security import audit_query
from provider.security.actor import Actor
from provider.security.audit_query import AuditFilter
from provider.security.roles import Permission
from provider.web.csrf import html_router
from provider.web.deps import NowDep, SettingsDep, api_permission, page_permission
from provider.web.params import MAX_ID
from provider.web.rendering import render

pages = html_router()
api = APIRouter(prefix="/api/v1", tags=["audit"])
router = APIRouter()
PAGE_SIZE = 50
AuditorActor = Annotated[Actor, page_permission(Permission.audit_read)]
IdQuery = Annotated[int | None, Query(ge=1, le=MAX_ID)]


EntityType = Annotated[str | None, Query(max_length=64, description="exact entity type, e.g. user, breach")]
EntityId = Annotated[str | None, Query(max_length=64, description="exact entity id")]
ActorName = Annotated[str | None, Query(max_length=100, description="user name; also finds that user's tokens")]
ActionPrefix = Annotated[str | None, Query(max_length=100, description="action or its beginning, e.g. account.")]
DayText = Annotated[str | None, Query(max_length=10, description="YYYY-MM-DD, a Europe/London day")]


def filter_values(
    entity_type: EntityType = None,
    entity_id: EntityId = None,
    actor: ActorName = None,
    action: ActionPrefix = None,
    date_from: DayText = None,
    date_to: DayText = None,
) -> dict[str, str]:
    """The filter form's fields as typed (kept to fill the form in again)."""
    values = {
        "entity_type": entity_type,
        "entity_id": entity_id,
        "actor": actor,
        "action": action,
        "date_from": date_from,
        "date_to": date_to,
    }
    return {name: value.strip() for name, value in values.items() if value and value.strip()}


def _day(field: str, text: str | None, errors: list[FieldError]) -> date | None:
    if not text:
        return None
    try:
        return date.fromisoformat(text)
    except ValueError:
        errors.append(FieldError(field, "enter a date as YYYY-MM-DD"))
        return None


def parse_filter(values: dict[str, str]) -> AuditFilter:
    """A mistyped date becomes a form error naming the field, never a 500."""
    errors: list[FieldError] = []
    date_from = _day("date_from", values.get("date_from"), errors)
    date_to = _day("date_to", values.get("date_to"), errors)
    if date_from and date_to and date_from > date_to:
        errors.append(FieldError("date_to", "the end date is before the start date"))
    if errors:
        raise Invalid("; ".join(f"{e.field}: {e.reason}" for e in errors), errors=errors)
    return AuditFilter(
        entity_type=values.get("entity_type"),
        entity_id=values.get("entity_id"),
        actor_name=values.get("actor"),
        action_prefix=values.get("action"),
        date_from=date_from,
        date_to=date_to,
    )


def csv_filter(values: Annotated[dict[str, str], Depends(filter_values)]) -> AuditFilter:
    return parse_filter(values)


@pages.get("/audit")
def audit_page(
    request: Request,
    session: SessionDep,
    settings: SettingsDep,
    _actor: AuditorActor,
    values: Annotated[dict[str, str], Depends(filter_values)],
    before_id: IdQuery = None,
    after_id: IdQuery = None,
) -> Response:
    """Events newest first, fifty a page, filtered by entity, actor, action and local dates."""
    try:
        filters = parse_filter(values)
    except Invalid as error:
        errors = [(e.field, e.reason) for e in error.errors]
        return render(request, "audit/events.html", {"values": values, "errors": errors, "page": None}, status_code=422)
    page = audit_query.search(
        session, filters, before_id=before_id, after_id=after_id, limit=PAGE_SIZE, zone=settings.zone
    )
    query = filters.as_query()
    links = {
        "older": "/audit?" + urlencode({**query, "before_id": page.older_before_id}) if page.older_before_id else "",
        "newer": "/audit?" + urlencode({**query, "after_id": page.newer_after_id}) if page.newer_after_id else "",
        "csv": "/audit.csv" + ("?" + urlencode(query) if query else ""),
    }
    return render(request, "audit/events.html", {"values": values, "errors": [], "page": page, "links": links})


@pages.get("/audit.csv")
def audit_csv(
    request: Request,
    session: SessionDep,
    now: NowDep,
    settings: SettingsDep,
    _actor: AuditorActor,
    filters: Annotated[AuditFilter, Depends(csv_filter)],
) -> StreamingResponse:
    """Every matching event, oldest first, with hash and prev_hash, streamed a batch at a time."""
    # The request's session would otherwise stay open (on SQLite, holding the write lock) while it streams.
    session.close()
    chunks = audit_query.csv_chunks(request.app.state.engine, filters, zone=settings.zone)
    filename = f"audit-{now.strftime('%Y%m%dT%H%M%SZ')}.csv"
    return StreamingResponse(
        chunks,
        media_type="text/csv; charset=utf-8",
        headers={"Content-Disposition": f'attachment; filename="{filename}"', "Cache-Control": "no-store"},
    )


class AuditEventPublic(BaseModel):
    id: int
    occurred_at: datetime
    actor_kind: str
    actor_id: int | None
    actor_name: str
    action: str
    entity_type: str
    entity_id: str
    before: str | None
    after: str | None
    prev_hash: str
    hash: str


class AuditEventPage(BaseModel):
    items: list[AuditEventPublic]
    next_before_id: int | None


@api.get("/audit-events", response_model=AuditEventPage, summary="Audit events, newest first")
def list_audit_events(
    session: SessionDep,
    settings: SettingsDep,
    _actor: Actor = api_permission(Permission.audit_read),
    entity_type: EntityType = None,
    entity_id: EntityId = None,
    actor: ActorName = None,
    action: ActionPrefix = None,
    date_from: Annotated[date | None, Query(description="first Europe/London day included")] = None,
    date_to: Annotated[date | None, Query(description="last Europe/London day included")] = None,
    before_id: IdQuery = None,
    limit: Annotated[int, Query(ge=1, le=500)] = PAGE_SIZE,
) -> AuditEventPage:
    """Page with before_id = the previous answer's next_before_id until it is null."""
    filters = AuditFilter(
        entity_type=entity_type,
        entity_id=entity_id,
        actor_name=actor,
        action_prefix=action,
        date_from=date_from,
        date_to=date_to,
    )
    page = audit_query.search(session, filters, before_id=before_id, limit=limit, zone=settings.zone)
    items = [AuditEventPublic.model_validate(event, from_attributes=True) for event in page.events]
    return AuditEventPage(items=items, next_before_id=page.older_before_id)


router.include_router(pages)
router.include_router(api)
