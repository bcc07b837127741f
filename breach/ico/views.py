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
from breach.ico import rules as ico_rules
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


def chosen_stage(text: str, filings: list[Filing], supersedes: str = "") -> FilingStage | None:
    """The stage chosen; for "amendment", the stage of the filing it amends (the latest unamended one
    until one is chosen). Empty: the first the picker offers."""
    text = text or ico_rules.stage_options(f.stage for f in filings)[0]
    if text == ico_rules.AMENDMENT:
        open_ones = _amendable(filings)
        chosen = next((f for f in open_ones if str(f.id) == supersedes), open_ones[-1] if open_ones else None)
        return FilingStage(chosen.stage) if chosen is not None else None
    try:
        return FilingStage(text)
    except ValueError:
        return None


def _amendable(filings: list[Filing]) -> list[Filing]:
    superseded = {f.supersedes_id for f in filings if f.supersedes_id}
    return [f for f in filings if f.id not in superseded]


def _stage_options(filings: list[Filing]) -> list[tuple[str, str]]:
    words = {**{stage.value: label for stage, label in presenters.STAGE_LABELS.items()}}
    words[ico_rules.AMENDMENT] = "Amendment of an earlier filing"
    return [(option, words[option]) for option in ico_rules.stage_options(f.stage for f in filings)]


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
    picked_stage: str = "",
) -> Response:
    rows = service.obligations_for(session, breach_ids=[breach.id])[breach.id]
    passed = queries.statutory_deadline_passed(rows, stage, now)
    checklist = _checklist(session, breach, stage)
    filings = service.list_filings(session, breach_id=breach.id)
    picked = (values or {}).get("stage") or picked_stage or ico_rules.stage_options(f.stage for f in filings)[0]
    gap_fields = (
        []
        if stage is FilingStage.initial
        else [item for item in checklist if item["missing"] and item["field"] in ico_rules.SECTION_2_FIELDS]
    )
    return render(
        request,
        "breach_ico/file.html",
        {
            "breach": breach,
            "stage": stage,
            "stages": presenters.STAGE_LABELS,
            "stage_options": _stage_options(filings),
            "picked": picked,
            "amending": picked == ico_rules.AMENDMENT,
            "amendable": _amendable(filings),
            "gap_fields": gap_fields,
            "checklist": checklist,
            "missing_count": sum(1 for item in checklist if item["missing"]),
            "deadline_passed": passed,
            "overdue_by": queries.duration_words(now - passed.due_at) if passed is not None else "",
            "filings": filings,
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
    stage: Annotated[str, Query(max_length=16)] = "",
    supersedes_id: Annotated[str, Query(max_length=20)] = "",
) -> Response:
    """The checklist for the chosen stage and the filing form (the picker offers the initial notification
    until one is filed, then the next stage or an amendment)."""
    filings = service.list_filings(session, breach_id=breach.id)
    chosen = chosen_stage(stage, filings, supersedes_id)
    if chosen is None:
        errors = [FILING_FORM.error("stage", STAGE_UNKNOWN)]
        return _page(request, session, breach, FilingStage.initial, now, errors=errors, status_code=422)
    values = {"supersedes_id": supersedes_id} if supersedes_id else None
    return _page(request, session, breach, chosen, now, values=values, picked_stage=stage)


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
    filings = service.list_filings(session, breach_id=breach.id)
    chosen = chosen_stage(values.get("stage", ""), filings, values.get("supersedes_id", ""))

    def file() -> Filing:
        data = read_filing(values, chosen)
        if values.get("stage") == ico_rules.AMENDMENT and data.supersedes_id is None:
            raise FILING_FORM.invalid("supersedes_id", "Choose the filing this amends")
        return service.file_notification(
            session,
            actor=actor,
            now=now,
            breach_id=breach.id,
            stage=data.stage,
            delay_reasons=data.delay_reasons,
            supersedes_id=data.supersedes_id,
            gaps={name: gap.model_dump() for name, gap in data.gaps.items()},
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
