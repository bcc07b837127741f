"""Filing an ICO notification from the browser: choose the stage, see what it needs, file it.

The checklist and the refusal both come from the rules (`breach.ico.rules.missing_fields` through the service), so
the page can never promise a filing the service would refuse. When the statutory deadline has passed
the page says so and asks for the reasons for the delay, which the service then requires.
"""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Any

from fastapi import Depends, Query, Request
from fastapi.responses import Response
from sqlmodel import Session

from breach import presenters, queries, service
from breach.forms import FIELD_LABELS, FILING_FORM, STAGE_UNKNOWN, read_filing
from breach.models import Breach, Filing, FilingStage
from breach.paths import BreachPath
from provider.db.session import SessionDep
from provider.security.actor import Actor
from provider.security.roles import Permission
from provider.web.csrf import html_router
from provider.web.deps import NowDep, page_permission
from provider.web.forms import FormError, Values, submit
from provider.web.rendering import redirect, render

router = html_router(prefix="/breaches")
Writer = Annotated[Actor, page_permission(Permission.breach_write)]
FilingValues = Annotated[Values, Depends(FILING_FORM.submitted)]
MISSING_PREFIX = "missing: "


def _stage(text: str) -> FilingStage | None:
    try:
        return FilingStage(text or FilingStage.initial)
    except ValueError:
        return None


def _checklist(session: Session, breach: Breach, stage: FilingStage) -> list[dict[str, Any]]:
    """Every item the stage needs, ticked or not, then anything else the rules say is missing."""
    missing = {error.field: error.reason for error in service.readiness(session, breach_id=breach.id, stage=stage)}
    items = []
    for required in queries.required_items(stage):
        items.append(
            {
                "field": required.field,
                "reason": required.reason.removeprefix(MISSING_PREFIX),
                "missing": required.field in missing,
                "link": queries.edit_link(required.field, breach.id),
            }
        )
    known = {item["field"] for item in items}
    for field, reason in missing.items():
        if field not in known:
            items.append(
                {
                    "field": field,
                    "reason": reason.removeprefix(MISSING_PREFIX),
                    "missing": True,
                    "link": queries.edit_link(field, breach.id),
                }
            )
    return items


def _page(
    request: Request,
    session: Session,
    breach: Breach,
    stage: FilingStage,
    now: datetime,
    *,
    errors: list[FormError] | None = None,
    values: dict[str, Any] | None = None,
    status_code: int = 200,
) -> Response:
    rows = service.obligations_for(session, breach_ids=[breach.id])[breach.id]
    passed = queries.statutory_deadline_passed(rows, stage, now)
    checklist = _checklist(session, breach, stage)
    return render(
        request,
        "breach_ico/file.html",
        {
            "breach": breach,
            "stage": stage,
            "stages": presenters.STAGE_LABELS,
            "checklist": checklist,
            "missing_count": sum(1 for item in checklist if item["missing"]),
            "deadline_passed": passed,
            "overdue_by": queries.duration_words(now - passed.due_at) if passed is not None else "",
            "filings": service.list_filings(session, breach_id=breach.id),
            "labels": FIELD_LABELS,
            "errors": errors or [],
            "values": values or {},
            "now": now,
        },
        status_code=status_code,
    )


@router.get("/{breach_id:int}/file")
def file_page(
    request: Request,
    session: SessionDep,
    now: NowDep,
    _actor: Writer,
    breach: BreachPath,
    stage: Annotated[str, Query(max_length=16)] = "initial",
) -> Response:
    """The checklist for the chosen stage and the filing form."""
    chosen = _stage(stage)
    if chosen is None:
        errors = [FILING_FORM.error("stage", STAGE_UNKNOWN)]
        return _page(request, session, breach, FilingStage.initial, now, errors=errors, status_code=422)
    return _page(request, session, breach, chosen, now)


@router.post("/{breach_id:int}/file")
def file_submit(
    request: Request,
    session: SessionDep,
    now: NowDep,
    actor: Writer,
    breach: BreachPath,
    values: FilingValues,
) -> Response:
    """File now, or show the page again listing every missing field (422)."""
    chosen = _stage(values.get("stage", ""))

    def file() -> Filing:
        data = read_filing(values, chosen)
        return service.file_notification(
            session,
            actor=actor,
            now=now,
            breach_id=breach.id,
            stage=data.stage,
            delay_reasons=data.delay_reasons,
            supersedes_id=data.supersedes_id,
        )

    def filed(filing: Filing) -> Response:
        words = presenters.STAGE_LABELS[FilingStage(filing.stage)]
        return redirect(
            request,
            f"/breaches/{breach.id}/filings/{filing.id}/submission",
            f"{words} for {breach.reference} made permanent (filing {filing.sequence}). Submit it to the ICO, "
            "then record below when and how: the deadline is met by the submission.",
        )

    return submit(
        session,
        FILING_FORM,
        action=file,
        on_error=lambda errors, status: _page(
            request,
            session,
            breach,
            chosen or FilingStage.initial,
            now,
            errors=errors,
            values=values,
            status_code=status,
        ),
        success=filed,
    )
