"""Master-key rotation re-wraps data keys and leaves records as they were; a wrong key reads nothing."""

from __future__ import annotations

import json

import pytest
from sqlmodel import Session, select

from provider.security.keystore import KeyStore
from tests.conftest import START
from tests.traffic.conftest import ACTOR, LINE_A, MASTER
from traffic import keys, service
from traffic.models import TrafficRecord

NEW_MASTER = "test-master-key-two"


def test_rotation_rewraps_keys_without_touching_records(tmp_path, engine, world, import_file, key_store):
    path = tmp_path / "r.ndjson"
    row = {"source_record_id": "R1", "kind": "call", "direction": "incoming", "line": LINE_A,
           "start_at": "2026-03-09T10:00:00Z", "other_party": "+441632960123"}  # fmt: skip
    path.write_text(json.dumps(row) + "\n")
    import_file(path)
    with Session(engine, expire_on_commit=False) as session:
        before = session.exec(select(TrafficRecord)).one()
        store = KeyStore(key_store)
        wrapped_before = {name: store.read(name).wrapped for name in store.names()}
        assert sorted(wrapped_before) == ["day:2026-03-09", "lookup"]
        assert service.rotate_master_key(session, old_master_key=MASTER, new_master_key=NEW_MASTER, actor=ACTOR,
                                         now=START) == 2  # the day's key and the look-up key  # fmt: skip
        session.commit()
        assert service.rotate_master_key(session, old_master_key=MASTER, new_master_key=NEW_MASTER, actor=ACTOR,
                                         now=START) == 0  # a re-run changes nothing  # fmt: skip
    with Session(engine) as session:
        after = session.exec(select(TrafficRecord)).one()
        assert (after.other_party_enc, after.other_party_hash) == (before.other_party_enc, before.other_party_hash)
        assert all(store.read(name).wrapped != wrapped_before[name] for name in store.names())
        assert sorted(p.name for p in key_store.iterdir()) == ["day-2026-03-09.key", "lookup.key"]  # no temp left
        assert service.protected_fields(session, after, NEW_MASTER)["other_party"] == "+441632960123"
        with pytest.raises(ValueError, match="wrong master key"):
            service.protected_fields(session, after, MASTER)
        assert keys.Keyring(session, NEW_MASTER).number_hash("+441632960123") == after.other_party_hash
