"""The reminders box on the dashboard: unacknowledged reminders counted by threshold, and the newest five.

Only gathers and lays out; which reminders exist is decided by the sweep (reminders.sweep, rules.py).
A dashboard panel carries one permission, so `panels()` gives one box per read permission the owner
kinds registered, each counting only those kinds' reminders (breach alone: one box, for breach:read).
"""

from __future__ import annotations

from collections.abc import Collection
from datetime import datetime
from functools import partial
from typing import Any

from sqlmodel import Session

from provider.deadlines import inbox, registry
from provider.deadlines.models import Threshold
from provider.web.rendering import DashboardPanel

NEWEST = 5
TITLE = "Reminders"
# Most urgent first, so the eye lands on escalations and overdue deadlines.
THRESHOLD_LABELS = {
    Threshold.escalated: "escalated to the deputy",
    Threshold.overdue: "overdue",
    Threshold.ninety: "90% of the time gone",
    Threshold.three_quarters: "75% of the time gone",
    Threshold.half: "half of the time gone",
}
URGENT = frozenset({Threshold.escalated, Threshold.overdue})


def build_panel(
    *,
    session: Session,
    now: datetime,  # noqa: ARG001 - the panel contract
    settings: Any = None,  # noqa: ARG001 - the panel contract
    owner_kinds: Collection[str] | None = None,
) -> dict[str, Any]:
    """Template data for deadlines/panel.html, for the reminders of `owner_kinds` (None: every kind)."""
    counts = inbox.unacknowledged_by_threshold(session, owner_kinds=owner_kinds)
    items, total = inbox.list_reminders(session, unacknowledged_only=True, page_size=NEWEST, owner_kinds=owner_kinds)
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


def panels() -> list[DashboardPanel]:
    """One reminders box per read permission of the registered owner kinds (call after domains register),
    titled with their labels in alphabetical order, so the title does not depend on import order."""
    by_permission: dict[Any, list[registry.OwnerKind]] = {}
    for owner_kind in registry.all_owner_kinds():
        by_permission.setdefault(owner_kind.read_permission, []).append(owner_kind)
    several = len(by_permission) > 1
    return [
        DashboardPanel(
            title=f"{TITLE}: {', '.join(sorted(kind.label for kind in kinds))}" if several else TITLE,
            template="deadlines/panel.html",
            build=partial(build_panel, owner_kinds=frozenset(kind.name for kind in kinds)),
            permission=permission,
        )
        for permission, kinds in by_permission.items()
    ]
