"""The sweep never destroys a day's key that an import is writing with, and an import never commits rows
whose key was destroyed before it committed (`traffic.key_locks`).

The PostgreSQL tests run the two sides on two real connections in two threads. A side is paused inside
its transaction, just before it commits, by a `before_commit` listener on its session: the code under
test runs unchanged, only the moment of its commit is chosen by the test.
"""

from __future__ import annotations

import json
import threading
from collections.abc import Iterator
from concurrent.futures import Future, ThreadPoolExecutor
from contextlib import contextmanager
from datetime import date, timedelta

import pytest
from sqlalchemy import Engine, event, func
from sqlmodel import Session, select

from provider.security.keystore import KeyStore
from tests.conftest import START
from tests.traffic.conftest import ACTOR, LINE_A, MASTER
from traffic import key_locks, service
from traffic.ingest import Ingest
from traffic.models import TrafficRecord
from traffic.rules import RetentionPolicy

DAY = date(2026, 3, 5)
LATER = date(2030, 1, 1)  # every day of the store is a candidate for the sweep
WAIT_SECONDS = 1.0


def _line(source: str) -> dict[str, str]:
    return {"source_record_id": source, "kind": "call", "direction": "outgoing", "line": LINE_A,
            "start_at": "2026-03-05T10:00:00Z", "duration_seconds": "60", "other_party": "+441632960001"}  # fmt: skip


def _ingest(session: Session, store: KeyStore) -> Ingest:
    return Ingest(session, master_key=MASTER, now=START, policy=RetentionPolicy(), batch_size=1000, store=store)


class PausedCommit:
    """Holds a session at its `nth` commit (inside the transaction, its work done) until `release()`, or
    the end of its `with` block, so a failing test never leaves a thread waiting."""

    def __init__(self, session: Session, nth: int = 1) -> None:
        self.reached, self._go, self._seen, self._nth = threading.Event(), threading.Event(), 0, nth
        event.listen(session, "before_commit", self._before_commit)

    def _before_commit(self, _session: Session) -> None:
        self._seen += 1
        if self._seen == self._nth:
            self.reached.set()
            assert self._go.wait(30), "the test never released the paused commit"

    def release(self) -> None:
        self._go.set()

    def __enter__(self) -> PausedCommit:
        return self

    def __exit__(self, *_exception: object) -> None:
        self.release()


@contextmanager
def _two_sides(engine: Engine, *, paused: str, nth: int = 1) -> Iterator[tuple]:
    """An importing and a sweeping session, two threads to run them, and one of them paused at a commit."""
    with Session(engine) as importing, Session(engine) as sweeping, ThreadPoolExecutor(max_workers=2) as pool:
        with PausedCommit(importing if paused == "importing" else sweeping, nth) as pause:
            yield importing, sweeping, pool, pause


def _records(engine: Engine) -> int:
    with Session(engine) as session:
        return session.exec(select(func.count()).select_from(TrafficRecord)).one()


def _still_waiting(future: Future) -> bool:
    try:
        future.result(timeout=WAIT_SECONDS)
    except TimeoutError:
        return True
    return False


def _postgres_only(engine: Engine) -> None:
    if engine.dialect.name != "postgresql":
        pytest.skip("two connections writing at once: PostgreSQL (SQLite has one writer, see the tests below)")


def test_the_sweep_waits_for_an_open_import_transaction_of_the_day_and_then_keeps_its_key(engine, world, key_store):
    """The import has made the day's key and written its rows, not yet committed: a sweep now sees no
    record of the day. It must wait for the import's transaction, then find the rows and keep the key."""
    _postgres_only(engine)
    store = KeyStore(key_store)
    # paused at the writer's batch commit: the day held, its rows written
    with _two_sides(engine, paused="importing") as (importing, sweeping, pool, paused):
        imported = pool.submit(service.import_batch, importing, body=_json(_line("T1")), actor=ACTOR, now=START,
                               master_key=MASTER, policy=RetentionPolicy(), store=store)  # fmt: skip
        assert paused.reached.wait(30)
        assert (key_store / "day-2026-03-05.key").exists() and _records(engine) == 0
        swept = pool.submit(key_locks.destroy_unused_keys, sweeping, LATER, store)
        assert _still_waiting(swept), "the sweep went on while an import held the day"
        assert (key_store / "day-2026-03-05.key").exists()
        paused.release()
        assert imported.result(timeout=30).written == 1
        assert swept.result(timeout=30) == 0
    with Session(engine) as session:
        record = session.exec(select(TrafficRecord)).one()
        assert service.protected_fields(session, record, MASTER, store=store)["other_party"] == "+441632960001"


def test_an_import_waits_for_a_sweep_holding_the_day_and_then_writes_nothing_under_the_destroyed_key(
    engine, world, key_store
):
    """The import took the day's key before the sweep locked the day; the sweep has deleted the file and
    not yet committed. The import's batch must wait for the sweep, then fail, and commit no row."""
    _postgres_only(engine)
    store = KeyStore(key_store)
    # paused at the sweep's second commit (its first ends the look for candidates): the file deleted, the day held
    with _two_sides(engine, paused="sweeping", nth=2) as (importing, sweeping, pool, paused):
        ingest = _ingest(importing, store)
        ingest.keyring.cipher(DAY)  # the import has taken the day's key
        importing.commit()
        swept = pool.submit(key_locks.destroy_unused_keys, sweeping, LATER, store)
        assert paused.reached.wait(30)
        assert not (key_store / "day-2026-03-05.key").exists()  # deleted, the day still locked
        ingest.feed(1, _line("T1"))
        flushed = pool.submit(ingest.flush)
        assert _still_waiting(flushed), "the import wrote while the sweep held the day"
        paused.release()
        assert swept.result(timeout=30) == 1
        with pytest.raises(key_locks.KeyGone, match="2026-03-05.*run the import again"):
            flushed.result(timeout=30)
    assert _records(engine) == 0


def test_an_import_that_finds_its_key_made_anew_writes_nothing_and_a_rerun_writes_under_the_new_key(
    engine, world, key_store
):
    """On either database: the import took the day's key; the sweep destroyed it and another import made a
    new key for the day. The batch fails (no row under the old key), and the import run again succeeds."""
    store = KeyStore(key_store)
    with Session(engine, expire_on_commit=False) as importing:
        ingest = _ingest(importing, store)
        ingest.keyring.cipher(DAY)
        importing.commit()
        with Session(engine) as sweeping:
            assert key_locks.destroy_unused_keys(sweeping, LATER, store) == 1
        with Session(engine) as other:
            _ingest(other, store).keyring.cipher(DAY)  # another import makes the day's key again
            other.commit()
        ingest.feed(1, _line("T1"))
        with pytest.raises(key_locks.KeyGone, match="was replaced"):
            ingest.flush()
        importing.rollback()
    assert _records(engine) == 0
    with Session(engine) as session:
        report = service.import_batch(session, body=_json(_line("T1")), actor=ACTOR, now=START, master_key=MASTER,
                                      policy=RetentionPolicy(), store=store)  # fmt: skip
        assert report.written == 1
        record = session.exec(select(TrafficRecord)).one()
        assert service.protected_fields(session, record, MASTER, store=store)["other_party"] == "+441632960001"


def test_the_day_lock_number_is_a_stable_signed_64_bit_integer():
    assert key_locks.lock_id(DAY) == key_locks.lock_id(date(2026, 3, 5)) != key_locks.lock_id(date(2026, 3, 6))
    assert -(2**63) <= key_locks.lock_id(DAY) < 2**63


def _json(line: dict[str, str]) -> str:
    return json.dumps(line) + "\n"


def test_imports_and_sweeps_running_together_never_leave_a_record_without_its_key(engine, world, key_store, tmp_path):
    """The file import as operators run it (on PostgreSQL its batches written by a background thread on a
    connection of its own) against a sweep destroying unused keys over and over: an import the sweep beat
    fails with KeyGone and is run again, as the error says; in the end every record reads."""
    _postgres_only(engine)
    store, stop, destroyed = KeyStore(key_store), threading.Event(), []

    def sweep_until_stopped() -> None:
        with Session(engine) as sweeping:
            while not stop.is_set():
                destroyed.append(key_locks.destroy_unused_keys(sweeping, LATER, store))

    days = [date(2026, 1, 1) + timedelta(days=n) for n in range(12)]
    with ThreadPoolExecutor(max_workers=1) as pool:
        sweeper = pool.submit(sweep_until_stopped)
        try:
            for day in days:
                path = tmp_path / f"{day}.ndjson"
                path.write_text(_json({**_line(f"T-{day}"), "start_at": f"{day}T10:00:00Z"}))
                for _attempt in range(20):
                    try:
                        service.import_file(engine, path=path, actor=ACTOR, now=START, master_key=MASTER,
                                            policy=RetentionPolicy(), store=store)  # fmt: skip
                        break
                    except key_locks.KeyGone:
                        continue
                else:
                    pytest.fail(f"the import of {day} never got past the sweep")
        finally:
            stop.set()
            sweeper.result(timeout=30)
    with Session(engine) as session:
        records = session.exec(select(TrafficRecord)).all()
        assert sorted(record.day for record in records) == days
        for record in records:
            assert service.protected_fields(session, record, MASTER, store=store)["other_party"] == "+441632960001"
    assert len(destroyed) > 1  # the sweep ran all along
