"""Durations in words for people: "1 d 10 h 5 min". Exact seconds stay in the data; this is display.

One function with the options today's callers need, because their wording differs on purpose:
pages and the breach log say "2 d 3 h" (minutes left out when nil); the ICO form spells days out and
always shows minutes ("1 day 0 min", "2 days 3 h 40 min"); what a nil duration reads as is the
caller's ("0 min" in the breach log, "under a minute" on a breach page).
"""

from __future__ import annotations

from datetime import timedelta


def describe_duration(
    amount: timedelta | float | None,
    *,
    zero: str = "0 min",
    days_in_full: bool = False,
    always_minutes: bool = False,
) -> str:
    """Whole days, hours and minutes of `amount` (a timedelta or seconds), seconds dropped; "" for None."""
    if amount is None:
        return ""
    seconds = amount.total_seconds() if isinstance(amount, timedelta) else amount
    days, rest = divmod(int(seconds // 60), 24 * 60)
    hours, minutes = divmod(rest, 60)
    parts = []
    if days:
        parts.append(f"{days} day{'s' if days != 1 else ''}" if days_in_full else f"{days} d")
    if hours:
        parts.append(f"{hours} h")
    if minutes or always_minutes:
        parts.append(f"{minutes} min")
    return " ".join(parts) or zero
