"""The imported call list is traffic data (PECR reg 7): the number called is stored only encrypted, under a
key per bill period, and each call is erased PECR_BILLING_CALL_LIST_MONTHS after its bill period, the
period's key with its last call; bills made from the list still show the numbers."""

from __future__ import annotations

import json
import sqlite3
from contextlib import closing
from datetime import UTC, date, datetime

import pytest
from sqlalchemy import func, inspect, text
from sqlmodel import Session, select

import provider.billing.jobs  # noqa: F401 - registers the erasure job
from provider.billing import bulk, keys
from provider.billing.models import BillCall
from provider.clock import FrozenClock
from provider.db.engine import make_engine
from provider.scheduler.registry import JobContext, get
from provider.security import envelope
from provider.security.actor import system_actor
from provider.security.keystore import KeyStore, StoredKey
from provider.security.models import AuditEvent
from provider.settings import Settings
from tests.provider.billing.test_api import CALLS, add_subscriber
from traffic import key_locks as traffic_key_locks
from traffic import keys as traffic_keys

NUMBERS = [call["called_number"] for call in CALLS]


@pytest.fixture
def imported(api_client):
    subscriber = add_subscriber(api_client)
    client = api_client("agent")
    assert client.post(f"/api/v1/subscribers/{subscriber}/calls", json={"calls": CALLS}).status_code == 201
    return subscriber, client


def test_the_number_called_is_stored_sealed_and_the_bill_still_shows_it(imported, engine, key_store):
    subscriber, client = imported
    with engine.connect() as connection:
        columns = connection.execute(text("SELECT * FROM billing_call")).keys()
        assert "called_number" not in columns  # no plain-text column left to fill by mistake
        stored = connection.execute(text("SELECT called_number_enc, period FROM billing_call")).all()
    assert len(stored) == 4
    for sealed, _period in stored:
        blob = bytes(sealed)
        assert all(number.encode() not in blob and number[-7:].encode() not in blob for number in NUMBERS)
    assert sorted(period for _sealed, period in stored) == ["2026-02", "2026-03", "2026-03", "2026-03"]
    bill = client.get(f"/api/v1/subscribers/{subscriber}/bills/2026-03").json()
    assert [line["called_number"] for line in bill["lines"]] == ["+441134960001"]
    assert keys.periods(KeyStore(key_store)) == ["2026-02", "2026-03"]  # one key file per bill period
    assert sorted(p.name for p in key_store.iterdir()) == ["billing-period-2026-02.key", "billing-period-2026-03.key"]
    with engine.connect() as connection:  # and none in the database, where a backup would hold it
        assert not [name for name in inspect(connection).get_table_names() if "key" in name]


def test_a_period_whose_key_is_missing_bills_its_calls_unlisted_never_an_error(imported, key_store):
    subscriber, client = imported
    (key_store / "billing-period-2026-03.key").unlink()  # a key store not restored from backup
    bill = client.get(f"/api/v1/subscribers/{subscriber}/bills/2026-03")
    assert bill.status_code == 200, bill.text
    assert bill.json()["lines"] == [] and bill.json()["unreadable_calls"] == 3  # free or not, none can be told
    assert bill.json()["totals"] == [{"category": "voice", "count": 3, "duration_seconds": 2825, "charge_pence": 20}]


def test_a_sealed_number_cannot_be_moved_to_another_period_or_read_with_another_master_key(
    imported, engine, settings, key_store
):
    with Session(engine) as session:
        february, march = (
            session.exec(select(BillCall).where(BillCall.source_ref == ref)).one() for ref in ("c1", "c2")
        )
        period_keys = keys.PeriodKeys(settings.master_key_value(), KeyStore(key_store))
        with pytest.raises(ValueError, match="cannot decrypt"):
            keys.envelope.open_sealed(period_keys.reader(march.period), keys.CALLED_NUMBER, february.called_number_enc)
        with pytest.raises(ValueError, match="wrong master key"):
            keys.PeriodKeys("another-master-key", KeyStore(key_store)).reader("2026-03")


def test_each_call_is_kept_twelve_months_after_its_london_bill_period(imported, engine):
    with Session(engine) as session:
        until = {row.source_ref: row.retain_until for row in session.exec(select(BillCall))}
    # c1 started at 23:30 UTC on 28 February: still February in London (GMT), so February's period
    assert until["c1"] == datetime(2027, 3, 1, tzinfo=UTC)
    assert until["c2"] == datetime(2027, 3, 31, 23, tzinfo=UTC)  # 00:00 BST on 1 April 2027


def test_a_call_the_list_no_longer_keeps_is_refused_naming_it(imported, api_client):
    subscriber, client = imported
    old = {**CALLS[1], "source_ref": "old", "started_at": "2025-02-27T10:00:00+00:00"}
    refused = client.post(f"/api/v1/subscribers/{subscriber}/calls", json={"calls": [CALLS[1], old]})
    assert refused.status_code == 422
    assert refused.json()["errors"][0]["field"] == "calls.1.started_at"
    assert "2025-02" in refused.json()["errors"][0]["reason"]


def _run_job(engine, now: datetime) -> int:
    context = JobContext(engine=engine, clock=FrozenClock(now), settings=Settings())
    return get("billing.call_list_erasure").func(context)


def _erasures(engine) -> list[dict]:
    with Session(engine) as session:
        events = session.exec(select(AuditEvent).where(AuditEvent.action == "billing.call_list_erased")).all()
        return [json.loads(event.after) for event in events]


def test_the_nightly_job_erases_expired_calls_and_their_periods_key_and_records_the_count(imported, engine, key_store):
    subscriber, client = imported
    assert _run_job(engine, datetime(2027, 2, 28, 23, 59, tzinfo=UTC)) == 0  # February's calls are not due yet
    assert _run_job(engine, datetime(2027, 3, 1, tzinfo=UTC)) == 1  # February 2026's one call goes
    with Session(engine) as session:
        assert sorted(row.source_ref for row in session.exec(select(BillCall))) == ["c2", "c3", "c4"]
    assert keys.periods(KeyStore(key_store)) == ["2026-03"]
    logged = _erasures(engine)
    assert [entry.get("rows_erased") for entry in logged if "rows_erased" in entry] == [1]
    assert [entry.get("keys_destroyed") for entry in logged if "keys_destroyed" in entry] == [1]
    assert all("441134960000" not in str(entry) for entry in logged)  # counts, never what the rows held
    assert _run_job(engine, datetime(2027, 3, 1, tzinfo=UTC)) == 0  # idempotent
    march = client.get(f"/api/v1/subscribers/{subscriber}/bills/2026-03").json()
    assert [line["called_number"] for line in march["lines"]] == ["+441134960001"]


def test_the_erasure_deletes_in_batches_and_counts_each(imported, engine, key_store):
    result = bulk.erase_expired_calls(
        engine, actor=system_actor("tests"), now=datetime(2027, 4, 1, tzinfo=UTC), batch=2
    )
    assert (result.rows, result.keys) == (4, 2)
    with Session(engine) as session:
        assert session.exec(select(func.count()).select_from(BillCall)).one() == 0
    assert keys.periods(KeyStore(key_store)) == []
    counted = [entry["rows_erased"] for entry in _erasures(engine) if "rows_erased" in entry]
    assert sum(counted) == 4 and len(counted) >= 2  # one event per batch that erased rows


def test_rotating_the_master_key_keeps_the_call_list_readable(imported, engine, settings, key_store):
    store, old, new = KeyStore(key_store), settings.master_key_value(), "the-new-master-key"
    before = {name: store.read(name).wrapped for name in store.names()}
    assert keys.rotate_master_key(store=store, old_master_key=old, new_master_key=new) == 2
    assert keys.rotate_master_key(store=store, old_master_key=old, new_master_key=new) == 0
    assert all(store.read(name).wrapped != wrapped for name, wrapped in before.items())  # each file re-wrapped
    with Session(engine) as session:
        row = session.exec(select(BillCall).where(BillCall.source_ref == "c2")).one()
        cipher = keys.PeriodKeys(new, store).reader(row.period)
        assert keys.envelope.open_sealed(cipher, keys.CALLED_NUMBER, row.called_number_enc) == "+441134960001"


def test_the_job_is_registered_through_the_billing_manifest():
    from provider.billing import MANIFEST

    assert MANIFEST.job_modules == ("provider.billing.jobs",)
    assert get("billing.call_list_erasure").trigger == "cron"


def test_pecr_billing_rotate_key_re_wraps_the_period_keys(imported, engine, settings, monkeypatch, tmp_path, key_store):
    from typer.testing import CliRunner

    from provider.billing import commands
    from provider.console.main import app

    old = tmp_path / "old.key"
    old.write_text(settings.master_key_value() + "\n")
    new = Settings(master_key="the-new-master-key")
    monkeypatch.setattr(commands, "_context", lambda: (new, engine, FrozenClock(datetime(2026, 3, 10, tzinfo=UTC))))
    result = CliRunner().invoke(app, ["billing", "rotate-key", "--old-key-file", str(old)])
    assert result.exit_code == 0, result.output
    assert "2 call-list keys re-wrapped" in result.output
    assert keys.PeriodKeys("the-new-master-key", KeyStore(key_store)).reader("2026-03") is not None


def test_a_backup_taken_before_the_erasure_cannot_read_the_call_list_after_it(imported, engine, key_store, tmp_path):
    """The period's key file goes with its last call; a copy of the database made before (a backup of the
    file on SQLite, the rows dumped on either) holds only ciphertext that no remaining key opens."""
    with Session(engine, expire_on_commit=False) as session:
        dumped = session.exec(select(BillCall)).all()
    backup = None
    if engine.dialect.name == "sqlite":
        backup = tmp_path / "backup.db"
        with closing(sqlite3.connect(engine.url.database)) as live, closing(sqlite3.connect(backup)) as copy:
            live.backup(copy)  # as `sqlite3 .backup` takes it, WAL pages included
    result = bulk.erase_expired_calls(engine, actor=system_actor("tests"), now=datetime(2027, 4, 1, tzinfo=UTC))
    assert (result.rows, result.keys) == (4, 2)
    assert not list(key_store.glob("billing-period-*.key"))
    period_keys = keys.PeriodKeys(Settings().master_key_value(), KeyStore(key_store))
    for row in dumped:
        with pytest.raises(keys.KeyDestroyed, match=row.period):
            period_keys.reader(row.period)
    if backup is not None:
        restored = make_engine(f"sqlite:///{backup}")
        with Session(restored) as session:
            rows = session.exec(select(BillCall)).all()
        restored.dispose()
        assert len(rows) == 4
        for row in rows:
            with pytest.raises(keys.KeyDestroyed):
                period_keys.reader(row.period)


def test_traffic_and_the_call_list_share_the_key_store_each_minding_only_its_own_files(engine, key_store):
    """Traffic's days, destruction and rotation skip the call list's files; the call list's skip traffic's."""
    store, old, new = KeyStore(key_store), "the-old-master-key", "the-new-master-key"
    store.create(StoredKey("day:2026-03-05", traffic_keys.wrap(old, "day:2026-03-05", bytes(32)),
                           traffic_keys.fingerprint(old), ""))  # fmt: skip
    writer = keys.PeriodKeys(old, store).writer("2026-03", now=datetime(2026, 3, 10, tzinfo=UTC))
    sealed = envelope.seal(writer, keys.CALLED_NUMBER, "+441134960001")
    assert store.names() == ["billing-period:2026-03", "day:2026-03-05"]
    assert store.days() == [date(2026, 3, 5)] and keys.periods(store) == ["2026-03"]
    assert traffic_keys.rotate_master_key(old_master_key=old, new_master_key=new, store=store) == 1
    assert keys.rotate_master_key(store=store, old_master_key=old, new_master_key=new) == 1
    with Session(engine) as session:
        assert traffic_key_locks.destroy_unused_keys(session, date(2030, 1, 1), store=store) == 1  # the day only
        assert keys.periods(store) == ["2026-03"]
        assert store.create(StoredKey("day:2026-03-06", b"w", "f", "")).name == "day:2026-03-06"
        assert keys.destroy_expired(session, datetime(2030, 1, 1, tzinfo=UTC), store=store, months=12,
                                    zone=Settings().zone) == 1  # fmt: skip
    assert store.names() == ["day:2026-03-06"]
    with pytest.raises(keys.KeyDestroyed):
        keys.PeriodKeys(new, store).reader("2026-03")
    assert sealed  # sealed under the key now destroyed
