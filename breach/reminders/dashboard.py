"""The reminders box on the dashboard: unacknowledged reminders counted by threshold, and the newest five.

Only gathers and lays out; which reminders exist is decided by the sweep (service.sweep, rules.py).
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlmodel import Session

from breach.reminders import service
from breach.reminders.models import Threshold
from provider.security.roles import Permission
from provider.web.rendering import DashboardPanel

NEWEST = 5
# Most urgent first, so the eye lands on escalations and overdue deadlines.
THRESHOLD_LABELS = {
    Threshold.escalated: "escalated to the deputy",
    Threshold.overdue: "overdue",
    Threshold.ninety: "90% of the time gone",
    Threshold.three_quarters: "75% of the time gone",
    Threshold.half: "half of the time gone",
}
URGENT = frozenset({Threshold.escalated, Threshold.overdue})


def build_panel(*, session: Session, now: datetime, settings: Any = None) -> dict[str, Any]:  # noqa: ARG001 - the panel contract
    """Template data for reminders/panel.html."""
    counts = service.unacknowledged_by_threshold(session)
    items, total = service.list_reminders(session, unacknowledged_only=True, page_size=NEWEST)
    return {
        "total": total,
        "counts": [
            {"threshold": threshold, "label": label, "count": counts.get(threshold, 0), "urgent": threshold in URGENT}
            for threshold, label in THRESHOLD_LABELS.items()
        ],
        "newest": items,
        "labels": THRESHOLD_LABELS,
        "urgent": URGENT,
    }


PANEL = DashboardPanel(
    title="Reminders", template="reminders/panel.html", build=build_panel, permission=Permission.breach_read
)
