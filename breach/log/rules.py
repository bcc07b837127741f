"""Which month a breach belongs to, and when that month's log is due. Pure functions.

A month is a calendar month in the provider's zone (Europe/London): a breach the provider became
aware of at 00:30 BST on 1 April belongs to April even though it is still 31 March in UTC.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from datetime import UTC, datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from provider.clock import LONDON, ensure_utc
from provider.deadlines import rules as deadline_rules


def period_of(moment: datetime, zone: ZoneInfo = LONDON) -> str:
    """The 'YYYY-MM' log period containing `moment` in local time."""
    return ensure_utc(moment).astimezone(zone).strftime("%Y-%m")


def parse_period(period: str) -> tuple[int, int]:
    """'2026-03' -> (2026, 3); raises ValueError naming the expected form."""
    if not isinstance(period, str) or not re.fullmatch(r"[0-9]{4}-[0-9]{2}", period):
        raise ValueError("period must be YYYY-MM")  # ASCII digits only: int() would also take ' 3' or '٣'
    year, month = int(period[:4]), int(period[5:])
    if not 1 <= month <= 12 or not 2000 <= year <= 2199:  # 2199-12 still has a following month
        raise ValueError("period must be YYYY-MM with a month from 01 to 12")
    return year, month


def _following(year: int, month: int) -> tuple[int, int]:
    return year + month // 12, month % 12 + 1


def next_period(period: str) -> str:
    year, month = _following(*parse_period(period))
    return f"{year}-{month:02d}"


def period_bounds(period: str, zone: ZoneInfo = LONDON) -> tuple[datetime, datetime]:
    """[start, end) of the month in UTC, from local midnights (so clock changes are respected)."""
    year, month = parse_period(period)
    following_year, following_month = _following(year, month)
    start = datetime(year, month, 1, tzinfo=zone).astimezone(UTC)
    end = datetime(following_year, following_month, 1, tzinfo=zone).astimezone(UTC)
    return start, end


def submission_due_at(period: str, due_day: int, zone: ZoneInfo = LONDON) -> datetime:
    """The log for `period` is due by the end of `due_day` of the following month, local time.

    Policy default: the 7th. Returned as the first instant after that day, in UTC.
    """
    year, month = _following(*parse_period(period))
    end_of_day = datetime(year, month, due_day, tzinfo=zone) + timedelta(days=1)
    return datetime(end_of_day.year, end_of_day.month, end_of_day.day, tzinfo=zone).astimezone(UTC)


def previous_period(period: str) -> str:
    year, month = parse_period(period)
    return f"{year - 1}-12" if month == 1 else f"{year}-{month - 1:02d}"


def period_label(period: str) -> str:
    """'2026-04' -> 'April 2026', as the nil return and the document titles name the month."""
    year, month = parse_period(period)
    return datetime(year, month, 1, tzinfo=UTC).strftime("%B %Y")


def contains(period: str, aware_at: datetime, zone: ZoneInfo = LONDON) -> bool:
    """Whether a breach belongs to `period`'s log.

    Decision: a breach is logged in the month (local time) in which the provider became aware of it
    (`aware_at`, the legal anchor). Each breach is therefore reported once, in the first log after it
    became notifiable; a month in which no breach became known is a nil return, which is how the ICO
    frames it ("no personal data breaches during this month"). Breaches still open from earlier months
    are not repeated: their later facts reach the ICO through the second and follow-up notifications.
    """
    return period_of(aware_at, zone) == period


def late_by_seconds(done_at: datetime, due_at: datetime | None) -> int:
    """How late a submission was, for its record: the core rule (provider.deadlines.rules), with 0 when
    there is no due time because the submission's column always holds a number.

    Stored at the moment of sending and never recomputed, so a later change of the due time (or of the
    policy's due day) cannot turn a late submission into an on-time one.
    """
    return deadline_rules.lateness_seconds(due_at, done_at) or 0


def submission_problems(period: str, sent_at: datetime, now: datetime, zone: ZoneInfo = LONDON) -> list[str]:
    """Reasons a claimed sending time cannot be right: a month's log covers the whole month, so it
    cannot have been sent before the month ended, and nothing can have been sent in the future."""
    _start, end = period_bounds(period, zone)
    problems = []
    if ensure_utc(sent_at) < end:
        problems.append(f"the log for {period_label(period)} cannot be sent before the month has ended")
    if ensure_utc(sent_at) > ensure_utc(now):
        problems.append("the sending time is in the future")
    return problems


def is_provisional(period_end: datetime, now: datetime | None) -> bool:
    """A month still open at `now` (its end, a London midnight, not yet reached) gives a provisional log."""
    return now is not None and now < period_end


def incomplete_rows(rows: Iterable[Any]) -> list[str]:
    """'BR-2026-0003: no ICO notification, no remedial action' for each breach of the log lacking either, so
    recording the month as sent asks for a confirmation and a reason first."""
    found = []
    for row in rows:
        lacking = []
        if row.initial_notified_at is None:
            lacking.append("no ICO notification")
        if not (row.mitigation_measures or "").strip():
            lacking.append("no remedial action")
        if lacking:
            found.append(f"{row.reference}: {', '.join(lacking)}")
    return found


# The log's own fields that are compared for "needs resubmission" (what the ICO received, not how it was made).
RESUBMISSION_IGNORED = frozenset({"produced_at", "produced_by", "provisional"})


def changes_since_sent(sent: dict[str, Any], current: dict[str, Any]) -> list[str]:
    """What differs between the log as sent (its stored snapshot) and as it stands now, in words:
    'BR-2026-0004 added', 'BR-2026-0002 removed', 'BR-2026-0001: aware_at, ico_due_at changed'. Empty when
    the month's log is unchanged; anything else means it needs resubmitting. Both are JSON dumps of a log."""
    before = {row["reference"]: row for row in sent.get("rows", [])}
    after = {row["reference"]: row for row in current.get("rows", [])}
    changes = [f"{reference} added" for reference in after if reference not in before]
    changes += [f"{reference} removed" for reference in before if reference not in after]
    for reference, row in after.items():
        old = before.get(reference)
        if old is None:
            continue
        fields = [name for name in row if name not in RESUBMISSION_IGNORED and old.get(name) != row.get(name)]
        if fields:
            changes.append(f"{reference}: {', '.join(fields)} changed")
    provider_changed = sent.get("provider") != current.get("provider")
    return changes + (["the provider's details changed"] if provider_changed else [])
