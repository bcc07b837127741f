"""Corrections of a breach's times after its statutory deadline passed (four eyes).

Changing `aware_at` or `detected_at` once a statutory deadline has passed would move that deadline, turn
"overdue" into "open" and could take the breach out of a month's log already sent. So such a change is a
request with a justification; nothing moves until a second person with breach rights approves it. The
deadlines as they stood are kept on the request, and the breach page and later filings show them.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlmodel import Session, select

from breach import obligations, rules
from breach.filings import lock_breach
from breach.models import Breach, BreachCorrection, BreachUpdate, CorrectionStatus
from provider.clock import ensure_utc
from provider.errors import Conflict, FieldError, Forbidden, Invalid, NotFound
from provider.security import audit
from provider.security.actor import Actor

APPROVAL_NEEDED = (
    "the statutory deadline has passed: this correction needs a justification and approval by a second person"
)


def _iso(value: Any) -> Any:
    return ensure_utc(value).isoformat() if isinstance(value, datetime) else value


def needs_approval(session: Session, breach: Breach, changed: dict[str, Any], now: datetime) -> bool:
    moved = [name for name in rules.CORRECTED_TIMES if name in changed and changed[name] != getattr(breach, name)]
    return rules.correction_needs_approval(moved, obligations.load(session, breach.id).values(), now)


def approval_errors(changed: dict[str, Any]) -> list[FieldError]:
    return [FieldError(name, APPROVAL_NEEDED) for name in rules.CORRECTED_TIMES if name in changed]


def request_correction(
    session: Session,
    *,
    actor: Actor,
    now: datetime,
    breach_id: int,
    changes: dict[str, Any],
    justification: str,
) -> BreachCorrection:
    """Record a pending correction of the breach's times (only aware_at, detected_at and the awareness
    justification); Invalid without a justification or when the corrected times break the time rules."""
    breach = lock_breach(session, breach_id)
    wanted = {
        name: value for name, value in changes.items() if name in (*rules.CORRECTED_TIMES, "awareness_justification")
    }
    errors = [] if justification.strip() else [FieldError("correction_justification", "give the justification")]
    merged = {
        name: wanted.get(name, getattr(breach, name))
        for name in ("occurred_at", "occurred_is_estimate", *rules.CORRECTED_TIMES, "awareness_justification")
    }
    errors += rules.time_errors(
        occurred_at=merged["occurred_at"],
        occurred_is_estimate=bool(merged["occurred_is_estimate"]),
        detected_at=merged["detected_at"],
        aware_at=merged["aware_at"],
        awareness_justification=merged["awareness_justification"] or "",
        now=now,
    )
    if errors:
        raise Invalid(
            "the correction cannot be requested: " + "; ".join(f"{e.field}: {e.reason}" for e in errors), errors=errors
        )
    rows = obligations.load(session, breach.id)
    correction = BreachCorrection(
        breach_id=breach.id,
        changes={name: _iso(value) for name, value in wanted.items()},
        before={name: _iso(getattr(breach, name)) for name in wanted},
        original_due={kind.value: _iso(row.due_at) for kind, row in rows.items() if row.statutory},
        justification=justification.strip(),
        requested_by=actor.name,
        requested_at=now,
    )
    session.add(correction)
    session.flush()
    _audit(session, actor, breach, "breach.correction_requested", correction, now)
    return correction


def decide_correction(
    session: Session,
    *,
    actor: Actor,
    now: datetime,
    correction_id: int,
    approve: bool,
    note: str = "",
    log_due_day: int = 7,
) -> BreachCorrection:
    """Approve (apply the corrected times, moving open deadlines only) or reject a pending correction.
    Forbidden for the person who requested it; Conflict when already decided."""
    correction = session.get(BreachCorrection, correction_id)
    if correction is None:
        raise NotFound(f"correction {correction_id} not found")
    lock_breach(session, correction.breach_id)
    if CorrectionStatus(correction.status) is not CorrectionStatus.pending:
        raise Conflict(f"the correction was already {correction.status}")
    if not rules.may_approve(correction.requested_by, actor.name):
        raise Forbidden("a correction must be decided by a second person, not the one who requested it")
    correction.status = CorrectionStatus.approved if approve else CorrectionStatus.rejected
    correction.decided_by, correction.decided_at, correction.decision_note = actor.name, now, note.strip()
    session.add(correction)
    session.flush()
    if approve:
        from breach.service import update_breach  # the one path that changes a breach (audited, recomputed)

        values = {
            name: datetime.fromisoformat(value) if name in rules.CORRECTED_TIMES else value
            for name, value in correction.changes.items()
        }
        update_breach(
            session,
            actor=actor,
            now=now,
            breach_id=correction.breach_id,
            data=BreachUpdate(**values),
            log_due_day=log_due_day,
            approved=True,
        )
    breach = session.get(Breach, correction.breach_id)
    _audit(session, actor, breach, f"breach.correction_{correction.status}", correction, now)
    return correction


def corrections_of(session: Session, breach_id: int) -> list[BreachCorrection]:
    return list(
        session.exec(
            select(BreachCorrection).where(BreachCorrection.breach_id == breach_id).order_by(BreachCorrection.id)
        ).all()
    )


def original_deadlines(session: Session, breach_id: int) -> dict[str, Any]:
    """The statutory deadlines as they stood before the first approved correction (kind -> ISO due time)."""
    approved = [
        c for c in corrections_of(session, breach_id) if CorrectionStatus(c.status) is CorrectionStatus.approved
    ]
    return dict(approved[0].original_due) if approved else {}


def _audit(
    session: Session, actor: Actor, breach: Breach, action: str, correction: BreachCorrection, now: datetime
) -> None:
    audit.record(
        session,
        actor=actor,
        action=action,
        entity_type="breach",
        entity_id=breach.id,
        now=now,
        before=correction.before,
        after={
            "correction_id": correction.id,
            "changes": correction.changes,
            "justification": correction.justification,
            "original_due": correction.original_due,
            "status": correction.status,
        },
    )
