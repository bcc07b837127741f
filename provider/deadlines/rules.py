"""The deadline rules as pure functions: how late, meeting (frozen), state, label, reminder marks, recipients.

Nothing here reads a clock or a database: every function takes values (and `now` where the answer depends
on it) and returns values. The owning domain computes its own due times (breach.rules for reg 5A); these
rules only say what any stored obligation means once it has one.

Invariants:
- Lateness is elapsed time in UTC, whole seconds, never negative: 0 when on time, None without a due time.
- Meeting is frozen: only an open obligation can be met; a met (or not-required) one is never changed
  again, so correcting its anchor or due time later never turns a late filing into an on-time one.
- No due time is never overdue ("without undue delay" gets no invented hours).
- Reminder marks are fractions of the obligation's own window (anchor to due), elapsed time in UTC, so a
  clock change never shifts them; only the furthest mark crossed is sent, never stepping back; from the due
  time on, the overdue reminder and the escalation are due and the earlier marks are no longer sent.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import datetime, timedelta
from enum import StrEnum
from typing import Any, Protocol

from provider.clock import ensure_utc
from provider.deadlines.models import ObligationStatus, Threshold


class DeadlineState(StrEnum):
    met = "met"
    met_late = "met_late"
    not_required = "not_required"
    overdue = "overdue"
    open = "open"


class ObligationLike(Protocol):
    status: Any
    due_at: datetime | None
    late_by_seconds: int | None


STATUTORY_LABEL = "Statutory deadline"
INTERNAL_LABEL = "Internal target (policy)"


# --- lateness, meeting, state -----------------------------------------------------------------------------


def lateness_seconds(due_at: datetime | None, done_at: datetime) -> int | None:
    """Whole seconds `done_at` fell after `due_at`: 0 when on time, None when there is no due time."""
    if due_at is None:
        return None
    return max(0, int((ensure_utc(done_at) - ensure_utc(due_at)).total_seconds()))


def recorded_lateness(
    due_at: datetime | None, first_filed_at: datetime | None, frozen_late_by: int | None
) -> int | None:
    """How late an obligation was met, as reported: the value frozen when it was met, else computed from
    when it was first met; None while it has not been met."""
    if first_filed_at is None:
        return None
    if frozen_late_by is not None:
        return frozen_late_by
    return lateness_seconds(due_at, first_filed_at)


@dataclass(frozen=True)
class Met:
    """What meeting an obligation sets, once."""

    status: ObligationStatus
    first_filed_at: datetime
    late_by_seconds: int | None


def meet(obligation: ObligationLike, done_at: datetime) -> Met | None:
    """The values that meet an open obligation at `done_at`, lateness frozen; None when it is not open
    (a met or not-required obligation is never touched again)."""
    if ObligationStatus(obligation.status) is not ObligationStatus.open:
        return None
    return Met(ObligationStatus.met, ensure_utc(done_at), lateness_seconds(obligation.due_at, done_at))


def deadline_state(obligation: ObligationLike, now: datetime) -> DeadlineState:
    """met, met_late, not_required, overdue or open (no due time counts as open, never overdue)."""
    status = ObligationStatus(obligation.status)
    if status is ObligationStatus.met:
        return DeadlineState.met_late if (obligation.late_by_seconds or 0) > 0 else DeadlineState.met
    if status is ObligationStatus.not_required:
        return DeadlineState.not_required
    if obligation.due_at is not None and ensure_utc(obligation.due_at) < ensure_utc(now):
        return DeadlineState.overdue
    return DeadlineState.open


def label(statutory: bool) -> str:
    """A statutory deadline, or an internal target that policy sets (never passed off as the law's)."""
    return STATUTORY_LABEL if statutory else INTERNAL_LABEL


# --- reminder marks ---------------------------------------------------------------------------------------

DEFAULT_FRACTIONS: Mapping[Threshold, float] = {
    Threshold.half: 0.5,
    Threshold.three_quarters: 0.75,
    Threshold.ninety: 0.9,
}
BEFORE_DUE = tuple(DEFAULT_FRACTIONS)
AFTER_DUE = (Threshold.overdue, Threshold.escalated)
NAMED_FRACTIONS = {0.5: "half", 0.75: "three quarters"}


def check_fractions(fractions: Mapping[Threshold, float]) -> Mapping[Threshold, float]:
    """The marks before the due time, each strictly between 0 and 1 and later marks at larger fractions."""
    if any(threshold not in BEFORE_DUE for threshold in fractions):
        raise ValueError("only the marks before the due time take a fraction")
    ordered = [fractions[threshold] for threshold in BEFORE_DUE if threshold in fractions]
    if any(not 0 < value < 1 for value in ordered) or ordered != sorted(set(ordered)):
        raise ValueError("fractions must lie strictly between 0 and 1 and grow from mark to mark")
    return fractions


def _marks(fractions: Mapping[Threshold, float]) -> tuple[Threshold, ...]:
    return tuple(threshold for threshold in BEFORE_DUE if threshold in fractions)


def threshold_moment(
    anchor_at: datetime,
    due_at: datetime,
    threshold: Threshold,
    fractions: Mapping[Threshold, float] = DEFAULT_FRACTIONS,
) -> datetime:
    """The instant a threshold is crossed; elapsed time in UTC, so clock changes do not shift it."""
    if threshold in AFTER_DUE:
        return ensure_utc(due_at)
    window = ensure_utc(due_at) - ensure_utc(anchor_at)
    return ensure_utc(anchor_at) + window * fractions[threshold]


def due_thresholds(
    anchor_at: datetime | None,
    due_at: datetime,
    now: datetime,
    sent: Iterable[Threshold],
    fractions: Mapping[Threshold, float] = DEFAULT_FRACTIONS,
) -> list[Threshold]:
    """The thresholds to send now for an open obligation, given those already sent for this due time.

    Without an anchor, or with a window that is not positive, only the overdue marks apply.
    """
    sent = frozenset(sent)
    if ensure_utc(now) >= ensure_utc(due_at):
        return [threshold for threshold in AFTER_DUE if threshold not in sent]
    if anchor_at is None or ensure_utc(due_at) - ensure_utc(anchor_at) <= timedelta(0):
        return []
    marks = _marks(fractions)
    crossed = [t for t in marks if ensure_utc(now) >= threshold_moment(anchor_at, due_at, t, fractions)]
    if not crossed:
        return []
    furthest = crossed[-1]
    if any(t in sent for t in marks[marks.index(furthest) :]):
        return []
    return [furthest]


def reminder_key(obligation_id: int, threshold: Threshold, due_at: datetime) -> str:
    """Unique per obligation, threshold and due time: if a due time is corrected before it is met, the
    reminders start again for the new one; otherwise the same reminder can exist only once."""
    return f"{obligation_id}:{Threshold(threshold).value}:{int(ensure_utc(due_at).timestamp())}"


def threshold_phrase(threshold: Threshold, fractions: Mapping[Threshold, float] = DEFAULT_FRACTIONS) -> str:
    """'half of the time has passed', '90% of the time has passed', 'is overdue'…"""
    threshold = Threshold(threshold)
    if threshold is Threshold.overdue:
        return "is overdue"
    if threshold is Threshold.escalated:
        return "is overdue and is escalated to you as deputy"
    fraction = fractions.get(threshold, DEFAULT_FRACTIONS[threshold])
    words = NAMED_FRACTIONS.get(fraction, f"{round(fraction * 100)}%")
    return f"{words} of the time has passed"


THRESHOLD_PHRASES = {threshold: threshold_phrase(threshold) for threshold in Threshold}


def describe(kind_label: str, statutory: bool, subject: str) -> str:
    """'ICO notification (statutory deadline) for breach BR-2026-0001' — the subject carries no personal data."""
    nature = "statutory deadline" if statutory else "internal target or policy deadline"
    return f"{kind_label} ({nature}) for {subject}"


def recipients(
    threshold: Threshold,
    *,
    owner: Iterable[str] = (),
    deputy: Iterable[str] = (),
    fallback: Iterable[str] = (),
    escalation: Iterable[str] = (),
) -> list[str]:
    """Who a reminder goes to (the policy in provider.deadlines' docstring), sorted, each address once.

    `owner` and `deputy` are the named people's addresses (empty when unnamed, inactive or without an
    address), `fallback` the addresses of the kind's fallback roles, `escalation` the configured
    escalation addresses. Before the due time: the owner, else the fallback roles. Overdue: the owner
    (else the fallback roles) and the deputy. Escalation: the deputy and the escalation addresses only.
    """
    owner, deputy = list(owner), list(deputy)
    primary = owner or list(fallback)
    threshold = Threshold(threshold)
    if threshold is Threshold.escalated:
        chosen = deputy + list(escalation)
    elif threshold is Threshold.overdue:
        chosen = primary + deputy
    else:
        chosen = primary
    unique: dict[str, str] = {}
    for address in (address.strip() for address in chosen):
        if address:
            unique.setdefault(address.lower(), address)
    return sorted(unique.values())
