"""Writing an import's checked batches: the day locks and key check (`traffic.key_locks`), savepoint, COPY
(executemany on SQLite), the re-run fallback, commit — in the caller's session, or in a background thread
on a connection of its own (see `traffic.ingest`)."""

from __future__ import annotations

from collections.abc import Mapping
from concurrent.futures import Future, ThreadPoolExecutor
from datetime import date
from typing import TYPE_CHECKING

from sqlalchemy import Connection, Engine, select, tuple_
from sqlalchemy.exc import IntegrityError
from sqlmodel import Session

from provider.db.bulk import write_rows
from provider.security.keystore import KeyStore
from traffic import aggregates, key_locks

if TYPE_CHECKING:
    from traffic.report import IngestReport


class Writer:
    """Writes each batch (savepoint, COPY, the re-run fallback) and commits it: in the caller's session, or
    (`background`) in a thread on a session of its own, one batch in flight at a time."""

    def __init__(self, session: Session, report: IngestReport, *, background: bool, store: KeyStore) -> None:
        self.report, self.background, self.store = report, background, store
        self._future: Future | None = None
        self._caller = session
        self._types: dict = {}  # the COPY's column types, read once per import
        self._connection: Connection | None = None
        if background:
            # A connection held for the whole import: a session on the engine gave its connection back at
            # each commit and took it again, with the pool's ping, twice a batch.
            self._connection = engine_of(session).connect()
            self.session = Session(bind=self._connection)
            self._pool = ThreadPoolExecutor(max_workers=1, thread_name_prefix="traffic-writer")
        else:
            self.session = session

    def submit(self, batch: list[tuple], keys_used: Mapping[date, bytes]) -> None:
        """Write `batch` ((table, columns, rows) each), whose rows were encrypted with `keys_used` (each
        day's key, wrapped as in its file)."""
        if not self.background:
            self._write_batch(batch, keys_used)
            return
        self._caller.commit()  # the batch's partitions, before any record that needs them
        self.wait()
        self._future = self._pool.submit(self._write_batch, batch, keys_used)

    def wait(self) -> None:
        future, self._future = self._future, None
        if future is not None:
            future.result()

    def close(self) -> None:
        if not self.background:
            return
        try:
            self.wait()
        finally:
            self._pool.shutdown(wait=True)
            self.session.close()
            if self._connection is not None:
                self._connection.close()

    def _write_batch(self, batch: list[tuple], keys_used: Mapping[date, bytes]) -> None:
        try:
            key_locks.hold_days(self.session, self.store, keys_used)
            for table, columns, rows in batch:
                self._write(table, columns, rows)
            self.session.commit()
        except BaseException:
            self.session.rollback()
            raise

    def _write(self, table, columns: tuple[str, ...], rows: list[tuple]) -> None:
        if not rows:
            return
        try:
            with self.session.begin_nested():
                write_rows(self.session, table, columns, rows, binary=True, types=self._types)
        except Exception as error:  # COPY raises the driver's own error, not SQLAlchemy's
            if not _is_unique_violation(error):
                raise
            rows = self._not_stored(table, _unique_in_batch(rows, self.report))
            write_rows(self.session, table, columns, rows, binary=True, types=self._types)
        if table.name == "traffic_record":
            aggregates.add_written(self.session, columns, rows)
        self.report.written += len(rows)

    def _not_stored(self, table, rows: list[tuple]) -> list[tuple]:
        stored: set[tuple] = set()
        keys_ = [(row[0], row[1]) for row in rows]
        for chunk in chunks(keys_, 1000):
            stored.update(
                tuple(found)
                for found in self.session.execute(
                    select(table.c.day, table.c.source_record_id).where(
                        tuple_(table.c.day, table.c.source_record_id).in_(chunk)
                    )
                )
            )
        known = {(_day_key(day), source) for day, source in stored}
        fresh = [row for row in rows if (_day_key(row[0]), row[1]) not in known]
        self.report.already_stored += len(rows) - len(fresh)
        return fresh


def engine_of(session: Session) -> Engine:
    bind = session.get_bind()
    return bind.engine if isinstance(bind, Connection) else bind


def _is_unique_violation(error: Exception) -> bool:
    return isinstance(error, IntegrityError) or getattr(error, "sqlstate", None) == "23505"


def _day_key(value: object) -> str:
    return str(value)[:10]


def _unique_in_batch(rows: list[tuple], report: IngestReport) -> list[tuple]:
    """A source id twice in one batch is stored once (the second counts as already stored)."""
    seen: set[tuple] = set()
    unique = []
    for row in rows:
        key = (row[0], row[1])
        if key in seen:
            report.already_stored += 1
            continue
        seen.add(key)
        unique.append(row)
    return unique


def chunks(items: list, size: int) -> list[list]:
    return [items[start : start + size] for start in range(0, len(items), size)]
