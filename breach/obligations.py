"""A breach's obligations on the core (provider.deadlines): storing the rules' deadline plans, meeting them,
and keeping open ones in step with corrections.

The frozen-clock rule is the core's (provider.deadlines.rules.meet): a row that is met (or not required)
is never recomputed; only open rows follow a corrected `aware_at`. That is what keeps a late filing late
after the awareness time is corrected.
"""

from __future__ import annotations

from collections.abc import Collection
from datetime import datetime
from typing import Any

from sqlalchemy import and_
from sqlmodel import Session, select

from breach import rules
from breach.deadlines import BREACH
from breach.models import Breach, Filing, FilingStage, ObligationKind
from provider.deadlines import service as deadlines
from provider.deadlines.models import Obligation, ObligationStatus


def of_breaches(breach_ids: Collection[int]) -> Any:
    """The condition selecting these breaches' obligations."""
    return deadlines.owned_by(BREACH, breach_ids)


def of_joined_breach() -> Any:
    """The join condition from an obligation to its breach."""
    return and_(Obligation.owner_kind == BREACH, Obligation.owner_id == Breach.id)


def load(session: Session, breach_id: int) -> dict[ObligationKind, Obligation]:
    """A breach's obligations by kind (a breach has at most one of each kind)."""
    rows = session.exec(select(Obligation).where(of_breaches([breach_id]))).all()
    return {ObligationKind(row.kind): row for row in rows}


def store(session: Session, breach_id: int, plan: rules.ObligationPlan, now: datetime) -> Obligation:
    return deadlines.create(
        session,
        owner_kind=BREACH,
        owner_id=breach_id,
        kind=plan.kind,
        recipient=plan.recipient,
        statutory=plan.statutory,
        basis=plan.basis,
        anchor_at=plan.anchor_at,
        due_at=plan.due_at,
        period=plan.period,
        status=plan.status,
        decision=plan.decision,
        now=now,
    )


def meet(row: Obligation, filed_at: datetime) -> None:
    """Mark met at `filed_at`, freezing first_filed_at and lateness; a met row is never touched again."""
    deadlines.meet(row, filed_at)


def due_summary(rows: dict[ObligationKind, Obligation]) -> dict[str, Any]:
    """For audit before/after: each obligation's due time and status."""
    return {
        kind.value: {"due_at": row.due_at, "status": row.status, "period": row.period or None}
        for kind, row in sorted(rows.items())
    }


def _first_initial_filed_at(session: Session, breach_id: int) -> datetime | None:
    return session.exec(
        select(Filing.filed_at)
        .where(Filing.breach_id == breach_id, Filing.stage == FilingStage.initial)
        .order_by(Filing.sequence)
        .limit(1)
    ).first()


def _refresh_open(row: Obligation, plan: rules.ObligationPlan) -> None:
    row.anchor_at, row.due_at, row.period = plan.anchor_at, plan.due_at, plan.period
    row.statutory, row.basis = plan.statutory, plan.basis


def _retire(row: Obligation, regime: str, now: datetime) -> None:
    row.status = ObligationStatus.not_required
    row.decision = f"not part of the {regime} rules"
    row.decided_by, row.decided_at = deadlines.SYSTEM_DECIDER, now


def recompute(session: Session, breach: Breach, now: datetime, *, log_due_day: int) -> tuple[dict, dict]:
    """Bring the breach's OPEN obligations in line with its (corrected) aware_at and regime.

    Open rows get the new anchor and due time; met and not-required rows keep theirs (frozen). A kind the
    new regime adds is created (already met if an initial filing exists: it was met then); an open kind the
    new regime does not have is retired as not_required. The second-notification row keeps its anchor (the
    initial filing) and only takes the new regime's statutory flag and basis. Returns (before, after).
    """
    rows = load(session, breach.id)
    before = due_summary(rows)
    plans = {
        plan.kind: plan for plan in rules.plan_obligations(breach.regime, breach.aware_at, log_due_day=log_due_day)
    }
    for kind, row in rows.items():
        if ObligationStatus(row.status) is not ObligationStatus.open:
            continue
        if kind in plans:
            _refresh_open(row, plans[kind])
        elif kind is ObligationKind.ico_second_target:
            plan = rules.second_obligation(breach.regime, row.anchor_at, initial_complete=False)
            _refresh_open(row, plan)
        else:
            _retire(row, breach.regime, now)
        session.add(row)
    filed_at = _first_initial_filed_at(session, breach.id)
    for kind, plan in plans.items():
        if kind not in rows:
            rows[kind] = store(session, breach.id, plan, now)
            if filed_at is not None and kind in rules.kinds_met_by(FilingStage.initial):
                meet(rows[kind], filed_at)
    session.flush()
    return before, due_summary(rows)
