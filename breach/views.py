"""Breach pages: the list, a breach with its deadlines and filings, PDF downloads, the ICO reference.

Thin routes: they ask breach.service for rows, breach.queries to put them into words, and render.
Recording and correcting a breach lives in breach.views_forms, filing in breach.views_filings; `router`
brings the three together (the fixed paths such as /breaches/new come before /breaches/{id}).
"""

from __future__ import annotations

from datetime import date, datetime
from typing import Annotated, Any

from fastapi import APIRouter, Form, Query, Request
from fastapi.responses import Response
from pydantic import ValidationError
from sqlmodel import Session

from breach import queries, service, views_filings, views_forms
from breach.deadlines import BREACH
from breach.forms import CATEGORY_WORDS, CIRCUMSTANCE_WORDS, FIELD_LABELS, STATUS_WORDS, pairs
from breach.models import Breach, BreachStatus, IcoReferenceUpdate
from provider.db.session import SessionDep
from provider.deadlines.presenters import owner_section
from provider.deadlines.timeline import render_timeline
from provider.errors import FieldError, Invalid, NotFound
from provider.security import audit_query
from provider.security.actor import Actor
from provider.security.roles import Permission
from provider.web.csrf import html_router
from provider.web.deps import NowDep, SettingsDep, page_permission
from provider.web.params import IdPath, SearchQuery
from provider.web.rendering import redirect, render

pages = html_router(prefix="/breaches")
Reader = Annotated[Actor, page_permission(Permission.breach_read)]
Writer = Annotated[Actor, page_permission(Permission.breach_write)]
PAGE_SIZE = 50
AUDIT_EXCERPT = 20


def _status_filter(text: str) -> tuple[BreachStatus | None, list[FieldError]]:
    if not text:
        return None, []
    try:
        return BreachStatus(text), []
    except ValueError:
        return None, [FieldError("status", "choose open, contained or closed")]


def _due_filter(text: str, settings: Any) -> tuple[datetime | None, list[FieldError]]:
    """A Europe/London calendar date: open deadlines due before that day begins on local clocks."""
    if not text:
        return None, []
    try:
        return audit_query.local_day_start(date.fromisoformat(text), settings.zone), []
    except ValueError:
        return None, [FieldError("due_before", "enter a date such as 2026-03-31")]


@pages.get("")
def breach_list(
    request: Request,
    session: SessionDep,
    now: NowDep,
    settings: SettingsDep,
    actor: Reader,
    status: Annotated[str, Query(max_length=16)] = "",
    due_before: Annotated[str, Query(max_length=10)] = "",
    q: SearchQuery = None,
    offset: Annotated[int, Query(ge=0, le=1_000_000)] = 0,
) -> Response:
    """Breaches, newest awareness first, each with its next statutory deadline and internal target."""
    status_value, errors = _status_filter(status)
    due_value, due_errors = _due_filter(due_before, settings)
    page = service.list_breaches(
        session, status=status_value, due_before=due_value, q=q, limit=PAGE_SIZE, offset=offset
    )
    rows = service.obligations_for(session, breach_ids=[breach.id for breach in page.items])
    items = [
        {
            "breach": breach,
            "statutory": queries.next_open(rows.get(breach.id, []), now, statutory=True),
            "internal": queries.next_open(rows.get(breach.id, []), now, statutory=False),
        }
        for breach in page.items
    ]
    return render(
        request,
        "breach/list.html",
        {
            "items": items,
            "page": page,
            "errors": pairs(errors + due_errors),
            "status": status,
            "due_before": due_before,
            "q": q or "",
            "statuses": STATUS_WORDS,
            "now": now,
            "can_write": actor.can(Permission.breach_write),
            "filters": {k: v for k, v in (("status", status), ("due_before", due_before), ("q", q)) if v},
        },
        status_code=422 if errors or due_errors else 200,
    )


def _detail_context(session: Session, breach: Breach, now: datetime, actor: Actor) -> dict[str, Any]:
    rows = service.obligations_for(session, breach_ids=[breach.id])[breach.id]
    pairs = [(row, breach) for row in rows]
    timeline = queries.timeline_items(pairs, now, with_reference=False)
    events = audit_query.search(
        session, audit_query.AuditFilter(entity_type="breach", entity_id=str(breach.id)), limit=AUDIT_EXCERPT
    ).events
    return {
        "breach": breach,
        "obligations": [queries.present(row, now) for row in rows],
        "timeline": render_timeline(
            timeline,
            now,
            window=queries.focus_window(pairs, now),
            title=f"Deadlines for {breach.reference}",
            id_prefix=f"breach-{breach.id}",
        ),
        "filings": service.list_filings(session, breach_id=breach.id),
        "events": events,
        "now": now,
        "labels": FIELD_LABELS,
        "circumstances": CIRCUMSTANCE_WORDS,
        "categories": CATEGORY_WORDS,
        "statuses": STATUS_WORDS,
        "stages": queries.STAGE_WORDS,
        "duration": queries.duration_words,
        "duration_seconds": queries.seconds_words,
        "can_write": actor.can(Permission.breach_write),
        "errors": [],
        "ico_reference": breach.ico_reference or "",
        "deadline_owners": owner_section(session, actor, BREACH, breach.id),
    }


@pages.get("/{breach_id}")
def breach_page(
    request: Request,
    breach_id: IdPath,
    session: SessionDep,
    now: NowDep,
    actor: Reader,
    filed: Annotated[int | None, Query(ge=1, le=2**63 - 1)] = None,
) -> Response:
    """The facts, the deadlines (table and picture), the filings with their PDFs, the trail."""
    breach = service.get_breach(session, breach_id=breach_id)
    context = _detail_context(session, breach, now, actor)
    context["just_filed"] = next((f for f in context["filings"] if f.id == filed), None)
    return render(request, "breach/detail.html", context)


@pages.post("/{breach_id}/ico-reference")
def ico_reference_submit(
    request: Request,
    breach_id: IdPath,
    session: SessionDep,
    now: NowDep,
    actor: Writer,
    ico_reference: Annotated[str, Form(max_length=200)] = "",
) -> Response:
    """Record the case reference the ICO gave; later filings carry it."""
    breach = service.get_breach(session, breach_id=breach_id)
    try:
        value = IcoReferenceUpdate.model_validate({"ico_reference": ico_reference}).ico_reference
        service.record_ico_reference(session, actor=actor, now=now, breach_id=breach.id, ico_reference=value)
    except (ValidationError, Invalid) as error:
        session.rollback()
        reasons = (
            [FieldError("ico_reference", item["msg"]) for item in error.errors()]
            if isinstance(error, ValidationError)
            else error.errors
        )
        context = _detail_context(session, breach, now, actor)
        context.update(errors=pairs(reasons), ico_reference=ico_reference, just_filed=None)
        return render(request, "breach/detail.html", context, status_code=422)
    session.commit()
    return redirect(request, f"/breaches/{breach.id}", f"ICO reference {value} recorded for {breach.reference}.")


@pages.get("/{breach_id}/filings/{filing_id}.pdf")
def filing_pdf(breach_id: IdPath, filing_id: IdPath, session: SessionDep, _actor: Reader) -> Response:
    """The exact bytes that were filed (their SHA-256 is on the breach page and in the header)."""
    filing = service.get_filing(session, filing_id=filing_id)
    if filing.breach_id != breach_id:
        raise NotFound(f"filing {filing_id} is not a filing of breach {breach_id}")
    content, sha256, filename = service.get_filing_pdf(session, filing_id=filing.id)
    return Response(
        content,
        media_type="application/pdf",
        headers={
            "Content-Disposition": f'attachment; filename="{filename}"',
            "X-Content-SHA256": sha256,
            "Cache-Control": "private, no-store",
        },
    )


router = APIRouter(include_in_schema=False)
router.include_router(views_forms.router)
router.include_router(views_filings.router)
router.include_router(pages)
