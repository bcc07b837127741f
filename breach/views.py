"""Breach pages: the list, a breach with its deadlines and filings, PDF downloads, the ICO reference.

Thin routes: they ask breach.service for rows, breach.queries and breach.presenters to put them into
words, and render. Recording and correcting a breach (one form with every field of the ICO
notification) are here too; filing is in breach.ico. Ids in paths are typed, so no fixed path
such as /breaches/new or /breaches/log is ever read as an id, whatever the order of the routes.
"""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Any

from fastapi import APIRouter, Depends, Query, Request
from fastapi.responses import Response
from sqlmodel import Session

from breach import correction_views, corrections, forms, presenters, queries, rules, service
from breach.deadlines import BREACH
from breach.forms import BREACH_FORM, FIELD_LABELS, ICO_REFERENCE_FORM, LIST_FORM
from breach.ico import submission_views
from breach.ico import views as ico_views
from breach.models import Breach, BreachStatus, IcoReferenceUpdate
from breach.paths import BreachPath, FilingPath
from provider.db.session import SessionDep
from provider.deadlines.presenters import owner_section
from provider.deadlines.timeline import render_timeline
from provider.security import audit_query
from provider.security.actor import Actor
from provider.security.roles import Permission
from provider.web.csrf import html_router
from provider.web.deps import NowDep, SettingsDep, page_permission
from provider.web.forms import FormError, Reading, Values, submit
from provider.web.params import MAX_ID, SearchQuery
from provider.web.rendering import redirect, render

pages = html_router(prefix="/breaches")
Reader = Annotated[Actor, page_permission(Permission.breach_read)]
Writer = Annotated[Actor, page_permission(Permission.breach_write)]
FilterValues = Annotated[Values, Depends(LIST_FORM.query)]
ReferenceValues = Annotated[Values, Depends(ICO_REFERENCE_FORM.submitted)]
BreachValues = Annotated[Values, Depends(BREACH_FORM.submitted)]
PAGE_SIZE = 50
AUDIT_EXCERPT = 20


def _status_filter(reading: Reading) -> BreachStatus | None:
    text = reading.text("status")
    if not text:
        return None
    try:
        return BreachStatus(text)
    except ValueError:
        reading.fail("status", "Choose the status from the list")
        return None


def _list_items(session: Session, breaches: list[Breach], now: datetime) -> list[dict[str, Any]]:
    rows = service.obligations_for(session, breach_ids=[breach.id for breach in breaches])
    return [
        {
            "breach": breach,
            "statutory": queries.next_open(rows.get(breach.id, []), now, statutory=True),
            "internal": queries.next_open(rows.get(breach.id, []), now, statutory=False),
        }
        for breach in breaches
    ]


@pages.get("")
def breach_list(
    request: Request,
    session: SessionDep,
    now: NowDep,
    settings: SettingsDep,
    actor: Reader,
    values: FilterValues,
    q: SearchQuery = None,
    offset: Annotated[int, Query(ge=0, le=1_000_000)] = 0,
) -> Response:
    """Breaches, newest awareness first, each with its next statutory deadline and internal target."""
    reading = LIST_FORM.read(values)
    status_value = _status_filter(reading)
    # A calendar date in the configured zone: open deadlines due before that day begins on local clocks.
    due_day = reading.date("due_before")
    due_value = audit_query.local_day_start(due_day, settings.zone) if due_day is not None else None
    page = service.list_breaches(
        session, status=status_value, due_before=due_value, q=q, limit=PAGE_SIZE, offset=offset
    )
    filters = {
        "status": status_value.value if status_value else "",
        "due_before": due_day.isoformat() if due_day else "",
        "q": q,
    }
    return render(
        request,
        "breach/list.html",
        {
            "items": _list_items(session, page.items, now),
            "page": page,
            "errors": reading.errors,
            "values": values,
            "q": q or "",
            "statuses": presenters.STATUS_LABELS,
            "now": now,
            "can_write": actor.can(Permission.breach_write),
            "filters": {name: value for name, value in filters.items() if value},
        },
        status_code=422 if reading.errors else 200,
    )


def _detail_context(session: Session, breach: Breach, now: datetime, actor: Actor) -> dict[str, Any]:
    rows = service.obligations_for(session, breach_ids=[breach.id])[breach.id]
    pairs = [(row, breach) for row in rows]
    filings = service.list_filings(session, breach_id=breach.id)
    timeline = queries.timeline_items(pairs, now, with_reference=False)
    events = audit_query.search(
        session, audit_query.AuditFilter(entity_type="breach", entity_id=str(breach.id)), limit=AUDIT_EXCERPT
    ).events
    return {
        "breach": breach,
        "obligations": [queries.present(row, now) for row in queries.ordered(rows)],
        "next_action": queries.next_action_words(rows, now),
        "timeline": render_timeline(
            timeline,
            now,
            window=queries.focus_window(pairs, now),
            title=f"Deadlines for {breach.reference}",
            id_prefix=f"breach-{breach.id}",
        ),
        "filings": filings,
        "submissions": service.submissions_for(session, [f.id for f in filings]),
        "events": events,
        "now": now,
        "labels": FIELD_LABELS,
        "circumstances": presenters.CIRCUMSTANCE_LABELS,
        "categories": presenters.CATEGORY_LABELS,
        "statuses": presenters.STATUS_LABELS,
        "stages": presenters.STAGE_LABELS,
        "duration": queries.duration_words,
        "duration_seconds": queries.seconds_words,
        "can_write": actor.can(Permission.breach_write),
        "errors": [],
        "ico_reference": breach.ico_reference or "",
        "deadline_owners": owner_section(session, actor, BREACH, breach.id),
        "corrections": corrections.corrections_of(session, breach.id),
        "original_due": {
            kind: datetime.fromisoformat(due)
            for kind, due in corrections.original_deadlines(session, breach.id).items()
            if due
        },
    }


@pages.get("/{breach_id:int}")
def breach_page(
    request: Request,
    session: SessionDep,
    now: NowDep,
    actor: Reader,
    breach: BreachPath,
    filed: Annotated[int | None, Query(ge=1, le=MAX_ID)] = None,
) -> Response:
    """The facts, the deadlines (table and picture), the filings with their PDFs, the trail."""
    context = _detail_context(session, breach, now, actor)
    context["just_filed"] = next((f for f in context["filings"] if f.id == filed), None)
    return render(request, "breach/detail.html", context)


@pages.post("/{breach_id:int}/ico-reference")
def ico_reference_submit(
    request: Request,
    session: SessionDep,
    now: NowDep,
    actor: Writer,
    breach: BreachPath,
    values: ReferenceValues,
) -> Response:
    """Record the case reference the ICO gave; later filings carry it."""
    typed = values.get("ico_reference", "")

    def record() -> str:
        value = ICO_REFERENCE_FORM.parse(IcoReferenceUpdate, {"ico_reference": typed}).ico_reference
        service.record_ico_reference(session, actor=actor, now=now, breach_id=breach.id, ico_reference=value)
        return value

    def again(errors: list, status: int) -> Response:
        context = _detail_context(session, breach, now, actor)
        context.update(errors=errors, ico_reference=typed, just_filed=None)
        return render(request, "breach/detail.html", context, status_code=status)

    return submit(
        session,
        ICO_REFERENCE_FORM,
        action=record,
        on_error=again,
        success=lambda value: redirect(
            request, f"/breaches/{breach.id}", f"ICO reference {value} recorded for {breach.reference}."
        ),
    )


@pages.get("/{breach_id:int}/filings/{filing_id:int}.pdf")
def filing_pdf(session: SessionDep, _actor: Reader, filing: FilingPath) -> Response:
    """The exact bytes that were filed (their SHA-256 is on the breach page and in the header)."""
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


# --- recording a breach and correcting it ---------------------------------------------------------
# The service validates and audits; these routes read the form (breach.forms) and hand the use case to
# `submit`, which commits and redirects, or shows the form again (422) with the summary at the top,
# each reason next to its field, and everything the person typed or ticked kept.


def _form_page(
    request: Request,
    values: dict[str, Any],
    errors: list[FormError],
    *,
    breach: Breach | None = None,
    status_code: int = 200,
) -> Response:
    return render(
        request,
        "breach/form.html",
        {
            "values": values,
            "errors": errors,
            "breach": breach,
            "labels": forms.FIELD_LABELS,
            "circumstances": presenters.CIRCUMSTANCE_LABELS,
            "categories": presenters.category_choices(),
            "statuses": presenters.STATUS_LABELS,
            "gap_hours": rules.AWARENESS_GAP_HOURS,
            "action": f"/breaches/{breach.id}/edit" if breach else "/breaches/new",
        },
        status_code=status_code,
    )


@pages.get("/new")
def new_breach_page(request: Request, _actor: Writer) -> Response:
    """The empty form."""
    return _form_page(request, forms.blank_values(), [])


@pages.post("/new")
def new_breach_submit(
    request: Request,
    session: SessionDep,
    now: NowDep,
    settings: SettingsDep,
    actor: Writer,
    values: BreachValues,
) -> Response:
    """Record the breach and its deadlines, or show the form again with every problem."""

    def record() -> Breach:
        data = forms.read_new_breach(values, settings.zone, now)
        return service.create_breach(session, actor=actor, now=now, data=data, log_due_day=settings.breach_log_due_day)

    return submit(
        session,
        BREACH_FORM,
        action=record,
        on_error=lambda errors, status: _form_page(request, values, errors, status_code=status),
        success=lambda breach: redirect(
            request, f"/breaches/{breach.id}", f"Breach {breach.reference} recorded. Its deadlines are shown below."
        ),
    )


@pages.get("/{breach_id:int}/edit")
def edit_breach_page(request: Request, settings: SettingsDep, _actor: Writer, breach: BreachPath) -> Response:
    """The form filled with the stored facts."""
    return _form_page(request, forms.values_from_breach(breach, settings.zone), [], breach=breach)


@pages.post("/{breach_id:int}/edit")
def edit_breach_submit(
    request: Request,
    session: SessionDep,
    now: NowDep,
    settings: SettingsDep,
    actor: Writer,
    breach: BreachPath,
    values: BreachValues,
) -> Response:
    """Apply the corrections (audited by the service), or show the form again with every problem."""

    def correct() -> Breach:
        data = forms.read_correction(values, settings.zone, now, breach)
        justification = str(values.get("correction_justification", "")).strip()
        data = correction_views.request_if_needed(session, actor, now, breach, data, justification)
        return service.update_breach(
            session, actor=actor, now=now, breach_id=breach.id, data=data, log_due_day=settings.breach_log_due_day
        )

    return submit(
        session,
        BREACH_FORM,
        action=correct,
        on_error=lambda errors, status: _form_page(request, values, errors, breach=breach, status_code=status),
        success=lambda _: redirect(request, f"/breaches/{breach.id}", f"Breach {breach.reference} updated."),
    )


router = APIRouter(include_in_schema=False)
router.include_router(ico_views.router)
router.include_router(submission_views.router)
router.include_router(correction_views.router)
router.include_router(pages)
