"""A hold released before its end keeps nothing any longer: the records it held get their own retention
back at once, and the next sweep erases what is past it."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta

from sqlmodel import Session, select

from tests.conftest import START
from tests.traffic.conftest import ACTOR, LINE_A, LINE_B
from traffic.models import HoldBasis, RetentionClass, TrafficRecord
from traffic.retention import service
from traffic.retention.models import HoldCreate
from traffic.sweep import sweep


def _call(source: str, line: str, **fields) -> dict:
    return {"source_record_id": source, "kind": "call", "direction": "outgoing", "line": line,
            "start_at": "2026-03-05T10:00:00Z", "duration_seconds": 60, **fields}  # fmt: skip


def _import(import_file, tmp_path, rows) -> None:
    path = tmp_path / "h.ndjson"
    path.write_text("".join(json.dumps(r) + "\n" for r in rows))
    assert import_file(path).written == len(rows)


def _hold(engine, **scope) -> int:
    with Session(engine) as session:
        data = HoldCreate(basis=HoldBasis.court_order, reference="CO-7", **scope)
        hold = service.create_hold(session, data=data, actor=ACTOR, now=START)
        session.commit()
        return hold.id


def _retention(engine) -> dict[str, tuple[RetentionClass, datetime]]:
    with Session(engine) as session:
        return {r.source_record_id: (r.retention_class, r.retain_until) for r in session.exec(select(TrafficRecord))}


def test_an_early_release_brings_the_held_records_erasure_forward(engine, world, import_file, tmp_path):
    hold_end = START + timedelta(days=30)
    hold_id = _hold(engine, line_id=world.line_b, ends_at=hold_end)
    _hold(engine, line_id=world.line_a, ends_at=START + timedelta(days=60))  # another hold, not released
    _import(import_file, tmp_path, [_call("HELD", LINE_B), _call("BILLED", LINE_B, bill_ref="B-7"),
                                    _call("OTHER", LINE_A)])  # fmt: skip
    assert _retention(engine)["HELD"] == (RetentionClass.held, hold_end)
    released_at = START + timedelta(days=1)
    with Session(engine) as session:
        service.release_hold(session, hold_id=hold_id, actor=ACTOR, now=released_at)
        session.commit()
    assert _retention(engine) == {
        "HELD": (RetentionClass.transmission, datetime(2026, 3, 6, 10, 1, tzinfo=UTC)),
        "BILLED": (RetentionClass.billing, datetime(2027, 3, 5, 10, tzinfo=UTC)),
        "OTHER": (RetentionClass.held, START + timedelta(days=60)),
    }
    assert dict(sweep(engine, now=released_at).counts) == {"traffic.transmission": 1}
    assert set(_retention(engine)) == {"BILLED", "OTHER"}


def test_a_record_under_two_holds_stays_held_by_the_one_not_released(engine, world, import_file, tmp_path):
    short = _hold(engine, line_id=world.line_b, ends_at=START + timedelta(days=30))
    _hold(engine, subscriber_id=world.subscriber_id, ends_at=START + timedelta(days=20))
    _import(import_file, tmp_path, [_call("HELD", LINE_B)])
    with Session(engine) as session:
        service.release_hold(session, hold_id=short, actor=ACTOR, now=START + timedelta(days=1))
        session.commit()
    assert _retention(engine)["HELD"] == (RetentionClass.held, START + timedelta(days=20))


def test_a_disputed_bill_keeps_its_held_records_past_the_holds_end(engine, world, import_file, tmp_path):
    from traffic.models import BillStatus
    from traffic.retention.models import BillUpdate
    from traffic.rules import RetentionPolicy

    hold_end = START + timedelta(days=400)  # beyond the 12 months an unreported bill keeps its records
    _hold(engine, line_id=world.line_b, ends_at=hold_end)
    _import(import_file, tmp_path, [_call("DISPUTED", LINE_B, bill_ref="B-D"), _call("PAID", LINE_B, bill_ref="B-P"),
                                    _call("PLAIN", LINE_B)])  # fmt: skip
    assert _retention(engine)["DISPUTED"] == (RetentionClass.held, hold_end)
    with Session(engine) as session:  # both bills issued a year before the calls: their 12 months are past
        data = BillUpdate(status=BillStatus.paid, issued_at=datetime(2025, 3, 1, tzinfo=UTC))
        service.set_bill_status(session, bill_ref="B-P", data=data, actor=ACTOR, now=START, policy=RetentionPolicy())
        data = BillUpdate(status=BillStatus.disputed, issued_at=datetime(2025, 3, 1, tzinfo=UTC))
        _bill, moved, until = service.set_bill_status(
            session, bill_ref="B-D", data=data, actor=ACTOR, now=START, policy=RetentionPolicy()
        )
        session.commit()
    assert moved == 1 and until == datetime(2032, 3, 5, 10, tzinfo=UTC)  # the six-year limitation
    assert _retention(engine)["DISPUTED"] == (RetentionClass.billing, until)
    assert _retention(engine)["PAID"] == (RetentionClass.held, hold_end)  # the hold keeps it longer
    with Session(engine) as session:  # the hold ends: the job releases it, then the sweep runs
        service.release_ended_holds(session, actor=ACTOR, now=hold_end)
        session.commit()
    sweep(engine, now=hold_end + timedelta(hours=1))
    assert set(_retention(engine)) == {"DISPUTED"}
