"""Checking a block of CSV traffic rows column by column: the same checks as `traffic.parsing`, a few C-level
passes over each column instead of a dozen Python calls per row.

It only ever vouches for a row: a row that any check here doubts (a bad value, a location record, a
value it does not know how to read fast) is left for `traffic.parsing.parse`, which gives the verdict
and the reason, so a bad line reads exactly as it would line by line. The checks here are the parser's
or stricter (`fullmatch` where it has `match` with `$`), never looser: `tests/traffic/test_columns.py`
holds the two to the same answers.
"""

from __future__ import annotations

import re
from datetime import datetime, timedelta
from itertools import compress
from typing import Any

from provider.text import find_forbidden
from traffic.parsing import DIRECTIONS, FALSE, KINDS, MAX_SECONDS, TRUE

# The parser's patterns, with an empty value allowed (an optional field left blank).
REFERENCE = re.compile(r"(?:[A-Za-z0-9][A-Za-z0-9._:/-]{0,63})?")
NUMBER = re.compile(r"(?:\+?[0-9]{1,20})?")
FLAGS_ENDED = {**dict.fromkeys(TRUE, True), **dict.fromkeys(FALSE, False), "": True}  # blank: the default
KIND_VALUES = {name: kind.value for name, kind in KINDS.items()}
DIRECTION_VALUES = {name: direction.value for name, direction in DIRECTIONS.items()}
COUNT_MAX = 2**62


class Block:
    """The typed columns of the rows this module vouches for (`good`: their positions in the block)."""

    __slots__ = (
        "good", "source_record_id", "kind", "direction", "line", "user_id", "start_at", "end_at",
        "duration_seconds", "other_party", "trunk", "cell_id", "volume_bytes", "charge_pence", "bill_ref",
        "ended", "consented_service",
    )  # fmt: skip

    def __init__(self, **columns: Any) -> None:
        for name, value in columns.items():
            setattr(self, name, value)


def _mark(doubtful: set[int], flags: list) -> None:
    """Positions where a check gave None (failed) join the doubtful ones."""
    if None in flags:
        doubtful.update(i for i, flag in enumerate(flags) if flag is None)


def _stripped(column: tuple[str, ...]) -> list[str]:
    return [value.strip() for value in column]


def _optional(values: list[str]) -> list[str | None]:
    return [value or None for value in values]


def _references(column: tuple[str, ...], doubtful: set[int], *, required: bool = False) -> list[str | None]:
    values = _stripped(column)
    _mark(doubtful, list(map(REFERENCE.fullmatch, values)))
    if required and "" in values:
        doubtful.update(i for i, value in enumerate(values) if not value)
    return _optional(values)


def _numbers(column: tuple[str, ...], doubtful: set[int], *, required: bool = False) -> list[str | None]:
    values = [value.strip().replace(" ", "") for value in column]
    _mark(doubtful, list(map(NUMBER.fullmatch, values)))
    if required and "" in values:
        doubtful.update(i for i, value in enumerate(values) if not value)
    return _optional(values)


def _choices(column: tuple[str, ...], choices: dict[str, str], doubtful: set[int]) -> list[str | None]:
    values = [choices.get(value.strip()) for value in column]
    _mark(doubtful, values)
    return values


def _times(column: tuple[str, ...], doubtful: set[int], *, required: bool) -> list[datetime | None]:
    values = _stripped(column)
    parse = datetime.fromisoformat
    try:
        moments = [parse(value) if value else None for value in values]
    except ValueError:
        moments = [_time_or_none(value) for value in values]
        doubtful.update(
            i for i, (value, moment) in enumerate(zip(values, moments, strict=True)) if value and not moment
        )
    if required:
        _mark(doubtful, moments)
    # fromisoformat gives a fixed-offset timezone or none: an offset is present exactly when tzinfo is
    offsets = [moment.tzinfo if moment is not None else True for moment in moments]
    _mark(doubtful, offsets)
    return moments


def _time_or_none(value: str) -> datetime | None:
    try:
        return datetime.fromisoformat(value) if value else None
    except ValueError:
        return None


def _counts(column: tuple[str, ...], doubtful: set[int], maximum: int = COUNT_MAX) -> list[int | None]:
    try:  # the parser's own int(): blank is absent, anything else must read as a whole number
        numbers = [int(value) if value else None for value in column]
    except ValueError:
        numbers = [_int_or_none(value) for value in column]
        doubtful.update(i for i, (value, n) in enumerate(zip(column, numbers, strict=True)) if value and n is None)
    present = [n for n in numbers if n is not None]
    if present and (min(present) < 0 or max(present) > maximum):
        doubtful.update(i for i, n in enumerate(numbers) if n is not None and not 0 <= n <= maximum)
    return numbers


def _int_or_none(value: str) -> int | None:
    try:
        return int(value)
    except ValueError:
        return None


def _flags(column: tuple[str, ...], doubtful: set[int]) -> list[bool | None]:
    values = [FLAGS_ENDED.get(value.strip().lower()) for value in column]
    _mark(doubtful, values)
    return values


def _names(column: tuple[str, ...], doubtful: set[int]) -> list[str | None]:
    values = _optional(_stripped(column))
    for i, value in enumerate(values):
        if value is not None and (len(value) > 100 or find_forbidden(value)):
            doubtful.add(i)
    return values


def _ends_and_durations(
    start_at: list, end_at: list, duration: list, doubtful: set[int]
) -> tuple[list[datetime | None], list[int | None]]:
    """The parser's rule: an end before the start is refused; either of end and duration gives the other."""
    ends: list[datetime | None] = []
    durations: list[int | None] = []
    for i, (start, end, seconds) in enumerate(zip(start_at, end_at, duration, strict=True)):
        if i in doubtful or start is None:  # left to the parser (a naive time must not meet an aware one)
            ends.append(None)
            durations.append(None)
            continue
        if end is not None and end < start:
            doubtful.add(i)
        elif end is None and seconds is not None:
            end = start + timedelta(seconds=seconds)
        elif end is not None and seconds is None:
            seconds = int((end - start).total_seconds())
        ends.append(end)
        durations.append(seconds)
    return ends, durations


def check_traffic(names: list[str], rows: list[list[str]]) -> tuple[Block, set[int]]:
    """The block's traffic rows that pass every check, as columns, and the positions left to the parser."""
    count = len(rows)
    blank = ("",) * count  # a missing column reads as blank cells, as the parser reads a missing key
    transposed = list(zip(*rows, strict=True)) if rows else []
    index = {name: i for i, name in enumerate(names)}

    def column(name: str) -> tuple[str, ...]:
        return transposed[index[name]] if name in index else blank

    doubtful: set[int] = set()
    if "record_type" in index:
        doubtful.update(i for i, value in enumerate(column("record_type")) if value.strip() not in ("", "traffic"))
    start_at = _times(column("start_at"), doubtful, required=True)
    end_at = _times(column("end_at"), doubtful, required=False)
    duration = _counts(column("duration_seconds"), doubtful, MAX_SECONDS)
    if not doubtful and end_at.count(None) == count:  # no end given: each ends its duration after its start
        ends = [
            None if seconds is None else start + timedelta(seconds=seconds)
            for start, seconds in zip(start_at, duration, strict=True)
        ]
        durations = duration
    else:
        ends, durations = _ends_and_durations(start_at, end_at, duration, doubtful)
    columns: dict[str, list] = {
        "source_record_id": _references(column("source_record_id"), doubtful, required=True),
        "kind": _choices(column("kind"), KIND_VALUES, doubtful),
        "direction": _choices(column("direction"), DIRECTION_VALUES, doubtful),
        "line": _numbers(column("line"), doubtful, required=True),
        "user_id": _counts(column("user_id"), doubtful),
        "start_at": start_at,
        "end_at": ends,
        "duration_seconds": durations,
        "other_party": _numbers(column("other_party"), doubtful),
        "trunk": _references(column("trunk"), doubtful),
        "cell_id": _references(column("cell_id"), doubtful),
        "volume_bytes": _counts(column("volume_bytes"), doubtful),
        "charge_pence": _counts(column("charge_pence"), doubtful),
        "bill_ref": _references(column("bill_ref"), doubtful),
        "ended": _flags(column("ended"), doubtful),
        "consented_service": _names(column("consented_service"), doubtful),
    }
    good = list(range(count))
    if doubtful:
        keep = [i not in doubtful for i in good]
        good = list(compress(good, keep))
        columns = {name: list(compress(values, keep)) for name, values in columns.items()}
    return Block(good=good, **columns), doubtful
