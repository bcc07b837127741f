"""The in-app reminders: the list, newest first, the counts, and acknowledgement.

Each list can be limited to the owner kinds the reader may see (access.Access.readable); what a reminder
says and links to comes from the owning domain's declarations (registry).
"""

from __future__ import annotations

from collections.abc import Collection, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from sqlalchemy import and_, func, select, true
from sqlmodel import Session

from provider.deadlines import registry, rules
from provider.deadlines.models import Obligation, Reminder, Threshold
from provider.errors import NotFound
from provider.security import audit
from provider.security.actor import Actor


@dataclass(frozen=True)
class ReminderItem:
    reminder: Reminder
    description: str
    link: str
    obligation_status: str
    phrase: str
    kind: str = ""
    owner_kind: str = ""
    owner_id: int | None = None
    reference: str | None = None
    period: str = ""
    public_fields: dict[str, Any] = field(default_factory=dict)


def _visible(owner_kinds: Collection[str] | None) -> Any:
    return true() if owner_kinds is None else Obligation.owner_kind.in_(list(owner_kinds))


def _with_obligation(condition: Any) -> Any:
    return (
        select(
            Reminder,
            Obligation.kind,
            Obligation.statutory,
            Obligation.period,
            Obligation.status,
            Obligation.owner_kind,
            Obligation.owner_id,
        )
        .join(Obligation, Obligation.id == Reminder.obligation_id)
        .where(condition)
    )


def _items(session: Session, rows: Sequence[Any]) -> list[ReminderItem]:
    references = registry.references_of(session, {(row.owner_kind, row.owner_id) for row in rows})
    items = []
    for reminder, kind, statutory, period, status, owner_kind, owner_id in rows:
        declared = registry.get(owner_kind)
        reference = references.get((owner_kind, owner_id))
        items.append(
            ReminderItem(
                reminder,
                registry.describe(owner_kind, kind, statutory, reference, period),
                registry.link_for(owner_kind, owner_id, period),
                str(status),
                rules.threshold_phrase(Threshold(reminder.threshold), declared.fractions(kind)),
                str(kind),
                owner_kind,
                owner_id,
                reference,
                period,
                dict(declared.public_fields(owner_id, reference)),
            )
        )
    return items


def list_reminders(
    session: Session,
    *,
    unacknowledged_only: bool = False,
    page: int = 1,
    page_size: int = 50,
    owner_kinds: Collection[str] | None = None,
) -> tuple[list[ReminderItem], int]:
    """Newest first, with the obligation and item they are about; returns (items, total). `owner_kinds`
    limits the list to those kinds (the ones the reader may see); None lists every kind."""
    condition = and_(Reminder.acknowledged_at.is_(None) if unacknowledged_only else true(), _visible(owner_kinds))
    total = session.execute(select(func.count()).select_from(Reminder).join(Obligation).where(condition)).scalar_one()
    rows = session.execute(
        _with_obligation(condition)
        .order_by(Reminder.created_at.desc(), Reminder.id.desc())
        .offset((page - 1) * page_size)
        .limit(page_size)
    ).all()
    return _items(session, rows), total


def page_reminders(
    session: Session,
    *,
    acknowledged: bool | None = None,
    after: int | None = None,
    limit: int = 50,
    owner_kinds: Collection[str] | None = None,
) -> tuple[list[ReminderItem], int | None]:
    """A keyset page, newest (highest id) first: items with an id below `after`; returns (items, next after)."""
    condition = _visible(owner_kinds)
    if acknowledged is not None:
        seen = Reminder.acknowledged_at.is_not(None) if acknowledged else Reminder.acknowledged_at.is_(None)
        condition = and_(condition, seen)
    if after is not None:
        condition = and_(condition, Reminder.id < after)
    rows = session.execute(_with_obligation(condition).order_by(Reminder.id.desc()).limit(limit + 1)).all()
    items = _items(session, rows[:limit])
    return items, (items[-1].reminder.id if len(rows) > limit else None)


def reminder_item(session: Session, reminder_id: int, owner_kinds: Collection[str] | None = None) -> ReminderItem:
    rows = session.execute(_with_obligation(and_(Reminder.id == reminder_id, _visible(owner_kinds)))).all()
    if not rows:
        raise NotFound(f"reminder {reminder_id} not found")
    return _items(session, rows)[0]


def unacknowledged_count(session: Session, owner_kinds: Collection[str] | None = None) -> int:
    return session.execute(
        select(func.count())
        .select_from(Reminder)
        .join(Obligation)
        .where(Reminder.acknowledged_at.is_(None), _visible(owner_kinds))
    ).scalar_one()


def unacknowledged_by_threshold(session: Session, owner_kinds: Collection[str] | None = None) -> dict[Threshold, int]:
    rows = session.execute(
        select(Reminder.threshold, func.count())
        .join(Obligation)
        .where(Reminder.acknowledged_at.is_(None), _visible(owner_kinds))
        .group_by(Reminder.threshold)
    ).all()
    return {Threshold(threshold): count for threshold, count in rows}


def owner_kind_of(session: Session, reminder_id: int) -> str:
    """The owner kind of the obligation a reminder is about; NotFound when there is no such reminder."""
    found = session.execute(
        select(Obligation.owner_kind)
        .join(Reminder, Reminder.obligation_id == Obligation.id)
        .where(Reminder.id == reminder_id)
    ).scalar_one_or_none()
    if found is None:
        raise NotFound(f"reminder {reminder_id} not found")
    return found


def acknowledge(session: Session, *, actor: Actor, now: datetime, reminder_id: int) -> Reminder:
    """Mark a reminder as seen; acknowledging twice keeps the first acknowledgement."""
    owner_kind = owner_kind_of(session, reminder_id)
    reminder = session.get(Reminder, reminder_id)
    if reminder.acknowledged_at is None:
        reminder.acknowledged_at = now
        reminder.acknowledged_by = actor.name
        session.add(reminder)
        audit.record(
            session,
            actor=actor,
            action=f"{registry.get(owner_kind).action_prefix}.reminder_acknowledged",
            entity_type="reminder",
            entity_id=reminder.id,
            now=now,
            after={"key": reminder.key, "threshold": reminder.threshold},
        )
    return reminder
