"""Use cases of traffic records: import a file or a batch, read a record's protected fields, find records by
number, end consented retention on withdrawal, rotate the master key. Each change is audited."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from datetime import datetime
from pathlib import Path
from typing import Any

from sqlalchemy import Engine
from sqlmodel import Session

from provider.batching import no_cycle_collection
from provider.db.bulk import BATCH_SIZE
from provider.security import audit
from provider.security.actor import Actor
from provider.security.keystore import KeyStore
from traffic import consented, files, keys, lookup
from traffic.consent.models import DataKind
from traffic.consent.people import Person
from traffic.ingest import CELL, COORDINATES, OTHER, Ingest
from traffic.models import LocationRecord, RecordReadability, RecordSearch, RecordSearchPage, TrafficRecord
from traffic.report import IngestReport
from traffic.rules import RetentionPolicy

Progress = Callable[[int], None]
# A file's batch (one transaction each): each costs a few fixed statements (savepoint, partitions, the
# key-lock check, the counts, commit), which at 5,000 rows took a tenth of an import's time.
FILE_BATCH = 20_000
BLOCK_ROWS = 5000  # rows checked together by column: long enough for C-level passes, short for flat memory


def _run(ingest: Ingest, rows: Iterable[tuple[int, Any, str | None]], progress: Progress | None) -> IngestReport:
    for count, (line_no, row, reason) in enumerate(rows, start=1):
        if reason is not None:
            ingest.bad(line_no, reason)
        else:
            ingest.feed(line_no, row)
        if progress is not None and count % 1000 == 0:
            progress(count)
    ingest.flush()
    if progress is not None:
        progress(ingest.report.lines)
    return ingest.report


def _run_blocks(ingest: Ingest, path: Path, progress: Progress | None) -> IngestReport:
    """A CSV file, checked a block at a time by column (`Ingest.feed_block`)."""
    with path.open(encoding="utf-8", newline="") as handle:
        for names, numbers, rows, reason in files.csv_blocks(handle, min(ingest.batch_size, BLOCK_ROWS)):
            if reason is not None:
                ingest.bad(numbers[0], reason)
            else:
                ingest.feed_block(names, numbers, rows)
            if progress is not None:
                progress(ingest.report.lines)
    ingest.flush()
    if progress is not None:
        progress(ingest.report.lines)
    return ingest.report


def _audit(session: Session, actor: Actor, now: datetime, report: IngestReport, source: dict[str, Any]) -> None:
    audit.record(
        session, actor=actor, action="traffic.import", entity_type="traffic_import",
        entity_id=source.get("sha256", "api"), now=now,
        after={**source, "lines": report.lines, "written": report.written, "already_stored": report.already_stored,
               "bad_lines": report.bad_lines},
    )  # fmt: skip
    session.commit()


def import_file(
    engine: Engine,
    *,
    path: Path,
    actor: Actor,
    now: datetime,
    master_key: str,
    policy: RetentionPolicy,
    batch_size: int = FILE_BATCH,
    progress: Progress | None = None,
    store: KeyStore | None = None,
) -> IngestReport:
    """Import a CSV or NDJSON file: good lines committed batch by batch, bad ones reported (see traffic.ingest)."""
    # One connection held for the import: a session on the engine returns it at each batch's commit and
    # takes it again with the pool's ping.
    with engine.connect() as connection, Session(bind=connection, expire_on_commit=False) as session:
        ingest = Ingest(
            session, master_key=master_key, now=now, policy=policy, batch_size=batch_size, background=True, store=store
        )
        try:
            with no_cycle_collection():  # see Ingest.flush for the collection every so many batches
                if files.is_csv(path.name):
                    report = _run_blocks(ingest, path, progress)
                else:
                    report = _run(ingest, files.rows_of(path), progress)
        finally:
            ingest.close()
        _audit(session, actor, now, report, {"file": path.name, "sha256": files.sha256_of(path)})
    return report


def import_batch(
    session: Session,
    *,
    body: str,
    actor: Actor,
    now: datetime,
    master_key: str,
    policy: RetentionPolicy,
    store: KeyStore | None = None,
) -> IngestReport:
    """An NDJSON batch sent to the API: the same checks and the same choice as a file."""
    ingest = Ingest(session, master_key=master_key, now=now, policy=policy, batch_size=BATCH_SIZE, store=store)
    report = _run(ingest, files.rows_of_text(body), None)
    _audit(session, actor, now, report, {"source": "api"})
    return report


def protected_fields(
    session: Session, record: TrafficRecord | LocationRecord, master_key: str, store: KeyStore | None = None
) -> dict[str, str | None]:
    """The decrypted identifying fields of one record; `keys.KeyDestroyed` once its day's key is gone."""
    cipher = keys.Keyring(session, master_key, store=store).reader(record.day)

    def read(blob: bytes | None, field: bytes) -> str | None:
        return None if blob is None else keys.decrypt(cipher, field, blob)

    if isinstance(record, TrafficRecord):
        return {"other_party": read(record.other_party_enc, OTHER), "cell_id": read(record.cell_enc, CELL)}
    return {"cell_id": read(record.cell_enc, CELL), "coordinates": read(record.coordinates_enc, COORDINATES)}


def end_consented_retention(
    session: Session,
    *,
    person: Person,
    data_kind: DataKind,
    service: str,
    actor: Actor,
    now: datetime,
    policy: RetentionPolicy,
) -> int:
    """A withdrawn consent ends at once the retention it justified (see `traffic.consented`): the person's
    records kept for that service become due for the next sweep. Returns how many; the caller commits."""
    touched = consented.end_on_withdrawal(
        session, subscriber_id=person.subscriber.id, person_kind=person.kind, person_id=person.id,
        line_id=person.line_id, data_kind=data_kind, service=service, now=now, policy=policy,
    )  # fmt: skip
    audit.record(
        session, actor=actor, action="traffic.consented_retention_ended", entity_type="subscriber",
        entity_id=person.subscriber.id, now=now,
        after={"person_kind": person.kind, "person_id": person.id, "data_kind": data_kind, "service": service,
               "records": touched},
    )  # fmt: skip
    return touched


def rotate_master_key(
    session: Session,
    *,
    old_master_key: str,
    new_master_key: str,
    actor: Actor,
    now: datetime,
    store: KeyStore | None = None,
) -> int:
    """Re-wrap every key file under the new master key (records untouched), and audit it."""
    rewrapped = keys.rotate_master_key(old_master_key=old_master_key, new_master_key=new_master_key, store=store)
    audit.record(
        session, actor=actor, action="traffic.master_key_rotated", entity_type="traffic_key_store", entity_id="all",
        now=now, after={"keys_rewrapped": rewrapped, "fingerprint": keys.fingerprint(new_master_key)},
    )  # fmt: skip
    return rewrapped


def search_records(
    session: Session,
    *,
    search: RecordSearch,
    actor: Actor,
    now: datetime,
    master_key: str,
    store: KeyStore | None = None,
) -> RecordSearchPage:
    """Records by the other party's number (`traffic.lookup`). Reading a person's communications is
    recorded: who, which days and how many, never the number. The caller commits."""
    page = lookup.find_by_number(session, search=search, master_key=master_key, store=store)
    audit.record(
        session, actor=actor, action="traffic.records_searched", entity_type="traffic_record", entity_id="search",
        now=now,
        after={"from": search.from_day.isoformat(), "to": search.to_day.isoformat(), "records": len(page.records),
               "erased": sum(record.status == RecordReadability.erased for record in page.records)},
    )  # fmt: skip
    return page
