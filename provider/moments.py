"""The one range of dates and times the platform takes: years 1900 to 2200, typed as text.

Python's datetime stops at years 1 and 9999: an instant typed at 9999-12-31T23:00-14:00 is a valid
value until it is turned into UTC (year 10000), and a deadline three days after 9999-12-30 cannot be
computed at all, so such input used to reach a 500. No record this platform keeps (a breach, a filing,
a log, an audit event) lies outside 1900..2200, so every schema and form takes dates inside it and
anything else is a 422 naming the field. A number is never read as a date (pydantic would otherwise read
`0` as 1970-01-01 and `1700000000` as a Unix time): dates come as ISO text.

`Moment` is an aware date and time (`AwareDatetime`, so a naive time is refused as before), `Day` a
calendar date; `out_of_range` says the same in words for input that does not come through a schema.
"""

from __future__ import annotations

import re
from datetime import date, datetime
from typing import Annotated, Any

from pydantic import AfterValidator, AwareDatetime, BeforeValidator, Field
from pydantic_core import PydanticCustomError

EARLIEST_YEAR = 1900
LATEST_YEAR = 2200
RANGE_WORDS = f"between the years {EARLIEST_YEAR} and {LATEST_YEAR}"
_ISO_DAY = re.compile(r"\s*\d{4}-\d{2}-\d{2}")


def out_of_range(value: date) -> str | None:
    """Why `value` (a date or a datetime, in its own zone) is refused, or None."""
    if not EARLIEST_YEAR <= value.year <= LATEST_YEAR:
        return f"must be {RANGE_WORDS}"
    return None


def _text_only(example: str) -> Any:
    def check(value: Any) -> Any:
        if isinstance(value, date):  # built in code, not typed
            return value
        if not isinstance(value, str) or not _ISO_DAY.match(value):
            raise PydanticCustomError("date_text", "must be written as text like {example}", {"example": example})
        return value

    return check


def _in_range(value: date) -> date:
    if reason := out_of_range(value):
        raise PydanticCustomError("date_range", reason)
    return value


_RANGE_SCHEMA = {"x-earliest-year": EARLIEST_YEAR, "x-latest-year": LATEST_YEAR}

Moment = Annotated[
    AwareDatetime,
    BeforeValidator(_text_only("2026-03-09T14:20:00Z")),
    AfterValidator(_in_range),
    Field(json_schema_extra=_RANGE_SCHEMA),
]
Day = Annotated[
    date, BeforeValidator(_text_only("2026-03-09")), AfterValidator(_in_range), Field(json_schema_extra=_RANGE_SCHEMA)
]


def check_moment(value: datetime) -> datetime:
    """`value` unchanged, or ValueError in words (for code that builds an instant from parts)."""
    if reason := out_of_range(value):
        raise ValueError(reason)
    return value
