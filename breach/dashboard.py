"""The breaches box on the dashboard: counts, the fixed-penalty exposure, and a deadline timeline.

Overdue-ness comes from the core's `deadline_state`, the exposure from `rules.penalty_exposure` (PECR reg 5C:
£1,000 per statutory ICO notification overdue or filed late); this module only gathers and lays out.
"""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

from markupsafe import Markup
from sqlmodel import Session

from breach import queries, rules, service
from provider.clock import LONDON
from provider.deadlines.timeline import render_timeline
from provider.security.roles import Permission
from provider.web.rendering import DashboardPanel

SCAN_LIMIT = 1000  # open obligations looked at for the counts; far more than a provider ever has
SOON = timedelta(hours=24)
HORIZON = timedelta(days=7)  # upcoming deadlines drawn on the timeline; overdue ones are always drawn
MAX_BARS = 12


def build_panel(*, session: Session, now: datetime, settings: Any = None) -> dict[str, Any]:
    """Template data for breach/panel.html."""
    pairs = service.open_obligations(session, limit=SCAN_LIMIT)
    presented = [(row, breach, queries.present(row, now)) for row, breach in pairs]
    overdue = [entry for entry in presented if entry[2].overdue]
    due_soon = [entry for entry in presented if not entry[2].overdue and entry[0].due_at <= now + SOON]
    shown = [entry for entry in presented if entry[2].overdue or entry[0].due_at <= now + HORIZON][:MAX_BARS]
    exposure = rules.penalty_exposure(queries.statutory_notifications(session), now)
    items = queries.timeline_items([(row, breach) for row, breach, _ in shown], now, with_reference=True)
    svg = render_timeline(
        items,
        now,
        title="Upcoming and overdue breach deadlines",
        id_prefix="dashboard-breaches",
        zone=getattr(settings, "zone", None) or LONDON,
    )
    return {
        "open": len(presented),
        "open_capped": len(pairs) >= SCAN_LIMIT,
        "due_soon": len(due_soon),
        "overdue": len(overdue),
        "exposure": exposure,
        "exposure_count": exposure // rules.FIXED_PENALTY_POUNDS,
        "fixed_penalty": rules.FIXED_PENALTY_POUNDS,
        "early_penalty": rules.EARLY_PAYMENT_PENALTY_POUNDS,
        "early_days": rules.EARLY_PAYMENT_DAYS,
        "svg": Markup(svg),
        "rows": [{"breach": breach, "view": view} for _, breach, view in shown],
        "hidden": len(presented) - len(shown),
        "horizon_days": HORIZON.days,
    }


PANEL = DashboardPanel(
    title="Breach deadlines", template="breach/panel.html", build=build_panel, permission=Permission.breach_read
)
