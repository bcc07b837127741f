"""The anonymous counts of traffic per day, kind and direction (`traffic_aggregate`, rules.md §3: "aggregates
may stay"), added as the import writes the rows rather than when the sweep erases them.

Counting at the write costs one pass over values the import already holds and one small upsert per batch,
in the batch's own transaction, so a re-run that skips stored records never counts them twice. Counting at
erasure made every DELETE return and group each row's day, kind, direction, duration and volume: the
sweep's largest cost beside the DELETE itself. The counts thus cover every record ever imported, kept or
erased, which is what they are read for: volumes that do not change as records are erased.
"""

from __future__ import annotations

from collections.abc import Sequence

from sqlalchemy import text
from sqlmodel import Session

UPSERT = text(
    "INSERT INTO traffic_aggregate (day, kind, direction, records, seconds, volume_bytes) "
    "VALUES (:day, :kind, :direction, :records, :seconds, :volume) "
    "ON CONFLICT (day, kind, direction) DO UPDATE SET records = traffic_aggregate.records + excluded.records, "
    "seconds = traffic_aggregate.seconds + excluded.seconds, "
    "volume_bytes = traffic_aggregate.volume_bytes + excluded.volume_bytes"
)


def add_written(session: Session, columns: Sequence[str], rows: Sequence[tuple]) -> None:
    """Add traffic rows just written (tuples in `columns` order) to the counts."""
    day, kind, direction, seconds, volume = (
        columns.index(name) for name in ("day", "kind", "direction", "duration_seconds", "volume_bytes")
    )
    totals: dict[tuple, list[int]] = {}
    for row in rows:
        key = (row[day], row[kind], row[direction])
        total = totals.get(key)
        if total is None:
            total = totals[key] = [0, 0, 0]
        total[0] += 1
        total[1] += row[seconds] or 0
        total[2] += row[volume] or 0
    if totals:  # in key order: two imports at once lock the rows they share in the same order, so never deadlock
        session.execute(
            UPSERT,
            [
                {"day": d, "kind": k, "direction": r, "records": n, "seconds": s, "volume": v}
                for (d, k, r), (n, s, v) in sorted(totals.items())
            ],
        )
