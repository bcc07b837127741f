"""Re-hashing the other party of stored traffic records over the number's matching form.

Records imported before the keyed hash was taken over `provider.subscribers.phone.matching_form` carry an
HMAC of the number as written, so a search in another form of the same number misses them. This walks the
rows that hold an encrypted other party in id order, a batch at a time (keyset on id, so memory stays flat
and no batch re-reads an earlier one), decrypts each with its day's key, and writes the new hash only where
it differs: one set-based UPDATE per batch, each batch its own transaction. An interrupted run loses at most
its open batch, and a second run finds every hash already right and writes nothing.

A day whose key was destroyed (or a field that no longer decrypts) cannot be read: its rows are counted as
unreadable and left as they are; their numbers are gone, so no search could honestly find them anyway.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import asdict, dataclass
from datetime import datetime

from cryptography.exceptions import InvalidTag
from sqlalchemy import BigInteger, Date, Engine, String, bindparam, column, func, select, update, values
from sqlmodel import Session

from provider.db.bulk import is_postgres
from provider.security import audit
from provider.security.actor import Actor
from provider.security.keystore import KeyStore
from traffic import keys
from traffic.ingest import OTHER
from traffic.models import TrafficRecord as Record

REHASH_BATCH = 5000
Progress = Callable[[int], None]
TABLE = Record.__table__


@dataclass
class RehashResult:
    read: int = 0
    rehashed: int = 0
    unchanged: int = 0
    unreadable: int = 0


def _numbers(keyring: keys.Keyring, rows, result: RehashResult) -> list[tuple[object, str]]:
    """Each readable row with its decrypted other party; unreadable rows counted and dropped."""
    readable = []
    for row in rows:
        try:
            readable.append((row, keys.decrypt(keyring.reader(row.day), OTHER, row.other_party_enc)))
        except (keys.KeyDestroyed, InvalidTag):
            result.unreadable += 1
    return readable


def _changes(keyring: keys.Keyring, rows, result: RehashResult) -> list[dict]:
    readable = _numbers(keyring, rows, result)
    hashes = keyring.number_hashes([number for _row, number in readable])
    changes = [
        {"b_id": row.id, "b_day": row.day, "b_hash": wanted}
        for (row, _number), wanted in zip(readable, hashes, strict=True)
        if wanted != row.other_party_hash
    ]
    result.rehashed += len(changes)
    result.unchanged += len(readable) - len(changes)
    return changes


def _write(session: Session, changes: list[dict]) -> None:
    """One UPDATE joined to a VALUES list on PostgreSQL, matched on (id, day): the primary key of every
    daily partition, so each row is found by index in its own partition. On SQLite, executemany of one
    keyed UPDATE, as its other bulk paths do: one prepared statement, no round trip to a server."""
    if is_postgres(session):
        given = values(column("id", BigInteger), column("day", Date), column("hash", String), name="given").data(
            [(change["b_id"], change["b_day"], change["b_hash"]) for change in changes]
        )
        statement = (
            update(TABLE)
            .where(TABLE.c.id == given.c.id, TABLE.c.day == given.c.day)
            .values(other_party_hash=given.c.hash)
        )
        session.execute(statement)
        return
    statement = (
        update(TABLE)
        .where(TABLE.c.id == bindparam("b_id"), TABLE.c.day == bindparam("b_day"))
        .values(other_party_hash=bindparam("b_hash"))
    )
    session.connection().execute(statement, changes)


def _batch(session: Session, after: int, batch: int):
    statement = (
        select(Record.id, Record.day, Record.other_party_enc, Record.other_party_hash)
        .where(Record.other_party_enc.is_not(None), Record.id > after)
        .order_by(Record.id)
        .limit(batch)
    )
    return session.execute(statement).all()


def rehash(
    engine: Engine,
    *,
    master_key: str,
    store: KeyStore | None = None,
    batch: int = REHASH_BATCH,
    dry_run: bool = False,
    progress: Progress | None = None,
) -> RehashResult:
    """Bring every readable record's other_party_hash to the hash of its number's matching form; with
    `dry_run`, count what would change and write nothing."""
    result, after = RehashResult(), 0
    while True:
        with Session(engine) as session:
            rows = _batch(session, after, batch)
            if not rows:
                return result
            result.read += len(rows)
            changes = _changes(keys.Keyring(session, master_key, store=store), rows, result)
            if changes and not dry_run:
                _write(session, changes)
            session.commit()
        after = rows[-1].id
        if progress is not None:
            progress(result.read)


def count_rows(engine: Engine) -> int:
    """How many rows a run reads: the progress bar's total."""
    with Session(engine) as session:
        statement = select(func.count()).select_from(TABLE).where(TABLE.c.other_party_enc.is_not(None))
        return session.execute(statement).scalar_one()


def audit_run(engine: Engine, *, actor: Actor, now: datetime, result: RehashResult) -> None:
    """One event for the run: counts only, never a number or a hash."""
    with Session(engine) as session:
        audit.record(
            session, actor=actor, action="traffic.rehash", entity_type="traffic_record", entity_id="other_party_hash",
            now=now, after=asdict(result),
        )  # fmt: skip
        session.commit()
