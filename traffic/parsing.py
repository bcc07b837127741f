"""Checking one line of an import (a CSV row or an NDJSON object), pure: text in, typed values or a reason out.

Both formats carry the same fields; `record_type` says which kind of record a line is (`traffic`, the
default, or `location`). Times are ISO 8601 with an offset (`2026-12-02T10:15:00Z`); a time without one is
refused rather than guessed. The line is given by its number, resolved to the provider's line and
subscriber by the import (`traffic.ingest`); everything else is checked here.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from provider.text import find_forbidden
from traffic.models import Direction, LocationSource, RecordKind

NUMBER = re.compile(r"^\+?[0-9]{1,20}$")
REFERENCE = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._:/-]{0,63}$")
TRUE, FALSE = frozenset(("true", "1", "yes", "y", "t")), frozenset(("false", "0", "no", "n", "f", ""))
KINDS = {kind.value: kind for kind in RecordKind}
DIRECTIONS = {direction.value: direction for direction in Direction}
SOURCES = {source.value: source for source in LocationSource}
MAX_SECONDS = 31 * 24 * 3600


class BadLine(ValueError):
    """`field: reason` for one line of an import."""

    def __init__(self, field: str, reason: str) -> None:
        super().__init__(f"{field}: {reason}")
        self.field, self.reason = field, reason


@dataclass(slots=True)
class TrafficLine:
    source_record_id: str
    kind: RecordKind
    direction: Direction
    line: str
    user_id: int | None
    start_at: datetime
    end_at: datetime | None
    duration_seconds: int | None
    other_party: str | None
    trunk: str | None
    cell_id: str | None
    volume_bytes: int | None
    charge_pence: int | None
    bill_ref: str | None
    ended: bool
    consented_service: str | None


@dataclass(slots=True)
class LocationLine:
    source_record_id: str
    line: str
    observed_at: datetime
    cell_id: str | None
    coordinates: str | None
    accuracy_m: int | None
    source: LocationSource
    anonymous: bool
    alert_ref: str | None
    consented_service: str | None


def _text(row: dict[str, Any], field: str) -> str | None:
    value = row.get(field)
    if value.__class__ is str:  # the common case (every CSV cell), kept fast
        return value.strip() or None
    if value is None:
        return None
    if isinstance(value, bool) or not isinstance(value, int | float | str):
        raise BadLine(field, "must be text")
    return str(value).strip() or None


def _required(row: dict[str, Any], field: str) -> str:
    value = _text(row, field)
    if value is None:
        raise BadLine(field, "is required")
    return value


def _reference(row: dict[str, Any], field: str, *, required: bool = False) -> str | None:
    value = _required(row, field) if required else _text(row, field)
    if value is not None and not REFERENCE.match(value):
        raise BadLine(field, "use at most 64 letters, digits and . _ : / -, starting with a letter or digit")
    return value


def _name(row: dict[str, Any], field: str) -> str | None:
    value = _text(row, field)
    if value is not None and (len(value) > 100 or find_forbidden(value)):
        raise BadLine(field, "must be one line of at most 100 characters")
    return value


def _time(row: dict[str, Any], field: str, *, required: bool) -> datetime | None:
    value = _required(row, field) if required else _text(row, field)
    if value is None:
        return None
    try:
        moment = datetime.fromisoformat(value)
    except ValueError:
        raise BadLine(field, "is not an ISO 8601 time, e.g. 2026-12-02T10:15:00Z") from None
    if moment.tzinfo is None or moment.utcoffset() is None:
        raise BadLine(field, "needs a UTC offset (Z or +01:00)")
    return moment


def _count(row: dict[str, Any], field: str, maximum: int = 2**62) -> int | None:
    value = row.get(field)
    if value is None or value == "":
        return None
    if isinstance(value, bool) or not isinstance(value, int | str):
        raise BadLine(field, "must be a whole number")
    try:
        number = int(value)
    except ValueError:
        raise BadLine(field, "must be a whole number") from None
    if not 0 <= number <= maximum:
        raise BadLine(field, f"must be between 0 and {maximum:,}")
    return number


def _flag(row: dict[str, Any], field: str, default: bool) -> bool:
    value = row.get(field)
    if value is None:
        return default
    if isinstance(value, bool):
        return value
    text = str(value).strip().lower()
    if text in TRUE:
        return True
    if text in FALSE:
        return default if text == "" else False
    raise BadLine(field, "must be true or false")


def _choice(row: dict[str, Any], field: str, choices: dict[str, Any], default: Any = None) -> Any:
    value = _text(row, field)
    if value is None and default is not None:
        return default
    if value is None:
        raise BadLine(field, "is required")
    if value not in choices:
        raise BadLine(field, f"must be one of {', '.join(choices)}")
    return choices[value]


def _number(row: dict[str, Any], field: str, *, required: bool = False) -> str | None:
    value = _required(row, field) if required else _text(row, field)
    if value is None:
        return None
    value = value.replace(" ", "")
    if not NUMBER.match(value):
        raise BadLine(field, "must be a telephone number: digits, optionally starting with +")
    return value


def parse_traffic(row: dict[str, Any]) -> TrafficLine:
    start_at = _time(row, "start_at", required=True)
    end_at = _time(row, "end_at", required=False)
    duration = _count(row, "duration_seconds", MAX_SECONDS)
    if end_at is not None and end_at < start_at:
        raise BadLine("end_at", "is before start_at")
    if end_at is None and duration is not None:
        end_at = start_at + timedelta(seconds=duration)
    elif end_at is not None and duration is None:
        duration = int((end_at - start_at).total_seconds())
    return TrafficLine(
        source_record_id=_reference(row, "source_record_id", required=True),
        kind=_choice(row, "kind", KINDS),
        direction=_choice(row, "direction", DIRECTIONS),
        line=_number(row, "line", required=True),
        user_id=_count(row, "user_id"),
        start_at=start_at,
        end_at=end_at,
        duration_seconds=duration,
        other_party=_number(row, "other_party"),
        trunk=_reference(row, "trunk"),
        cell_id=_reference(row, "cell_id"),
        volume_bytes=_count(row, "volume_bytes"),
        charge_pence=_count(row, "charge_pence"),
        bill_ref=_reference(row, "bill_ref"),
        ended=_flag(row, "ended", True),
        consented_service=_name(row, "consented_service"),
    )


def _coordinates(row: dict[str, Any]) -> str | None:
    latitude, longitude = _text(row, "latitude"), _text(row, "longitude")
    if latitude is None and longitude is None:
        return None
    if latitude is None or longitude is None:
        raise BadLine("latitude" if latitude is None else "longitude", "give both latitude and longitude")
    try:
        lat, lon = float(latitude), float(longitude)
    except ValueError:
        raise BadLine("latitude", "latitude and longitude must be decimal degrees") from None
    if not (-90 <= lat <= 90 and -180 <= lon <= 180):
        raise BadLine("latitude", "latitude must be within ±90 and longitude within ±180")
    return f"{lat:.6f},{lon:.6f}"


def parse_location(row: dict[str, Any]) -> LocationLine:
    cell_id, coordinates = _reference(row, "cell_id"), _coordinates(row)
    if cell_id is None and coordinates is None:
        raise BadLine("cell_id", "give a cell id or coordinates")
    source = _choice(row, "source", SOURCES, LocationSource.network)
    alert_ref = _reference(row, "alert_ref")
    if (source is LocationSource.emergency_alert) != (alert_ref is not None):
        raise BadLine("alert_ref", "is required for an emergency_alert source, and only for it")
    return LocationLine(
        source_record_id=_reference(row, "source_record_id", required=True),
        line=_number(row, "line", required=True),
        observed_at=_time(row, "observed_at", required=True),
        cell_id=cell_id,
        coordinates=coordinates,
        accuracy_m=_count(row, "accuracy_m", 10_000_000),
        source=source,
        anonymous=_flag(row, "anonymous", False),
        alert_ref=alert_ref,
        consented_service=_name(row, "consented_service"),
    )


def parse(row: Any) -> TrafficLine | LocationLine:
    if not isinstance(row, dict):
        raise BadLine("line", "must be a JSON object")
    record_type = _text(row, "record_type") or "traffic"
    if record_type == "traffic":
        return parse_traffic(row)
    if record_type == "location":
        return parse_location(row)
    raise BadLine("record_type", "must be traffic or location")
