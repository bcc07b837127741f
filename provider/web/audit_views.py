"""The audit trail for auditors: /audit (filter and page), /audit.csv (streamed export) and the JSON API.

Read-only by construction: nothing here writes. Dates in filters are Europe/London calendar days.
"""

from __future__ import annotations

from datetime import datetime
from typing import Annotated
from urllib.parse import urlencode

from fastapi import APIRouter, Depends, Query, Request
from fastapi.responses import Response, StreamingResponse
from pydantic import BaseModel

from provider.db.session import SessionDep
from provider.errors import FieldError, Invalid
from provider.moments import Day
from provider.security import audit_query
from provider.security.actor import Actor
from provider.security.audit_query import AuditFilter
from provider.security.roles import Permission
from provider.text import Line
from provider.web.csrf import html_router
from provider.web.deps import NowDep, SettingsDep, api_permission, page_permission
from provider.web.forms import FormError, PageForm, Values
from provider.web.params import MAX_ID
from provider.web.rendering import render
from provider.web.streams import primed

pages = html_router()
api = APIRouter(prefix="/api/v1", tags=["audit"])
router = APIRouter()
PAGE_SIZE = 50
AuditorActor = Annotated[Actor, page_permission(Permission.audit_read)]
IdQuery = Annotated[int | None, Query(ge=1, le=MAX_ID)]


EntityType = Annotated[Line | None, Query(max_length=64, description="exact entity type, e.g. user, breach")]
EntityId = Annotated[Line | None, Query(max_length=64, description="exact entity id")]
ActorName = Annotated[Line | None, Query(max_length=100, description="user name; also finds that user's tokens")]
ActionPrefix = Annotated[Line | None, Query(max_length=100, description="action or its beginning, e.g. account.")]
DATE_FIELDS = ("date_from", "date_to")
AUDIT_FORM = PageForm(
    labels={
        "entity_type": "Entity type",
        "entity_id": "Entity id",
        "actor": "Actor",
        "action": "Action starts with",
        "date_from": "From",
        "date_to": "To (inclusive)",
    }
)


def filter_values(
    request: Request,
    entity_type: EntityType = None,
    entity_id: EntityId = None,
    actor: ActorName = None,
    action: ActionPrefix = None,
) -> Values:
    """The filter form's fields as typed (kept to fill the form in again); its dates come as day, month
    and year boxes or as one ISO date (`?date_from=2026-03-10`, as links and bookmarks give them)."""
    typed = {"entity_type": entity_type, "entity_id": entity_id, "actor": actor, "action": action}
    dates = {name: value for name, value in AUDIT_FORM.query(request).items() if name.startswith(DATE_FIELDS)}
    return {**dates, **{name: value.strip() for name, value in typed.items() if value and value.strip()}}


def read_filter(values: Values) -> tuple[AuditFilter | None, list[FormError]]:
    """The filter, or the problems that stop it (a mistyped date is a form error naming the field)."""
    reading = AUDIT_FORM.read(values)
    date_from, date_to = reading.date("date_from"), reading.date("date_to")
    if date_from and date_to and date_from > date_to:
        reading.fail("date_to", "The end date is before the start date")
    if reading.errors:
        return None, reading.errors
    filters = AuditFilter(
        entity_type=values.get("entity_type"),
        entity_id=values.get("entity_id"),
        actor_name=values.get("actor"),
        action_prefix=values.get("action"),
        date_from=date_from,
        date_to=date_to,
    )
    return filters, []


def csv_filter(values: Annotated[Values, Depends(filter_values)]) -> AuditFilter:
    filters, errors = read_filter(values)
    if filters is None:
        raise Invalid("; ".join(e.message for e in errors), errors=[FieldError(e.field, e.message) for e in errors])
    return filters


@pages.get("/audit")
def audit_page(
    request: Request,
    session: SessionDep,
    settings: SettingsDep,
    _actor: AuditorActor,
    values: Annotated[Values, Depends(filter_values)],
    before_id: IdQuery = None,
    after_id: IdQuery = None,
) -> Response:
    """Events newest first, fifty a page, filtered by entity, actor, action and local dates."""
    filters, errors = read_filter(values)
    if filters is None:
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
    chunks = primed(audit_query.csv_chunks(request.app.state.engine, filters, zone=settings.zone))
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
    date_from: Annotated[Day | None, Query(description="first Europe/London day included")] = None,
    date_to: Annotated[Day | None, Query(description="last Europe/London day included")] = None,
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
