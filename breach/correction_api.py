"""JSON API for corrections of a breach's times after its statutory deadline passed (four eyes).

The same rules as the pages (breach.correction_views): breach:write to request or decide, and the person
who requested a correction may not decide it. The rules are the service's (breach.corrections); these
routes only ask it. PATCH /api/v1/breaches/{id} refuses such a change and points here.
"""

from __future__ import annotations

from datetime import datetime
from typing import Annotated

from fastapi import APIRouter, Query
from sqlmodel import Session, select

from breach import corrections
from breach.models import (
    BreachCorrection,
    CorrectionCreate,
    CorrectionDecision,
    CorrectionPublic,
    CorrectionStatus,
)
from breach.service import get_breach
from provider.db.session import SessionDep
from provider.errors import Conflict, FieldError, Invalid, NotFound
from provider.security.actor import Actor
from provider.security.roles import Permission
from provider.web.deps import NowDep, SettingsDep, api_permission
from provider.web.params import IdPath, PageSizeQuery

router = APIRouter(prefix="/api/v1", tags=["breaches"])
READ = Permission.breach_read
WRITE = Permission.breach_write
DECISION_ERRORS = {
    403: {"description": "Forbidden: the person who requested the correction may not decide it"},
    404: {"description": "Not found: no such breach, or the correction is not one of this breach"},
    409: {"description": "Conflict: the correction was already approved or rejected"},
}


def corrections_path(breach_id: int) -> str:
    return f"/api/v1/breaches/{breach_id}/corrections"


def pointing_to_corrections(refused: Invalid, breach_id: int) -> Invalid:
    """The PATCH refusal of a time change that needs approval, telling the client where to request it."""
    if all(e.reason != corrections.APPROVAL_NEEDED for e in refused.errors):
        return refused
    where = f"request it with POST {corrections_path(breach_id)} (a second person approves it)"
    errors = [
        FieldError(e.field, f"{e.reason}; {where}") if e.reason == corrections.APPROVAL_NEEDED else e
        for e in refused.errors
    ]
    return Invalid(f"{refused.detail}; {where}", errors=errors)


def _public(correction: BreachCorrection) -> CorrectionPublic:
    return CorrectionPublic.model_validate(correction, from_attributes=True)


def _of_breach(session: Session, breach_id: int, correction_id: int) -> BreachCorrection:
    correction = session.get(BreachCorrection, correction_id)
    if correction is None or correction.breach_id != breach_id:
        raise NotFound(f"correction {correction_id} is not a correction of breach {breach_id}")
    return correction


@router.post(
    "/breaches/{breach_id:int}/corrections",
    status_code=201,
    response_model=CorrectionPublic,
    summary="Request a correction of a breach's times after its statutory deadline",
    responses={409: {"description": "Conflict: no statutory deadline has passed; change the times with PATCH"}},
)
def request_correction(
    breach_id: IdPath,
    data: CorrectionCreate,
    session: SessionDep,
    now: NowDep,
    actor: Actor = api_permission(WRITE),
) -> CorrectionPublic:
    """Nothing moves until a second person approves; 422 without a justification or when the times break
    the time rules."""
    breach = get_breach(session, breach_id=breach_id)
    changes = data.model_dump(exclude_unset=True, exclude={"justification"})
    if not corrections.needs_approval(session, breach, changes, now):
        raise Conflict(
            "no statutory deadline of this breach has passed, or no time changes: "
            f"change the times with PATCH /api/v1/breaches/{breach_id}"
        )
    correction = corrections.request_correction(
        session, actor=actor, now=now, breach_id=breach_id, changes=changes, justification=data.justification
    )
    session.commit()
    return _public(correction)


@router.get(
    "/breaches/{breach_id:int}/corrections",
    response_model=list[CorrectionPublic],
    summary="A breach's corrections",
)
def list_breach_corrections(
    breach_id: IdPath,
    session: SessionDep,
    status: CorrectionStatus | None = None,
    _actor: Actor = api_permission(READ),
) -> list[CorrectionPublic]:
    """Oldest first; `status=pending` for those waiting for a second person."""
    get_breach(session, breach_id=breach_id)
    found = corrections.corrections_of(session, breach_id)
    return [_public(c) for c in found if status is None or CorrectionStatus(c.status) is status]


@router.get(
    "/breach-corrections",
    response_model=list[CorrectionPublic],
    summary="Corrections across breaches (by default those waiting for approval)",
)
def list_corrections(
    session: SessionDep,
    status: Annotated[CorrectionStatus, Query(description="pending: waiting for a second person")] = (
        CorrectionStatus.pending
    ),
    limit: PageSizeQuery = 100,
    _actor: Actor = api_permission(READ),
) -> list[CorrectionPublic]:
    """Oldest request first, so the longest-waiting is decided first."""
    rows = session.exec(
        select(BreachCorrection)
        .where(BreachCorrection.status == status)
        .order_by(BreachCorrection.requested_at, BreachCorrection.id)
        .limit(limit)
    ).all()
    return [_public(c) for c in rows]


def _decide(
    session: Session, actor: Actor, now: datetime, breach_id: int, correction_id: int, **kw: object
) -> CorrectionPublic:
    _of_breach(session, breach_id, correction_id)
    correction = corrections.decide_correction(session, actor=actor, now=now, correction_id=correction_id, **kw)
    session.commit()
    return _public(correction)


@router.post(
    "/breaches/{breach_id:int}/corrections/{correction_id:int}/approve",
    response_model=CorrectionPublic,
    summary="Approve a correction (a second person): the corrected times apply",
    responses=DECISION_ERRORS,
)
def approve_correction(
    breach_id: IdPath,
    correction_id: IdPath,
    data: CorrectionDecision,
    session: SessionDep,
    now: NowDep,
    settings: SettingsDep,
    actor: Actor = api_permission(WRITE),
) -> CorrectionPublic:
    """Open deadlines move; met ones stay frozen and the original deadlines stay on the breach."""
    return _decide(
        session,
        actor,
        now,
        breach_id,
        correction_id,
        approve=True,
        note=data.note,
        log_due_day=settings.breach_log_due_day,
    )


@router.post(
    "/breaches/{breach_id:int}/corrections/{correction_id:int}/reject",
    response_model=CorrectionPublic,
    summary="Reject a correction (a second person): the times stay as they are",
    responses=DECISION_ERRORS,
)
def reject_correction(
    breach_id: IdPath,
    correction_id: IdPath,
    data: CorrectionDecision,
    session: SessionDep,
    now: NowDep,
    actor: Actor = api_permission(WRITE),
) -> CorrectionPublic:
    """Nothing changes; the decision and its note are kept."""
    return _decide(session, actor, now, breach_id, correction_id, approve=False, note=data.note)
