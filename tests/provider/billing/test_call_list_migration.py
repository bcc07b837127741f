"""Migration 0025_gaps: a call list imported before it, numbers in plain text, is sealed under period keys
wrapped by the master key `pecr migrate` runs with, each in its file of the key store (not the database),
given its retain-until, and the plain-text column goes;
downgrading brings the numbers back."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
import sqlalchemy as sa
from alembic import command
from sqlalchemy import Engine, inspect, text
from sqlmodel import Session, select

from provider.billing import keys
from provider.billing.models import BillCall
from provider.db.engine import make_engine
from provider.db.migrate import alembic_config, upgrade_engine
from provider.db.types import UTCDateTime
from provider.security.keystore import KeyStore
from tests.support.scratch import scratch_postgres

BEFORE = "0024_leavers_leaving_erasure"
MASTER = "the-master-key-pecr-migrate-runs-with"
AT = datetime(2026, 3, 10, 12, tzinfo=UTC)
CALLS = [  # (source_ref, started_at, called_number): 23:30 UTC on 31 March is 00:30 BST on 1 April
    ("r1", datetime(2026, 3, 31, 23, 30, tzinfo=UTC), "+441134960000"),
    ("r2", datetime(2026, 3, 2, 10, tzinfo=UTC), "08081570000"),
    ("r3", datetime(2024, 1, 5, 10, tzinfo=UTC), "+441134960009"),  # long expired: left to the nightly job
]


def _seed(engine: Engine) -> None:
    upgrade_engine(engine, BEFORE)
    stamp = UTCDateTime()
    subscriber = sa.table(*("subscriber", *(sa.column(name) for name in ("id", "kind", "name", "address", "email",
                            "phone", "account_reference", "name_key"))), sa.column("created_at", stamp),
                          sa.column("updated_at", stamp))  # fmt: skip
    calls = sa.table("billing_call", *(sa.column(name) for name in ("id", "subscriber_id", "line_number", "source_ref",
                     "called_number", "duration_seconds", "charge_pence", "category", "free_to_caller")),
                     sa.column("started_at", stamp))  # fmt: skip
    with engine.begin() as connection:
        connection.execute(subscriber.insert().values(
            id=1, kind="individual", name="Ann", address="1 Road", email="", phone="", account_reference="A-1",
            name_key="ann", created_at=AT, updated_at=AT,
        ))  # fmt: skip
        for index, (ref, started_at, number) in enumerate(CALLS, start=1):
            connection.execute(calls.insert().values(
                id=index, subscriber_id=1, line_number="+447700900123", source_ref=ref, called_number=number,
                duration_seconds=60, charge_pence=5, category="voice", free_to_caller=False, started_at=started_at,
            ))  # fmt: skip


def _check(engine: Engine, monkeypatch, key_store) -> None:
    monkeypatch.setenv("PECR_MASTER_KEY", MASTER)
    _seed(engine)
    upgrade_engine(engine)
    with engine.connect() as connection:
        assert "called_number" not in connection.execute(text("SELECT * FROM billing_call")).keys()
        assert "billing_data_key" not in inspect(connection).get_table_names()  # the keys are not in the database
    store = KeyStore(key_store)
    assert store.names() == ["billing-period:2024-01", "billing-period:2026-03", "billing-period:2026-04"]
    assert not [p for p in key_store.iterdir() if p.name.endswith(".tmp")]
    assert {p.stat().st_mode & 0o777 for p in key_store.iterdir()} == {0o600}  # private, as the store's own
    with Session(engine) as session:
        rows = {row.source_ref: row for row in session.exec(select(BillCall))}
        period_keys = keys.PeriodKeys(MASTER, store)
        for ref, _started_at, number in CALLS:
            row = rows[ref]
            assert number.encode() not in bytes(row.called_number_enc)
            opened = keys.envelope.open_sealed(
                period_keys.reader(row.period), keys.CALLED_NUMBER, row.called_number_enc
            )
            assert opened == number
        assert (rows["r1"].period, rows["r2"].period, rows["r3"].period) == ("2026-04", "2026-03", "2024-01")
        assert rows["r1"].retain_until == datetime(2027, 4, 30, 23, tzinfo=UTC)  # 1 May 2027, BST
        assert rows["r3"].retain_until == datetime(2025, 2, 1, tzinfo=UTC)
    command.downgrade(_config(engine), BEFORE)
    with engine.connect() as connection:
        plain = dict(connection.execute(text("SELECT source_ref, called_number FROM billing_call")).all())
    assert plain == {ref: number for ref, _started_at, number in CALLS}
    wrapped = {name: store.read(name).wrapped for name in store.names()}
    upgrade_engine(engine)  # and up again, with the key files already there: they are used, not replaced
    assert {name: store.read(name).wrapped for name in store.names()} == wrapped
    with Session(engine) as session:
        row = session.exec(select(BillCall).where(BillCall.source_ref == "r2")).one()
        opened = keys.envelope.open_sealed(keys.PeriodKeys(MASTER, store).reader("2026-03"), keys.CALLED_NUMBER,
                                           row.called_number_enc)  # fmt: skip
        assert opened == "08081570000"


def _config(engine: Engine):
    return alembic_config(engine.url.render_as_string(hide_password=False))


def test_the_migration_seals_a_plain_text_call_list_on_sqlite(tmp_path, monkeypatch, key_store):
    engine = make_engine(f"sqlite:///{tmp_path / 'old.db'}")
    try:
        _check(engine, monkeypatch, key_store)
    finally:
        engine.dispose()


def test_the_migration_seals_a_plain_text_call_list_on_postgresql(postgres_engine, monkeypatch, key_store):
    with scratch_postgres(postgres_engine, "billing_migration") as engine:
        _check(engine, monkeypatch, key_store)


@pytest.fixture(autouse=True)
def _no_stray_master_key(monkeypatch):
    monkeypatch.delenv("PECR_MASTER_KEY_FILE", raising=False)
