"""Whether an active retention hold covers a communication, as one SQL condition, for erasures outside
this package (the imported call list of `provider.billing`) that must respect holds as traffic's own
sweep does (`traffic.sweep._held_clause`, whose rule this repeats over SQLAlchemy columns).

A hold is active from `starts_at` until `ends_at`, unless released; it covers what matches every part
it names (subscriber, line, UTC days of the communication's start); an Investigatory Powers Act notice
covers only communications of the last 12 months (rules.md §3).
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import ColumnElement, Date, and_, exists, or_, select
from sqlalchemy.ext.compiler import compiles
from sqlalchemy.sql.functions import FunctionElement

from provider.subscribers.models import Line
from traffic import rules
from traffic.models import HoldBasis, RetentionHold


class utc_day(FunctionElement):
    """The UTC date of a timestamp: traffic's `day` of a communication."""

    type = Date()
    inherit_cache = True


@compiles(utc_day, "postgresql")
def _utc_day_postgresql(element: Any, compiler: Any, **kw: Any) -> str:
    return f"CAST(({compiler.process(element.clauses, **kw)}) AT TIME ZONE 'UTC' AS DATE)"


@compiles(utc_day)
def _utc_day_sqlite(element: Any, compiler: Any, **kw: Any) -> str:
    # SQLite holds UTC timestamps as naive text (provider.db.types.UTCDateTime): its date() is the UTC day.
    return f"date({compiler.process(element.clauses, **kw)})"


def covered(
    *, subscriber_id: ColumnElement[Any], line_number: ColumnElement[Any], started_at: ColumnElement[Any],
    now: datetime,
) -> ColumnElement[bool]:  # fmt: skip
    """True where an active hold covers the communication of `subscriber_id` on the line numbered
    `line_number` (E.164) that started at `started_at`."""
    hold = RetentionHold
    day = utc_day(started_at)
    # Correlated to the caller's table (and the hold) however deep it sits: only Line is this query's own.
    line = select(Line.id).where(Line.number == line_number, Line.id == hold.line_id).correlate_except(Line)
    return exists().where(
        hold.released_at.is_(None), hold.starts_at <= now, hold.ends_at > now,
        or_(hold.subscriber_id.is_(None), hold.subscriber_id == subscriber_id),
        or_(hold.line_id.is_(None), exists(line)),
        or_(hold.date_from.is_(None), day >= hold.date_from),
        or_(hold.date_to.is_(None), day <= hold.date_to),
        or_(hold.basis != HoldBasis.ipa_retention_notice,
            and_(started_at > rules.add_months(now, -rules.IPA_MAX_MONTHS))),
    )  # fmt: skip
