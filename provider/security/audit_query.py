"""Searching and exporting the audit trail: filters, keyset paging and a flat-memory CSV stream.

Dates typed by a person are Europe/London calendar days: "from 30 March" means from local midnight,
which is 00:00 UTC in winter and 23:00 UTC the day before in summer. "to" includes the whole day.
Paging is by keyset on the event id (newest first), so page 1,000 costs the same as page 1 and an
event appended while someone pages never shifts what they see.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy import Engine, func, or_
from sqlalchemy import select as sa_select
from sqlmodel import Session, select

from provider.clock import LONDON
from provider.security.models import AuditEvent

CSV_COLUMNS = (
    "id",
    "occurred_at",
    "actor_kind",
    "actor_id",
    "actor_name",
    "action",
    "entity_type",
    "entity_id",
    "before",
    "after",
    "prev_hash",
    "hash",
)
# Spreadsheet programs run a cell that starts with one of these as a formula (CSV injection).
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
EXPORT_BATCH = 1000


@dataclass(frozen=True)
class AuditFilter:
    entity_type: str | None = None
    entity_id: str | None = None
    actor_name: str | None = None
    action_prefix: str | None = None
    date_from: date | None = None
    date_to: date | None = None

    def as_query(self) -> dict[str, str]:
        """The filter as query-string values (for paging links and the CSV link)."""
        values = {
            "entity_type": self.entity_type,
            "entity_id": self.entity_id,
            "actor": self.actor_name,
            "action": self.action_prefix,
            "date_from": self.date_from.isoformat() if self.date_from else None,
            "date_to": self.date_to.isoformat() if self.date_to else None,
        }
        return {key: value for key, value in values.items() if value}


@dataclass(frozen=True)
class AuditPage:
    events: list[AuditEvent]
    older_before_id: int | None
    newer_after_id: int | None


def local_day_start(day: date, zone: ZoneInfo = LONDON) -> datetime:
    """The UTC instant at which `day` begins on the wall clocks of `zone`."""
    return datetime.combine(day, time.min, tzinfo=zone).astimezone(UTC)


def _conditions(filters: AuditFilter, zone: ZoneInfo) -> list[Any]:
    conditions: list[Any] = []
    if filters.entity_type:
        conditions.append(AuditEvent.entity_type == filters.entity_type)
    if filters.entity_id:
        conditions.append(AuditEvent.entity_id == filters.entity_id)
    if filters.actor_name:
        # A user's own name also finds the tokens acting for them, which are named "user/token".
        conditions.append(
            or_(
                AuditEvent.actor_name == filters.actor_name,
                AuditEvent.actor_name.startswith(filters.actor_name + "/", autoescape=True),
            )
        )
    if filters.action_prefix:
        conditions.append(AuditEvent.action.startswith(filters.action_prefix, autoescape=True))
    if filters.date_from:
        conditions.append(AuditEvent.occurred_at >= local_day_start(filters.date_from, zone))
    if filters.date_to:
        conditions.append(AuditEvent.occurred_at < local_day_start(filters.date_to + timedelta(days=1), zone))
    return conditions


def search(
    session: Session,
    filters: AuditFilter,
    *,
    before_id: int | None = None,
    after_id: int | None = None,
    limit: int = 50,
    zone: ZoneInfo = LONDON,
) -> AuditPage:
    """One page of matching events, newest first, before `before_id` or (going back) after `after_id`."""
    statement = select(AuditEvent).where(*_conditions(filters, zone))
    if after_id is not None:
        statement = statement.where(AuditEvent.id > after_id).order_by(AuditEvent.id.asc())
    else:
        if before_id is not None:
            statement = statement.where(AuditEvent.id < before_id)
        statement = statement.order_by(AuditEvent.id.desc())
    rows = list(session.exec(statement.limit(limit + 1)))
    more = len(rows) > limit
    rows = rows[:limit]
    if after_id is not None:
        rows.reverse()
    if not rows:
        return AuditPage([], None, None)
    has_older = more if after_id is None else True
    has_newer = more if after_id is not None else before_id is not None
    return AuditPage(rows, rows[-1].id if has_older else None, rows[0].id if has_newer else None)


def iter_rows(
    session: Session,
    filters: AuditFilter,
    *,
    batch: int = EXPORT_BATCH,
    zone: ZoneInfo = LONDON,
) -> Iterator[list[Any]]:
    """Matching events as plain rows of CSV_COLUMNS, oldest first, a batch at a time.

    Each batch is read in its own short transaction and none stays open while the caller works: on
    SQLite every transaction holds the write lock, and an export streamed to a slow client must not
    stall every writer. Only events that existed when the walk began are returned (a fixed set).
    """
    conditions = _conditions(filters, zone)
    columns = [getattr(AuditEvent, name) for name in CSV_COLUMNS]
    newest = session.exec(select(func.max(AuditEvent.id))).one() or 0
    session.rollback()
    last_id = 0
    while last_id < newest:
        statement = (
            sa_select(*columns)
            .where(AuditEvent.id > last_id, AuditEvent.id <= newest, *conditions)
            .order_by(AuditEvent.id.asc())
            .limit(batch)
        )
        rows = list(session.exec(statement))
        session.rollback()
        if not rows:
            return
        last_id = rows[-1][0]
        yield rows


def _cell(value: Any) -> Any:
    if isinstance(value, datetime):
        return value.astimezone(UTC).isoformat()
    if isinstance(value, str) and value.startswith(FORMULA_STARTS):
        return "'" + value
    return "" if value is None else value


def csv_chunks(
    engine: Engine,
    filters: AuditFilter,
    *,
    batch: int = EXPORT_BATCH,
    zone: ZoneInfo = LONDON,
) -> Iterator[str]:
    """The CSV export as text chunks, one per batch, read through its own session.

    It opens its own session because a streaming response outlives the request's session. Times are
    UTC ISO 8601 so the hash columns can be recomputed from the export.
    """
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow(CSV_COLUMNS)
    with Session(engine) as session:
        for rows in iter_rows(session, filters, batch=batch, zone=zone):
            writer.writerows([_cell(value) for value in row] for row in rows)
            yield buffer.getvalue()
            buffer.seek(0)
            buffer.truncate()
    if buffer.tell():
        yield buffer.getvalue()
