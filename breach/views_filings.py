"""Filing an ICO notification from the browser: choose the stage, see what it needs, file it.

The checklist and the refusal both come from the rules (`rules.missing_fields` through the service), so
the page can never promise a filing the service would refuse. When the statutory deadline has passed
the page says so and asks for the reasons for the delay, which the service then requires.
"""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Any

from fastapi import Form, Query, Request
from fastapi.responses import Response
from pydantic import ValidationError
from sqlmodel import Session

from breach import queries, service
from breach.forms import FIELD_LABELS, pairs
from breach.models import Breach, FilingCreate, FilingStage
from provider.db.session import SessionDep
from provider.errors import FieldError, Invalid
from provider.security.actor import Actor
from provider.security.roles import Permission
from provider.web.csrf import html_router
from provider.web.deps import NowDep, page_permission
from provider.web.params import IdPath
from provider.web.rendering import redirect, render

router = html_router(prefix="/breaches")
Writer = Annotated[Actor, page_permission(Permission.breach_write)]
MISSING_PREFIX = "missing: "


def _stage(text: str) -> tuple[FilingStage, list[FieldError]]:
    try:
        return FilingStage(text or FilingStage.initial), []
    except ValueError:
        return FilingStage.initial, [FieldError("stage", "choose initial, second or follow-up")]


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
    errors: list[FieldError] | None = None,
    values: dict[str, str] | None = None,
    status_code: int = 200,
) -> Response:
    rows = service.obligations_for(session, breach_ids=[breach.id])[breach.id]
    passed = queries.statutory_deadline_passed(rows, stage, now)
    checklist = _checklist(session, breach, stage)
    return render(
        request,
        "breach/file.html",
        {
            "breach": breach,
            "stage": stage,
            "stages": queries.STAGE_WORDS,
            "checklist": checklist,
            "missing_count": sum(1 for item in checklist if item["missing"]),
            "deadline_passed": passed,
            "overdue_by": queries.duration_words(now - passed.due_at) if passed is not None else "",
            "filings": service.list_filings(session, breach_id=breach.id),
            "labels": FIELD_LABELS,
            "errors": pairs(errors or []),
            "values": values or {},
            "now": now,
        },
        status_code=status_code,
    )


@router.get("/{breach_id}/file")
def file_page(
    request: Request,
    breach_id: IdPath,
    session: SessionDep,
    now: NowDep,
    _actor: Writer,
    stage: Annotated[str, Query(max_length=16)] = "initial",
) -> Response:
    """The checklist for the chosen stage and the filing form."""
    breach = service.get_breach(session, breach_id=breach_id)
    chosen, errors = _stage(stage)
    return _page(request, session, breach, chosen, now, errors=errors, status_code=422 if errors else 200)


def _supersedes(text: str) -> int | None:
    return int(text) if text.strip().isdigit() and len(text.strip()) <= 18 else None


@router.post("/{breach_id}/file")
def file_submit(
    request: Request,
    breach_id: IdPath,
    session: SessionDep,
    now: NowDep,
    actor: Writer,
    stage: Annotated[str, Form(max_length=16)] = "initial",
    delay_reasons: Annotated[str, Form(max_length=12_000)] = "",
    supersedes_id: Annotated[str, Form(max_length=20)] = "",
) -> Response:
    """File now, or show the page again listing every missing field (422)."""
    breach = service.get_breach(session, breach_id=breach_id)
    chosen, errors = _stage(stage)
    values = {"delay_reasons": delay_reasons.replace("\r\n", "\n"), "supersedes_id": supersedes_id}
    try:
        request_data = FilingCreate.model_validate(
            {"stage": chosen, "delay_reasons": values["delay_reasons"], "supersedes_id": _supersedes(supersedes_id)}
        )
    except ValidationError as error:
        errors += [FieldError(str(item["loc"][0]), item["msg"]) for item in error.errors()]
    if errors:
        return _page(request, session, breach, chosen, now, errors=errors, values=values, status_code=422)
    try:
        filing = service.file_notification(
            session,
            actor=actor,
            now=now,
            breach_id=breach.id,
            stage=request_data.stage,
            delay_reasons=request_data.delay_reasons,
            supersedes_id=request_data.supersedes_id,
        )
    except Invalid as error:
        session.rollback()
        return _page(request, session, breach, chosen, now, errors=error.errors, values=values, status_code=422)
    session.commit()
    words = queries.STAGE_WORDS[FilingStage(filing.stage)]
    return redirect(
        request,
        f"/breaches/{breach.id}?filed={filing.id}#filing-{filing.id}",
        f"{words} filed for {breach.reference} (filing {filing.sequence}). Download its PDF below.",
    )
