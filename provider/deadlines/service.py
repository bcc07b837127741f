"""Storing and meeting obligations for any owner kind. Nothing here commits: the caller's transaction does.

The owning domain computes what is due (its rules); these functions only write it down and apply the core
rules, so meeting is frozen the same way for every domain.
"""

from __future__ import annotations

from collections.abc import Collection
from datetime import datetime
from typing import Any

from sqlalchemy import and_
from sqlmodel import Session, select

from provider.deadlines import rules
from provider.deadlines.models import Obligation, ObligationStatus

SYSTEM_DECIDER = "system"


def create(
    session: Session,
    *,
    owner_kind: str,
    owner_id: int | None,
    kind: str,
    recipient: str,
    statutory: bool,
    basis: str,
    anchor_at: datetime | None,
    due_at: datetime | None,
    now: datetime,
    period: str = "",
    status: ObligationStatus = ObligationStatus.open,
    decision: str = "",
) -> Obligation:
    """Add an obligation row; one created as not required is recorded as decided by the system, now."""
    row = Obligation(
        owner_kind=owner_kind,
        owner_id=owner_id,
        kind=str(kind),
        period=period,
        recipient=recipient,
        statutory=statutory,
        basis=basis,
        anchor_at=anchor_at,
        due_at=due_at,
        status=status,
        decision=decision,
        created_at=now,
    )
    if ObligationStatus(status) is ObligationStatus.not_required:
        row.decided_by, row.decided_at = SYSTEM_DECIDER, now
    session.add(row)
    return row


def meet(row: Obligation, done_at: datetime) -> bool:
    """Mark an open obligation met at `done_at`, freezing when and how late; a met row is never touched
    again (returns False and changes nothing)."""
    met = rules.meet(row, done_at)
    if met is None:
        return False
    row.status, row.first_filed_at, row.late_by_seconds = met.status, met.first_filed_at, met.late_by_seconds
    return True


def owned_by(owner_kind: str, owner_ids: Collection[int]) -> Any:
    """The condition selecting the obligations of these items."""
    return and_(Obligation.owner_kind == owner_kind, Obligation.owner_id.in_(list(owner_ids)))


def for_owners(session: Session, owner_kind: str, owner_ids: Collection[int]) -> dict[int, list[Obligation]]:
    """The obligations of several items in one query, by owner id (in id order within each)."""
    result: dict[int, list[Obligation]] = {owner_id: [] for owner_id in owner_ids}
    if not owner_ids:
        return result
    statement = select(Obligation).where(owned_by(owner_kind, owner_ids)).order_by(Obligation.id)
    for row in session.exec(statement).all():
        result.setdefault(row.owner_id, []).append(row)
    return result


def find_ownerless(session: Session, owner_kind: str, kind: str, period: str) -> Obligation | None:
    """The obligation of a domain as a whole (no owner id) for one kind and period, if recorded."""
    return session.exec(
        select(Obligation).where(
            Obligation.owner_kind == owner_kind,
            Obligation.owner_id.is_(None),
            Obligation.kind == kind,
            Obligation.period == period,
        )
    ).one_or_none()
