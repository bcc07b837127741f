"""The key store lives outside the database: a backup of the database cannot be read once the sweep has
destroyed its day's key; two importers creating one day's key at once agree on one key; a missing key
reads as destroyed, and a missing look-up key stops an import instead of orphaning every stored hash."""

from __future__ import annotations

import json
import sqlite3
import threading
from contextlib import closing
from datetime import date
from pathlib import Path

import pytest
from sqlalchemy import Engine
from sqlmodel import Session, select

from provider.db.engine import make_engine
from provider.security.keystore import KeyStore, StoredKey
from tests.conftest import START
from tests.traffic.conftest import LINE_A, MASTER
from traffic import keys, service
from traffic.models import TrafficRecord
from traffic.sweep import sweep

DAY = date(2026, 3, 5)


def _copy(source: Path, target: Path) -> None:
    with closing(sqlite3.connect(source)) as reading, closing(sqlite3.connect(target)) as writing:
        reading.backup(writing)


def _write(path, *sources: str) -> None:
    rows = [{"source_record_id": source, "kind": "call", "direction": "outgoing", "line": LINE_A,
             "start_at": "2026-03-05T10:00:00Z", "duration_seconds": "60", "other_party": "+441632960001"}
            for source in sources]  # fmt: skip
    path.write_text("".join(json.dumps(row) + "\n" for row in rows))


def test_a_restored_sqlite_backup_cannot_be_read_once_the_sweep_destroyed_the_day_key(
    tmp_path, engine: Engine, world, import_file, key_store
):
    """Copy the database file, let the sweep erase the day and destroy its key, put the copy back: its rows
    are there again, their ciphertext is not readable (the key was never in the database)."""
    if engine.dialect.name != "sqlite":
        pytest.skip("a file copy is SQLite's backup; the row-dump test below runs on PostgreSQL")
    source = tmp_path / "r.ndjson"
    _write(source, "T1")
    assert import_file(source).written == 1
    database = Path(engine.url.database)
    backup = tmp_path / "backup.db"
    _copy(database, backup)  # the backup, as `sqlite3 .backup` takes it (WAL pages included)
    result = sweep(engine, now=START, store=KeyStore(key_store))
    assert (result.rows_erased, result.keys_destroyed) == (1, 1)
    assert KeyStore(key_store).days() == []
    engine.dispose()
    _copy(backup, database)  # the restore
    restored = make_engine(f"sqlite:///{database}")
    with Session(restored) as session:
        record = session.exec(select(TrafficRecord)).one()
        assert record.other_party_enc is not None
        with pytest.raises(keys.KeyDestroyed, match="2026-03-05"):
            service.protected_fields(session, record, MASTER)
    restored.dispose()


def test_rows_dumped_before_the_sweep_cannot_be_read_after_it(tmp_path, engine, world, import_file, key_store):
    """The same on either database: a dump of the rows taken before the sweep holds only ciphertext."""
    source = tmp_path / "r.ndjson"
    _write(source, "T1", "T2")
    assert import_file(source).written == 2
    with Session(engine, expire_on_commit=False) as session:
        dumped = session.exec(select(TrafficRecord)).all()
        assert service.protected_fields(session, dumped[0], MASTER)["other_party"] == "+441632960001"
    assert sweep(engine, now=START).keys_destroyed == 1
    assert not (key_store / "day-2026-03-05.key").exists() and (key_store / "lookup.key").exists()
    with Session(engine) as session:
        for row in dumped:
            with pytest.raises(keys.KeyDestroyed):
                service.protected_fields(session, row, MASTER)


def test_a_day_with_records_and_no_key_file_reads_as_destroyed(tmp_path, engine, world, import_file, key_store):
    source = tmp_path / "r.ndjson"
    _write(source, "T1")
    import_file(source)
    (key_store / "day-2026-03-05.key").unlink()
    with Session(engine) as session:
        record = session.exec(select(TrafficRecord)).one()
        with pytest.raises(keys.KeyDestroyed):
            service.protected_fields(session, record, MASTER)


def test_an_import_stops_when_the_lookup_key_is_missing_but_hashed_records_exist(
    tmp_path, engine, world, import_file, key_store
):
    """E.g. the key store's volume is not mounted: a fresh look-up key would make every stored number
    unfindable, so nothing is written and the store is named."""
    source = tmp_path / "r.ndjson"
    _write(source, "T1")
    import_file(source)
    (key_store / "lookup.key").unlink()
    _write(source, "T2")
    with pytest.raises(keys.KeyStoreMissing, match="look-up key"):
        import_file(source)
    assert not (key_store / "lookup.key").exists()


def test_two_importers_creating_the_same_day_key_at_once_agree_on_one(engine, key_store):
    """Each thread has its own store object and keyring, as two processes would; a barrier lines them up."""
    days = [date(2026, 3, day) for day in range(1, 21)]
    ciphers: dict[int, dict[date, object]] = {0: {}, 1: {}}
    barrier = threading.Barrier(2)

    def create(which: int) -> None:
        with Session(engine) as session:
            keyring = keys.Keyring(session, MASTER, START, KeyStore(key_store))
            for day in days:
                barrier.wait()
                ciphers[which][day] = keyring.cipher(day)

    threads = [threading.Thread(target=create, args=(which,)) for which in (0, 1)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    for day in days:
        sealed = keys.encrypt(ciphers[0][day], b"other_party", "+441632960001")
        assert keys.decrypt(ciphers[1][day], b"other_party", sealed) == "+441632960001"
    assert KeyStore(key_store).days() == days
    assert not [p for p in key_store.iterdir() if p.name.endswith(".tmp")]


def test_the_loser_of_a_creation_race_gets_the_winners_key(key_store):
    store = KeyStore(key_store)
    first = store.create(StoredKey("day:2026-03-05", b"winner", "fp", ""))
    second = store.create(StoredKey("day:2026-03-05", b"loser", "fp", ""))
    assert first.wrapped == second.wrapped == b"winner"
    assert store.read("day:2026-03-05").wrapped == b"winner"
