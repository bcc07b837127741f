"""When an obligation's reminders fall due. Pure: values and a `now` in, thresholds out.

Thresholds are fractions of the obligation's own window (anchor to due), so a 73-hour ICO deadline,
a 24-hour internal target and a 7-day monthly log each get their half, three-quarter and 90% marks.
Before the due time only the furthest mark crossed is sent (an obligation recorded late does not
fire three reminders at once, and never steps back to an earlier mark). From the due time on, the
overdue reminder and the escalation to the deputy are due, and the earlier marks are no longer sent.
"""

from __future__ import annotations

from datetime import datetime, timedelta

from breach.models import ObligationKind
from breach.reminders.models import Threshold
from provider.clock import ensure_utc

FRACTIONS: dict[Threshold, float] = {
    Threshold.half: 0.5,
    Threshold.three_quarters: 0.75,
    Threshold.ninety: 0.9,
}
BEFORE_DUE = tuple(FRACTIONS)
AFTER_DUE = (Threshold.overdue, Threshold.escalated)

THRESHOLD_PHRASES = {
    Threshold.half: "half of the time has passed",
    Threshold.three_quarters: "three quarters of the time has passed",
    Threshold.ninety: "90% of the time has passed",
    Threshold.overdue: "is overdue",
    Threshold.escalated: "is overdue and is escalated to you as deputy",
}
KIND_LABELS = {
    ObligationKind.ico_notification: "ICO notification",
    ObligationKind.ico_initial_target: "initial ICO notification",
    ObligationKind.ico_second_target: "second ICO notification",
    ObligationKind.customer_notice_decision: "customer notice decision",
    ObligationKind.log_inclusion: "breach log entry",
    ObligationKind.log_submission: "monthly breach log submission",
}


def threshold_moment(anchor_at: datetime, due_at: datetime, threshold: Threshold) -> datetime:
    """The instant a threshold is crossed; elapsed time in UTC, so clock changes do not shift it."""
    if threshold in AFTER_DUE:
        return ensure_utc(due_at)
    window = ensure_utc(due_at) - ensure_utc(anchor_at)
    return ensure_utc(anchor_at) + window * FRACTIONS[threshold]


def due_thresholds(
    anchor_at: datetime | None,
    due_at: datetime,
    now: datetime,
    sent: set[Threshold] | frozenset[Threshold],
) -> list[Threshold]:
    """The thresholds to send now for an open obligation, given those already sent for this due time.

    Without an anchor, or with a window that is not positive, only the overdue marks apply.
    """
    if ensure_utc(now) >= ensure_utc(due_at):
        return [threshold for threshold in AFTER_DUE if threshold not in sent]
    if anchor_at is None or ensure_utc(due_at) - ensure_utc(anchor_at) <= timedelta(0):
        return []
    crossed = [t for t in BEFORE_DUE if ensure_utc(now) >= threshold_moment(anchor_at, due_at, t)]
    if not crossed:
        return []
    furthest = crossed[-1]
    if any(t in sent for t in BEFORE_DUE[BEFORE_DUE.index(furthest) :]):
        return []
    return [furthest]


def reminder_key(obligation_id: int, threshold: Threshold, due_at: datetime) -> str:
    """Unique per obligation, threshold and due time: if a due time is corrected before filing, the
    reminders start again for the new one; otherwise the same reminder can exist only once."""
    return f"{obligation_id}:{threshold.value}:{int(ensure_utc(due_at).timestamp())}"


def describe(kind: str, statutory: bool, reference: str | None, period: str) -> str:
    """'ICO notification (statutory deadline) for breach BR-2026-0001' — never any personal data."""
    label = KIND_LABELS.get(kind, kind)  # type: ignore[call-overload]
    nature = "statutory deadline" if statutory else "internal target or policy deadline"
    subject = f"breach {reference}" if reference else f"the {period} log" if period else "the provider"
    return f"{label} ({nature}) for {subject}"
