"""The one source of time.

Rules never read the system clock: they take `now` from a Clock so tests can freeze it and walk it
across clock changes and month ends. Every datetime a Clock returns is timezone-aware UTC.
"""

from __future__ import annotations

import threading
from datetime import UTC, datetime, timedelta
from typing import Protocol
from zoneinfo import ZoneInfo

LONDON = ZoneInfo("Europe/London")


class Clock(Protocol):
    def now(self) -> datetime: ...


class SystemClock:
    def now(self) -> datetime:
        return datetime.now(UTC)


class FrozenClock:
    """A clock that only moves when told to; safe to share between threads."""

    def __init__(self, at: datetime) -> None:
        self._lock = threading.Lock()
        self._at = ensure_utc(at)

    def now(self) -> datetime:
        with self._lock:
            return self._at

    def set(self, at: datetime) -> None:
        with self._lock:
            self._at = ensure_utc(at)

    def advance(self, delta: timedelta | None = None, **parts: float) -> datetime:
        with self._lock:
            self._at = self._at + (delta or timedelta(**parts))
            return self._at


def ensure_utc(value: datetime) -> datetime:
    """Return `value` in UTC; refuse naive datetimes rather than guess their zone."""
    if value.tzinfo is None or value.utcoffset() is None:
        raise ValueError("naive datetime: a timezone is required")
    return value.astimezone(UTC)


def london(value: datetime, zone: ZoneInfo = LONDON) -> datetime:
    """Convert an aware datetime to local wall time for display."""
    return ensure_utc(value).astimezone(zone)


def parse_local(text: str, zone: ZoneInfo = LONDON) -> datetime:
    """Parse a wall-clock time typed by a person in `zone` (ISO form, seconds optional) into UTC.

    A time with an explicit offset keeps it. In the repeated hour when clocks go back the earlier
    instant (fold=0, BST) is taken; a time that does not exist (the skipped spring hour) is refused.
    """
    parsed = datetime.fromisoformat(text.strip())
    if parsed.tzinfo is not None:
        return parsed.astimezone(UTC)
    localised = parsed.replace(tzinfo=zone)
    round_trip = localised.astimezone(UTC).astimezone(zone).replace(tzinfo=None)
    if round_trip != parsed:
        raise ValueError(f"{text} does not exist in {zone.key} (the clocks went forward)")
    return localised.astimezone(UTC)


def format_local(value: datetime | None, zone: ZoneInfo = LONDON) -> str:
    """Display form used on pages and documents: '14 Mar 2026 15:00 GMT'."""
    if value is None:
        return ""
    local = london(value, zone)
    return local.strftime("%d %b %Y %H:%M ") + (local.tzname() or "")
