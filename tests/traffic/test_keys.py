"""Master-key rotation re-wraps data keys and leaves records as they were; a wrong key reads nothing."""

from __future__ import annotations

import json

import pytest
from sqlmodel import Session, select

from tests.conftest import START
from tests.traffic.conftest import ACTOR, LINE_A, MASTER
from traffic import keys, service
from traffic.models import DataKey, TrafficRecord

NEW_MASTER = "test-master-key-two"


def test_rotation_rewraps_keys_without_touching_records(tmp_path, engine, world, import_file):
    path = tmp_path / "r.ndjson"
    row = {"source_record_id": "R1", "kind": "call", "direction": "incoming", "line": LINE_A,
           "start_at": "2026-03-09T10:00:00Z", "other_party": "+441632960123"}  # fmt: skip
    path.write_text(json.dumps(row) + "\n")
    import_file(path)
    with Session(engine, expire_on_commit=False) as session:
        before = session.exec(select(TrafficRecord)).one()
        wrapped_before = {k.name: k.wrapped_key for k in session.exec(select(DataKey))}
        assert service.rotate_master_key(session, old_master_key=MASTER, new_master_key=NEW_MASTER, actor=ACTOR,
                                         now=START) == 2  # the day's key and the look-up key  # fmt: skip
        session.commit()
        assert service.rotate_master_key(session, old_master_key=MASTER, new_master_key=NEW_MASTER, actor=ACTOR,
                                         now=START) == 0  # a re-run changes nothing  # fmt: skip
    with Session(engine) as session:
        after = session.exec(select(TrafficRecord)).one()
        assert (after.other_party_enc, after.other_party_hash) == (before.other_party_enc, before.other_party_hash)
        assert all(k.wrapped_key != wrapped_before[k.name] for k in session.exec(select(DataKey)))
        assert service.protected_fields(session, after, NEW_MASTER)["other_party"] == "+441632960123"
        with pytest.raises(ValueError, match="wrong master key"):
            service.protected_fields(session, after, MASTER)
        assert keys.Keyring(session, NEW_MASTER).number_hash("+441632960123") == after.other_party_hash
