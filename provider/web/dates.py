"""Dates and times typed into forms: day, month and year boxes and a 24-hour time, as UK public-sector
forms ask for them, so a date reads the same in every browser and never in the US month-first order.

A field `aware_at` is sent as `aware_at-day`, `aware_at-month`, `aware_at-year` and `aware_at-time`.
The same field may also arrive as one ISO text under its own name (`aware_at=2026-07-01T09:30`,
`due_before=2026-03-31`), as bookmarks, scripts and the query strings of filter pages send it.

Times are wall-clock times in the configured zone, turned into UTC by `provider.clock.parse_local`:
a time in the hour skipped when the clocks go forward is refused; in the hour repeated when they go
back the first (summer-time) instant is taken. These functions say what is wrong in a sentence that
starts with the field's label; `provider.web.forms.Reading` attaches it to the right box.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from datetime import date, datetime, time
from typing import Any
from zoneinfo import ZoneInfo

from provider.clock import london, parse_local
from provider.moments import EARLIEST_YEAR, LATEST_YEAR, RANGE_WORDS, out_of_range

DATE_PARTS = ("day", "month", "year")
MONTH_PARTS = ("month", "year")
TIME_PART = "time"
MONTH_NAMES = (
    "january",
    "february",
    "march",
    "april",
    "may",
    "june",
    "july",
    "august",
    "september",
    "october",
    "november",
    "december",
)
# 14:30, 14.30, 1430 and 9:05: the 24-hour clock, with or without a separator.
TIME_PATTERN = re.compile(r"([01]?[0-9]|2[0-3])[:.]?([0-5][0-9])")
MONTH_PATTERN = re.compile(r"([0-9]{4})-([0-9]{1,2})")
ZONE_WORDS = {"Europe/London": "UK time (Europe/London)"}


class DateProblem(ValueError):
    """What is wrong with a typed date, as a sentence, and which box (`part`) holds the problem."""

    def __init__(self, message: str, part: str = "") -> None:
        super().__init__(message)
        self.message = message
        self.part = part


def zone_words(zone: ZoneInfo) -> str:
    """How a page names the zone its times are typed in: 'UK time (Europe/London)'."""
    return ZONE_WORDS.get(zone.key, f"{zone.key} time")


def part_name(field: str, part: str) -> str:
    return f"{field}-{part}"


def part_id(field: str, part: str, parts: tuple[str, ...]) -> str:
    """The first box of a date carries the field's own name as its id, so a link to the field lands on it."""
    return field if not part or part == parts[0] else part_name(field, part)


def typed_parts(values: Mapping[str, object], field: str, parts: tuple[str, ...]) -> dict[str, str] | None:
    """The boxes as typed, or None when the browser sent none of them (the field came as one text)."""
    if not any(part_name(field, part) in values for part in parts):
        return None
    return {part: _text(values.get(part_name(field, part))) for part in parts}


def _text(value: object) -> str:
    return value.strip() if isinstance(value, str) else ""


def _missing(label: str, parts: dict[str, str]) -> None:
    absent = [part for part, text in parts.items() if not text]
    if absent:
        words = " and ".join([", ".join(absent[:-1]), absent[-1]] if len(absent) > 1 else absent)
        raise DateProblem(f"{label} must include a {words}", absent[0])


def _number(text: str, part: str, label: str, low: int, high: int) -> int:
    if not text.isascii() or not text.isdigit() or not low <= int(text) <= high:
        raise DateProblem(f"{label} must be a real date", part)
    return int(text)


def _month(text: str, label: str) -> int:
    """A month as 1 to 12 or its English name ('3', '03', 'Mar', 'March')."""
    word = text.lower()
    if len(word) >= 3 and word.isalpha():
        for number, name in enumerate(MONTH_NAMES, start=1):
            if name.startswith(word):
                return number
    return _number(text, "month", label, 1, 12)


def _year(text: str, label: str) -> int:
    if not text.isascii() or not text.isdigit() or len(text) != 4:
        raise DateProblem(f"{label}: enter the year with 4 digits, like 2026", "year")
    if not EARLIEST_YEAR <= int(text) <= LATEST_YEAR:
        raise DateProblem(f"{label} must be {RANGE_WORDS}", "year")
    return int(text)


def _in_range(value: Any, label: str, part: str = "") -> Any:
    """`value` unless its year lies outside the platform's range (provider.moments)."""
    if reason := out_of_range(value):
        raise DateProblem(f"{label} {reason}", part)
    return value


def read_date(parts: dict[str, str], label: str) -> date:
    """Day, month and year boxes as a date."""
    _missing(label, parts)
    day = _number(parts["day"], "day", label, 1, 31)
    month, year = _month(parts["month"], label), _year(parts["year"], label)
    try:
        value = date(year, month, day)
    except ValueError as error:  # 31 April, 29 February of a common year
        raise DateProblem(f"{label} must be a real date", "day") from error
    return _in_range(value, label, "year")


def read_month(parts: dict[str, str], label: str) -> tuple[int, int]:
    """Month and year boxes as (year, month)."""
    _missing(label, parts)
    return _year(parts["year"], label), _month(parts["month"], label)


def read_time(text: str, label: str) -> time:
    match = TIME_PATTERN.fullmatch(text.strip())
    if match is None:
        raise DateProblem(f"{label}: enter the time on the 24-hour clock, like 14:30", TIME_PART)
    return time(int(match.group(1)), int(match.group(2)))


def wall_clock(parts: dict[str, str], label: str) -> datetime:
    """Day, month, year and time boxes as a naive wall-clock time (not yet placed in a zone)."""
    _missing(label, parts)
    day = read_date({name: parts[name] for name in DATE_PARTS}, label)
    return datetime.combine(day, read_time(parts[TIME_PART], label))


def localise(wall: datetime, zone: ZoneInfo, label: str) -> datetime:
    """A wall-clock time in `zone` as aware UTC, by `parse_local`'s rules; the skipped hour is refused."""
    try:
        return parse_local(wall.isoformat(), zone)
    except ValueError as error:
        moment = f"{wall:%H:%M} on {wall.day} {wall:%B %Y}"
        raise DateProblem(
            f"{label}: {moment} does not exist in {zone.key}, because the clocks went forward that night."
            " Enter the time shown on the clocks after the change",
            TIME_PART,
        ) from error


def read_iso_datetime(text: str, zone: ZoneInfo, label: str) -> tuple[datetime, datetime | None]:
    """One ISO text ('2026-07-01T09:30', '2026-07-01 09:30', with an offset or not): (UTC, wall clock).

    The wall clock is None when the text named its own offset (it is then kept, as `parse_local` does).
    """
    try:
        parsed = datetime.fromisoformat(text.strip())
    except ValueError as error:
        raise DateProblem(f"{label} must be a real date and time") from error
    _in_range(parsed, label)
    if parsed.tzinfo is not None:
        return parse_local(text, zone), None
    return localise(parsed, zone, label), parsed


def read_iso_date(text: str, label: str) -> date:
    try:
        value = date.fromisoformat(text.strip())
    except ValueError as error:
        raise DateProblem(f"{label} must be a real date, like 2026-03-31") from error
    return _in_range(value, label)


def read_iso_month(text: str, label: str) -> tuple[int, int]:
    match = MONTH_PATTERN.fullmatch(text.strip())
    if match is None or not 1 <= int(match.group(2)) <= 12:
        raise DateProblem(f"{label} must be a real month, like 2026-03")
    return _year(match.group(1), label), int(match.group(2))


def datetime_values(field: str, value: datetime | None, zone: ZoneInfo) -> dict[str, str]:
    """A stored UTC time as the boxes show it, in the display zone."""
    if value is None:
        return {part_name(field, part): "" for part in (*DATE_PARTS, TIME_PART)}
    return wall_values(field, london(value, zone).replace(tzinfo=None))


def wall_values(field: str, wall: datetime) -> dict[str, str]:
    return {**date_values(field, wall.date()), part_name(field, TIME_PART): f"{wall:%H:%M}"}


def date_values(field: str, value: date | None) -> dict[str, str]:
    if value is None:
        return {part_name(field, part): "" for part in DATE_PARTS}
    parts = {"day": str(value.day), "month": str(value.month), "year": f"{value.year:04d}"}
    return {part_name(field, part): text for part, text in parts.items()}


def month_values(field: str, year: int, month: int) -> dict[str, str]:
    return {part_name(field, "month"): str(month), part_name(field, "year"): f"{year:04d}"}
