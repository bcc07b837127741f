"""The import and the erasure sweep agree on each day's data key, so no record is committed that no key reads.

The race it closes: the sweep destroys a day's key once no record of that day is committed; an import that
has already taken (or made) that key, but not yet committed its rows, would then commit ciphertext that no
key can read. So each side checks the other's work inside a transaction the other must wait for:

- PostgreSQL: the writer's transaction takes a shared transaction-level advisory lock per day it writes
  (`pg_advisory_xact_lock_shared`, on `lock_id(day)`) and, holding it, checks that the key it encrypted
  with is still the day's key file, before COPY; the sweep takes the exclusive lock per candidate day
  (`pg_advisory_xact_lock`, which waits for every import transaction holding the day to end), re-checks
  with a fresh statement (READ COMMITTED: it sees what those imports committed) that no record of the day
  exists, deletes the file, then commits. Many imports hold a day at once; the sweep holds one day at a
  time, so neither can deadlock the other.
- SQLite (one writer at a time): every transaction begins with BEGIN IMMEDIATE (`provider.db.engine`), so
  the writer's key check and the sweep's check-and-delete each happen under the write lock.

An import that finds its key gone (destroyed, or destroyed and made anew by another import) fails that
batch with `KeyGone`: nothing of the batch is written, earlier batches stand, and running the import again
is safe (records already stored are skipped by source id) and encrypts under the day's key then.
Re-encrypting in place was not chosen: a built batch holds only ciphertext, not the values to encrypt again.
"""

from __future__ import annotations

import hashlib
from collections import defaultdict
from collections.abc import Mapping
from datetime import date

from sqlalchemy import exists, select, text
from sqlmodel import Session

from provider.db.bulk import is_postgres
from provider.errors import Conflict
from provider.security.keystore import KeyStore
from traffic import partitions
from traffic.keys import configured_store, day_name
from traffic.models import LocationRecord, TrafficRecord


class KeyGone(Conflict):
    """The day's key an import encrypted with was destroyed by the erasure sweep before its batch committed."""

    title = "Data key destroyed during the import"


def lock_id(day: date) -> int:
    """The day's advisory-lock number: the first 8 bytes of a SHA-256 of its name, as a signed 64-bit
    integer (PostgreSQL's bigint), the same in every process and release."""
    digest = hashlib.sha256(f"pecr.traffic.{day_name(day)}".encode()).digest()
    return int.from_bytes(digest[:8], "big", signed=True)


def hold_days(session: Session, store: KeyStore, keys_used: Mapping[date, bytes]) -> None:
    """In the writer's transaction, before its rows: hold each day it writes against the sweep, then check
    each day's key file still holds the key (wrapped bytes) the rows were encrypted with."""
    connection = session.connection()  # begins the transaction: on SQLite, BEGIN IMMEDIATE (the write lock)
    postgres = is_postgres(session)
    for day in sorted(keys_used):
        if postgres:
            connection.execute(text("SELECT pg_advisory_xact_lock_shared(:id)"), {"id": lock_id(day)})
        stored = store.read(day_name(day))
        if stored is None or stored.wrapped != keys_used[day]:
            what = "was destroyed by the erasure sweep"
            if stored is not None:
                what = "was replaced (destroyed by the erasure sweep and made anew, or re-wrapped by a key rotation)"
            raise KeyGone(
                f"the data key of {day} {what} while this import was writing records of that day, so this batch "
                "was not written (earlier batches were): run the import again; records already stored are skipped"
            )


def destroy_unused_keys(session: Session, before: date, store: KeyStore | None = None) -> int:
    """Destroy the key of every day before `before` of which no traffic or location record remains: its
    file is deleted. The candidates are found cheaply (`_day_in_use`); each is then locked, checked again
    and destroyed in a transaction of its own."""
    store = store or configured_store()
    days = [day for day in store.days() if day < before]
    if not days:
        return 0
    by_day = _partitions_by_day(session)
    candidates = [day for day in days if not _day_in_use(session, day, by_day)]
    session.commit()
    return sum(_destroy(session, store, day) for day in candidates)


def _partitions_by_day(session: Session) -> dict[date, list[str]] | None:
    """PostgreSQL's day partitions of both tables, by day; None where the tables are not partitioned."""
    tables = (TrafficRecord.__tablename__, LocationRecord.__tablename__)
    if not partitions.is_partitioned(session, tables[0]):
        return None
    by_day: dict[date, list[str]] = defaultdict(list)
    for table in tables:
        for name, day in partitions.partitions(session, table):
            by_day[day].append(name)
    return by_day


def _day_in_use(session: Session, day: date, by_day: dict[date, list[str]] | None) -> bool:
    """On PostgreSQL each day is its own partition, asked for one live row (a scan that stops at the first,
    whatever the statistics say; a day with no partition has no record); elsewhere an EXISTS on the (day,
    source id) key. A DISTINCT over the days read every row still kept (0.6 s of a 3 s sweep at 500,000
    kept), and one statement naming every day planned over every partition."""
    if by_day is not None:
        return any(session.execute(text(f"SELECT 1 FROM {name} LIMIT 1")).first() for name in by_day.get(day, []))
    models = (TrafficRecord, LocationRecord)
    return any(session.execute(select(exists().where(model.day == day))).scalar_one() for model in models)


def _destroy(session: Session, store: KeyStore, day: date) -> bool:
    if is_postgres(session):  # waits for every import transaction that holds the day
        session.execute(text("SELECT pg_advisory_xact_lock(:id)"), {"id": lock_id(day)})
    found = session.execute(
        select(exists().where(TrafficRecord.day == day) | exists().where(LocationRecord.day == day))
    ).scalar()
    destroyed = not found and store.delete(day_name(day))
    session.commit()  # releases the lock only after the file is gone
    return destroyed
