"""What the retention page shows: records by class and age, what the next sweep would remove, holds, receipts.

Counting by class and age reads every record (one grouped scan per table): fine to tens of millions; a
bigger deployment would read the per-day counts from its partitions' statistics instead.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from sqlalchemy import case, func
from sqlmodel import Session, select

from traffic.models import ErasureReceipt, LocationRecord, RetentionHold, TrafficRecord
from traffic.sweep import dry_run_in

AGES = (("under a day", timedelta(days=1)), ("1-7 days", timedelta(days=7)), ("7-30 days", timedelta(days=30)),
        ("1-12 months", timedelta(days=365)), ("over a year", None))  # fmt: skip


@dataclass
class RetentionView:
    by_class: dict[str, dict[str, int]] = field(default_factory=dict)  # "traffic.billing" -> age -> count
    next_sweep: dict[str, int] = field(default_factory=dict)
    partitions_to_drop: list[str] = field(default_factory=list)
    holds: list[RetentionHold] = field(default_factory=list)
    receipts: list[ErasureReceipt] = field(default_factory=list)


def _age_case(column, now: datetime):
    whens = [(column > now - limit, label) for label, limit in AGES if limit is not None]
    return case(*whens, else_=AGES[-1][0])


def by_class_and_age(session: Session, now: datetime) -> dict[str, dict[str, int]]:
    found: dict[str, dict[str, int]] = defaultdict(dict)
    for model, label, moment in ((TrafficRecord, "traffic", TrafficRecord.start_at),
                                 (LocationRecord, "location", LocationRecord.observed_at)):  # fmt: skip
        age = _age_case(moment, now)
        rows = session.execute(select(model.retention_class, age, func.count()).group_by(model.retention_class, age))
        for retention_class, bucket, count in rows:
            found[f"{label}.{retention_class}"][bucket] = count
    return dict(sorted(found.items()))


def retention_view(session: Session, now: datetime) -> RetentionView:
    dry = dry_run_in(session, now=now)
    holds = session.exec(
        select(RetentionHold).where(RetentionHold.released_at.is_(None), RetentionHold.ends_at > now)
        .order_by(RetentionHold.ends_at)
    ).all()  # fmt: skip
    receipts = session.exec(select(ErasureReceipt).order_by(ErasureReceipt.id.desc()).limit(20)).all()
    return RetentionView(
        by_class=by_class_and_age(session, now), next_sweep=dict(sorted(dry.counts.items())),
        partitions_to_drop=dry.partitions_to_drop, holds=list(holds), receipts=list(receipts),
    )  # fmt: skip


def receipts_csv_rows(session: Session):
    """Every receipt, oldest first, streamed (the CSV export)."""
    yield ("id", "started_at", "finished_at", "cutoff", "status", "counts", "rows_erased", "rows_anonymised",
           "partitions_dropped", "keys_destroyed", "ids_hash")  # fmt: skip
    for r in session.exec(select(ErasureReceipt).order_by(ErasureReceipt.id)).yield_per(1000):
        yield (r.id, r.started_at.isoformat(), r.finished_at.isoformat() if r.finished_at else "", r.cutoff.isoformat(),
               r.status, r.counts, r.rows_erased, r.rows_anonymised, r.partitions_dropped, r.keys_destroyed,
               r.ids_hash)  # fmt: skip
