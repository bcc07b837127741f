"""Migration 0023 moves every live wrapped key out of the database into the key store, and drops the table:
the master key still opens each moved key, a destroyed key (no wrapped bytes) stays destroyed."""

from __future__ import annotations

from datetime import date

from sqlalchemy import LargeBinary, bindparam, inspect, text

from provider.db.engine import make_engine
from provider.db.migrate import upgrade_engine
from provider.db.types import UTCDateTime
from provider.security.keystore import KeyStore
from tests.conftest import START
from tests.traffic.conftest import MASTER
from traffic import keys

KEY = bytes(range(32))


def test_the_migration_moves_live_keys_into_files_and_drops_the_table(tmp_path, key_store):
    engine = make_engine(f"sqlite:///{tmp_path / 'old.db'}")
    upgrade_engine(engine, "0022_security_risk_resume")
    insert = text(
        "INSERT INTO traffic_data_key (id, name, day, wrapped_key, master_fingerprint, created_at) "
        "VALUES (:id, :name, :day, :wrapped, :fp, :at)"
    ).bindparams(bindparam("wrapped", type_=LargeBinary()), bindparam("at", type_=UTCDateTime()))
    with engine.begin() as connection:
        for number, (name, day, wrapped) in enumerate(
            [
                ("day:2026-03-05", date(2026, 3, 5), keys.wrap(MASTER, "day:2026-03-05", KEY)),
                ("day:2026-03-04", date(2026, 3, 4), None),  # destroyed before the move
                ("lookup", None, keys.wrap(MASTER, "lookup", KEY[::-1])),
            ],
            start=1,
        ):
            connection.execute(
                insert,
                {"id": number, "name": name, "day": day, "wrapped": wrapped, "fp": keys.fingerprint(MASTER),
                 "at": START},
            )  # fmt: skip
    upgrade_engine(engine)
    assert "traffic_data_key" not in inspect(engine).get_table_names()
    store = KeyStore(key_store)
    assert store.names() == ["day:2026-03-05", "lookup"]
    assert keys.unwrap(MASTER, "day:2026-03-05", store.read("day:2026-03-05").wrapped) == KEY
    assert keys.unwrap(MASTER, "lookup", store.read("lookup").wrapped) == KEY[::-1]
    engine.dispose()
