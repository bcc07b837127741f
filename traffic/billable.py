"""The traffic records a bill is made of: a subscriber's outgoing calls, messages and sessions in a period.

Billing is a purpose that needs no consent (PECR reg 7(3)(a) and 8(2)(a)), so the other party's number is
decrypted here for the bill and nowhere stored in the clear. Incoming communications are not billed. The
period's days bound the query, so on PostgreSQL only those daily partitions are read.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta

from sqlalchemy import select
from sqlmodel import Session

from provider.security.keystore import KeyStore
from provider.subscribers.models import Line
from traffic import keys
from traffic.ingest import OTHER
from traffic.models import Direction, TrafficRecord
from traffic.rules import utc_day


@dataclass(frozen=True)
class BillableRecord:
    started_at: datetime
    line_number: str
    other_party: str | None  # empty for a data session, which has none; None when its day's key is gone
    kind: str  # a traffic.models.RecordKind value
    duration_seconds: int
    charge_pence: int


def _duration(start_at: datetime, end_at: datetime | None, seconds: int | None) -> int:
    if seconds is not None:
        return seconds
    return int((end_at - start_at).total_seconds()) if end_at is not None else 0


def _other_party(keyring: keys.Keyring, day: date, blob: bytes | None) -> str | None:
    if blob is None:
        return ""
    try:
        return keys.decrypt(keyring.reader(day), OTHER, blob)
    except keys.KeyDestroyed:
        return None


def billable_records(
    session: Session,
    *,
    subscriber_id: int,
    start: datetime,
    end: datetime,
    master_key: str,
    store: KeyStore | None = None,
) -> list[BillableRecord]:
    """Every outgoing record of the subscriber that started in [start, end), oldest first. A record whose
    day key is missing from the key store (a store not restored, or not the one it was written with) is
    still billed, its other party None: the charge stands although the number cannot be shown."""
    record = TrafficRecord
    statement = (
        select(record.day, record.start_at, record.end_at, record.duration_seconds, record.other_party_enc,
               record.kind, record.charge_pence, Line.number)
        .join(Line, Line.id == record.line_id)
        .where(record.subscriber_id == subscriber_id, record.direction == Direction.outgoing,
               record.day >= utc_day(start), record.day <= utc_day(end - timedelta(microseconds=1)),
               record.start_at >= start, record.start_at < end)
        .order_by(record.start_at, record.id)
    )  # fmt: skip
    keyring = keys.Keyring(session, master_key, store=store)
    found = []
    for day, start_at, end_at, seconds, other_enc, kind, charge, number in session.execute(statement):
        other = _other_party(keyring, day, other_enc)
        found.append(
            BillableRecord(start_at, number, other, str(kind), _duration(start_at, end_at, seconds), charge or 0)
        )
    return found
