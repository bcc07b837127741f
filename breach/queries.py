"""Read-only helpers for the breach pages and dashboard: picking and presenting what the service loaded.

Nothing here decides a rule: overdue-ness comes from the core's `deadline_state`, which obligations a stage
answers from `rules.kinds_met_by`, what a stage needs from `rules.missing_fields`, exposure from
`rules.penalty_exposure`. These functions only choose rows and turn them into words for people.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from sqlmodel import Session, select

from breach import rules
from breach.deadlines import BREACH
from breach.ico import rules as ico_rules
from breach.models import Breach, FilingStage, ObligationKind
from breach.presenters import OBLIGATION_NAMES, obligation_name
from provider.clock import ensure_utc, london
from provider.deadlines import rules as deadline_rules
from provider.deadlines.models import Obligation, ObligationStatus
from provider.deadlines.timeline import TimelineItem, Window, item_for, window_for
from provider.durations import describe_duration
from provider.errors import FieldError

KIND_WORDS = OBLIGATION_NAMES  # the one name per obligation (breach.presenters)
LOG_KINDS = frozenset({ObligationKind.log_inclusion, ObligationKind.log_submission})
RECIPIENT_WORDS = {"ico": "ICO", "customers": "Customers", "internal": "Internal"}
STATE_WORDS = {
    "met": "met",
    "met_late": "met late",
    "not_required": "not required",
    "overdue": "overdue",
    "open": "open",
}


@dataclass(frozen=True)
class ObligationView:
    """One obligation as a page shows it."""

    row: Obligation
    kind_words: str
    recipient_words: str
    label: str  # "Statutory deadline" or "Internal target (policy)"
    state: str  # provider.deadlines.rules.deadline_state
    state_words: str
    overdue_by: timedelta | None

    @property
    def overdue(self) -> bool:
        return self.state == "overdue"

    @property
    def late_by(self) -> timedelta | None:
        seconds = self.row.late_by_seconds
        return timedelta(seconds=seconds) if seconds else None


def present(row: Obligation, now: datetime) -> ObligationView:
    state = deadline_rules.deadline_state(row, now)
    overdue_by = now - row.due_at if state == "overdue" and row.due_at is not None else None
    return ObligationView(
        row=row,
        kind_words=obligation_name(row.kind),
        recipient_words=RECIPIENT_WORDS.get(row.recipient, row.recipient),
        label=deadline_rules.label(row.statutory),
        state=state,
        state_words=STATE_WORDS.get(state, state),
        overdue_by=overdue_by,
    )


def next_open(rows: Iterable[Obligation], now: datetime, *, statutory: bool) -> ObligationView | None:
    """The soonest open obligation with a due time, statutory or internal, for the list page."""
    candidates = [
        row
        for row in rows
        if row.statutory == statutory
        and row.due_at is not None
        and ObligationStatus(row.status) is ObligationStatus.open
    ]
    if not candidates:
        return None
    return present(min(candidates, key=lambda row: row.due_at), now)


def next_action_words(rows: Iterable[Obligation], now: datetime) -> dict[str, Any] | None:
    """The breach page's first line: 'Notify the ICO, statutory, due Fri 04 Dec 11:00 GMT, in 2 d 13 h'."""
    row = rules.next_action(list(rows))
    if row is None:
        return None
    local = london(row.due_at)
    due = f"{local:%a %d %b %H:%M} {local.tzname()}"
    remaining = ensure_utc(row.due_at) - ensure_utc(now)
    when = f"overdue by {duration_words(-remaining)}" if remaining < timedelta(0) else f"in {duration_words(remaining)}"
    nature = "statutory" if row.statutory else "internal target"
    return {
        "row": row,
        "statutory": row.statutory,
        "overdue": remaining < timedelta(0),
        "text": f"{obligation_name(row.kind)}, {nature}, due {due}, {when}",
    }


def ordered(rows: Iterable[Obligation]) -> list[Obligation]:
    """Statutory deadlines first, then internal targets (rules.due_order)."""
    return list(rules.due_order(list(rows)))


def duration_words(delta: timedelta | None) -> str:
    """'2 d 3 h 5 min' for a page; '' for none."""
    return describe_duration(delta, zero="under a minute")


def seconds_words(seconds: int | None) -> str:
    return duration_words(timedelta(seconds=seconds)) if seconds else ""


def statutory_deadline_passed(rows: Iterable[Obligation], stage: FilingStage, now: datetime) -> Obligation | None:
    """The statutory deadline a filing of `stage` now would be late for (so reasons are needed), if any."""
    rows = list(rows)
    if not rules.lateness_if_filed(stage, rows, now):
        return None
    return rules.statutory_obligation_for(stage, rows)


def statutory_for_filing(rows: Iterable[Obligation], stage: FilingStage) -> ObligationView | None:
    """The statutory deadline a filing of `stage` answers, presented (for the submission page)."""
    row = rules.statutory_obligation_for(stage, list(rows))
    return present(row, row.due_at) if row is not None and row.due_at is not None else None


def required_items(stage: FilingStage) -> list[FieldError]:
    """Everything a filing of `stage` needs, for the checklist (from the rules, so it cannot drift)."""
    return ico_rules.required_fields(stage)


def edit_link(field: str, breach_id: int) -> str:
    """Where a person fixes a missing field: the provider profile, or the breach's edit form."""
    if field.startswith("provider"):
        return "/admin/profile"
    return f"/breaches/{breach_id}/edit#{field}"


def statutory_notifications(session: Session) -> list[Obligation]:
    """Every statutory ICO-notification obligation, met or not, for the penalty exposure figure."""
    statement = select(Obligation).where(
        Obligation.owner_kind == BREACH,
        Obligation.statutory.is_(True),
        Obligation.kind.in_([kind.value for kind in rules.NOTIFICATION_KINDS]),
    )
    return list(session.exec(statement).all())


def timeline_items(
    pairs: Sequence[tuple[Obligation, Breach]], now: datetime, *, with_reference: bool
) -> list[TimelineItem]:
    """Obligations (with their breach) as bars for the timeline picture; not-required ones are left out."""
    items = []
    for row, breach in pairs:
        view = present(row, now)
        if row.due_at is None or view.state == "not_required":
            continue
        label = f"{breach.reference} · {view.kind_words}" if with_reference else view.kind_words
        items.append(item_for(row, now, label=label, href=f"/breaches/{breach.id}"))
    return items


def focus_window(pairs: Sequence[tuple[Obligation, Breach]], now: datetime) -> Window:
    """The span worth drawing: the notification deadlines, not the month-end log date weeks later (a bar
    that runs past the edge is drawn to it with an arrow, and its due time is written out)."""
    focused = [(row, breach) for row, breach in pairs if ObligationKind(row.kind) not in LOG_KINDS]
    return window_for(timeline_items(focused or pairs, now, with_reference=False), now)
