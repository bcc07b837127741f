"""A sweep over many batches (on PostgreSQL, two connections deleting at once) leaves the receipt, id hash and
anonymous counts a sweep of one batch at a time in range order would."""

from __future__ import annotations

import hashlib
import json
from datetime import UTC, datetime

from sqlalchemy import func
from sqlmodel import Session, select

from tests.traffic.conftest import LINE_A, LINE_B
from traffic.models import ErasureReceipt, TrafficAggregate, TrafficRecord
from traffic.sweep import sweep

BATCH = 3


def test_a_sweep_of_many_batches_chains_the_receipt_in_range_order(tmp_path, engine, world, import_file):
    path = tmp_path / "r.ndjson"
    rows = [
        {"source_record_id": f"T{i}", "kind": "call" if i % 3 else "sms", "direction": "outgoing",
         "line": LINE_A if i % 2 else LINE_B, "start_at": f"2026-03-05T10:{i:02d}:00Z", "duration_seconds": str(i),
         **({"bill_ref": "B-1"} if i % 5 == 0 else {})}
        for i in range(40)
    ]  # fmt: skip
    path.write_text("".join(json.dumps(r) + "\n" for r in rows))
    assert import_file(path).written == 40
    assert import_file(path).written == 0  # a re-run writes nothing, so counts nothing
    with Session(engine) as session:
        stored = session.exec(select(TrafficRecord.id, TrafficRecord.retention_class)).all()
    expired = sorted(record_id for record_id, cls in stored if cls == "transmission")
    low = min(expired)
    expected = ""
    for start in range(low, max(expired) + 1, BATCH):
        batch = [i for i in expired if start <= i < start + BATCH]
        if batch:
            link = hashlib.sha256(",".join(map(str, batch)).encode()).hexdigest()
            expected = hashlib.sha256(f"{expected}traffic_record{link}".encode()).hexdigest()

    result = sweep(engine, now=datetime(2026, 3, 6, 12, tzinfo=UTC), batch=BATCH)

    assert (result.rows_erased, result.rows_anonymised, result.ids_hash) == (len(expired), len(expired), expected)
    with Session(engine) as session:
        receipt = session.get(ErasureReceipt, result.receipt_id)
        assert (receipt.status, receipt.rows_erased, receipt.ids_hash) == ("complete", len(expired), expected)
        assert json.loads(receipt.counts) == {"traffic.transmission": len(expired)}
        # counted once each at import, kept and erased alike, and not again by the sweep
        assert session.exec(select(func.sum(TrafficAggregate.records))).one() == 40
        seconds = sum(range(40))
        assert session.exec(select(func.sum(TrafficAggregate.seconds))).one() == seconds
        assert session.exec(select(func.count()).select_from(TrafficRecord)).one() == 40 - len(expired)
