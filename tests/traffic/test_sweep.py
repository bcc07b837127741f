"""The erasure sweep: what is past retain_until and unheld goes, with a receipt; re-runs change nothing;
a day's key goes with its last record, leaving old ciphertext unreadable."""

from __future__ import annotations

import hashlib
import json
from datetime import date, timedelta

import pytest
from sqlmodel import Session, select

from provider.security.keystore import KeyStore
from tests.conftest import START
from tests.traffic.conftest import LINE_A, LINE_B, MASTER
from traffic import keys, service
from traffic.models import ErasureReceipt, HoldBasis, RetentionHold, TrafficAggregate, TrafficRecord
from traffic.sweep import sweep


def _row(source: str, line: str, day: int, **fields) -> dict:
    row = {"source_record_id": source, "kind": "call", "direction": "outgoing", "line": line,
           "start_at": f"2026-03-0{day}T10:00:00Z", "duration_seconds": "60",
           "other_party": "+441632960001"}  # fmt: skip
    return {**row, **fields}


@pytest.fixture
def records(tmp_path, world, import_file):
    path = tmp_path / "r.ndjson"
    rows = [_row("T1", LINE_A, 5), _row("T2", LINE_A, 6, bill_ref="B-1"), _row("T3", LINE_B, 7)]
    path.write_text("".join(json.dumps(r) + "\n" for r in rows))
    assert import_file(path).written == 3
    return world


def _hold(session: Session, world, **fields) -> RetentionHold:
    hold = RetentionHold(basis=HoldBasis.court_order, reference="CO-1", line_id=world.line_b, starts_at=START,
                         ends_at=START + timedelta(days=30), created_at=START, **fields)  # fmt: skip
    session.add(hold)
    session.commit()
    return hold


def test_sweep_erases_the_expired_and_unheld_and_writes_a_receipt(engine, records, key_store):
    with Session(engine, expire_on_commit=False) as session:
        hold = _hold(session, records)
        erased_one = session.exec(select(TrafficRecord).where(TrafficRecord.source_record_id == "T1")).one()
    dry = sweep(engine, now=START, dry_run=True)
    assert dict(dry.counts) == {"traffic.transmission": 1} and dry.receipt_id is None
    result = sweep(engine, now=START, batch=100)
    assert dict(result.counts) == {"traffic.transmission": 1}
    assert (result.rows_erased, result.rows_anonymised, result.keys_destroyed) == (1, 1, 1)
    with Session(engine) as session:
        left = sorted(r.source_record_id for r in session.exec(select(TrafficRecord)))
        assert left == ["T2", "T3"]
        receipt = session.get(ErasureReceipt, result.receipt_id)
        assert receipt.status == "complete" and receipt.rows_erased == 1
        link = hashlib.sha256(str(erased_one.id).encode()).hexdigest()
        assert receipt.ids_hash == hashlib.sha256(f"traffic_record{link}".encode()).hexdigest()
        assert "441632960001" not in receipt.counts
        # the import counted every record; erasing one leaves its count as it was
        counted = session.exec(select(TrafficAggregate.day, TrafficAggregate.records, TrafficAggregate.seconds)).all()
        assert sorted(counted) == [(date(2026, 3, day), 1, 60) for day in (5, 6, 7)]
        assert KeyStore(key_store).days() == [date(2026, 3, 6), date(2026, 3, 7)]  # the 5th's file is gone
        with pytest.raises(keys.KeyDestroyed):  # a backup's copy of the row can no longer be read
            service.protected_fields(session, erased_one, MASTER)
    again = sweep(engine, now=START)
    assert (again.rows_erased, again.keys_destroyed, again.ids_hash) == (0, 0, "")
    with Session(engine, expire_on_commit=False) as session:
        hold = session.get(RetentionHold, hold.id)
        hold.released_at = START
        session.add(hold)
        session.commit()
    released = sweep(engine, now=START + timedelta(minutes=1))
    assert dict(released.counts) == {"traffic.transmission": 1}
    with Session(engine) as session:
        assert [r.source_record_id for r in session.exec(select(TrafficRecord))] == ["T2"]
        assert sum(r.rows_erased for r in session.exec(select(ErasureReceipt))) == 2


def test_an_ipa_hold_keeps_a_communication_only_12_months(engine, records):
    with Session(engine) as session:
        _hold(session, records, date_from=date(2026, 3, 1))
        session.exec(select(TrafficRecord)).all()
    later = START.replace(year=2027, month=3, day=8)
    with Session(engine, expire_on_commit=False) as session:
        for hold in session.exec(select(RetentionHold)):
            hold.basis, hold.ends_at = HoldBasis.ipa_retention_notice, START.replace(year=2027, month=4)
            session.add(hold)
        session.commit()
    assert sweep(engine, now=START).counts["traffic.transmission"] == 1  # T1 only: T3 is held
    assert sweep(engine, now=later).counts["traffic.transmission"] == 1  # T3: 12 months from 7 March 2026 passed
