"""Bills, holds and alerts through the API: retain-until moves set-based; an IPA hold over 12 months is refused."""

from __future__ import annotations

import json
from datetime import UTC, datetime

from sqlmodel import Session, select

from tests.traffic.conftest import LINE_A, LINE_B, give_consent
from traffic.models import LocationRecord, RetentionClass, TrafficRecord


def _import(import_file, tmp_path, rows):
    path = tmp_path / "r.ndjson"
    path.write_text("".join(json.dumps(r) + "\n" for r in rows))
    return import_file(path)


def _billed(source: str) -> dict:
    return {"source_record_id": source, "kind": "call", "direction": "outgoing", "line": LINE_A,
            "start_at": "2026-03-01T10:00:00Z", "duration_seconds": 60, "bill_ref": "BILL-9"}  # fmt: skip


def test_a_bill_status_moves_its_records_retain_until(tmp_path, engine, world, import_file, api_client):
    _import(import_file, tmp_path, [_billed("B1"), _billed("B2")])
    client = api_client("compliance_officer", scopes=["traffic:write"])
    disputed = client.put("/api/v1/bills/BILL-9", json={"status": "disputed", "issued_at": "2026-03-05T00:00:00Z"})
    assert disputed.status_code == 200, disputed.text
    assert disputed.json()["records_updated"] == 2
    assert disputed.json()["retain_until"].startswith("2032-03-01T10:00:00")
    resolved = client.put("/api/v1/bills/BILL-9", json={"status": "resolved", "resolved_at": "2026-09-01T00:00:00Z"})
    assert resolved.json()["retain_until"].startswith("2027-03-05")  # 12 months after the bill outlasts 28 days
    with Session(engine) as session:
        assert {r.retain_until for r in session.exec(select(TrafficRecord))} == {datetime(2027, 3, 5, tzinfo=UTC)}
    assert client.put("/api/v1/bills/BILL-9", json={"status": "lost"}).status_code == 422
    naive = client.put("/api/v1/bills/BILL-9", json={"status": "paid", "issued_at": "2026-03-05T00:00:00"})
    assert naive.status_code == 422 and "issued_at" in naive.text


def test_holds_are_recorded_with_an_end_obligation_and_ipa_over_12_months_refused(engine, world, api_client):
    client = api_client("compliance_officer", scopes=["traffic:write", "traffic:read"])
    refused = client.post("/api/v1/traffic/holds", json={
        "basis": "ipa_retention_notice", "reference": "IPA/1", "line_id": world.line_a,
        "date_from": "2026-01-01", "ends_at": "2027-02-01T00:00:00Z"})  # fmt: skip
    assert refused.status_code == 422
    assert "12 months" in refused.text
    made = client.post("/api/v1/traffic/holds", json={
        "basis": "court_order", "reference": "CO/7", "subscriber_id": world.subscriber_id,
        "ends_at": "2026-06-01T00:00:00Z"})  # fmt: skip
    assert made.status_code == 201, made.text
    released = client.post(f"/api/v1/traffic/holds/{made.json()['id']}/release")
    assert released.json()["released_at"] is not None
    assert [h["reference"] for h in client.get("/api/v1/traffic/holds").json()] == ["CO/7"]


def test_an_alert_period_sets_its_location_records_erasure(tmp_path, engine, world, import_file, api_client):
    client = api_client("compliance_officer", scopes=["traffic:write"])
    assert client.put("/api/v1/traffic/alerts/EA-1", json={"test": True, "period_end": "2026-03-09T12:00:00Z"})
    rows = [{"record_type": "location", "source_record_id": "L1", "line": LINE_B, "observed_at": "2026-03-09T11:00:00Z",
             "cell_id": "234-15-1-1", "source": "emergency_alert", "alert_ref": "EA-1"}]  # fmt: skip
    assert _import(import_file, tmp_path, rows).written == 1
    with Session(engine) as session:
        record = session.exec(select(LocationRecord)).one()
        assert record.retention_class is RetentionClass.emergency_alert
        assert record.retain_until == datetime(2026, 3, 11, 12, tzinfo=UTC)
    later = client.put("/api/v1/traffic/alerts/EA-1", json={"test": False, "period_end": "2026-03-10T12:00:00Z"})
    assert later.json()["records_updated"] == 1 and later.json()["erase_by"].startswith("2026-03-17T12:00")


def test_bills_from_csv_apply_good_rows_and_report_bad_ones(tmp_path, engine, world, import_file):
    from tests.traffic.conftest import ACTOR
    from traffic.retention.bills import import_bills
    from traffic.rules import RetentionPolicy

    _import(import_file, tmp_path, [_billed("B1")])
    path = tmp_path / "bills.csv"
    path.write_text("bill_ref,status,issued_at\nBILL-9,unpaid,2026-03-05T00:00:00Z\nBILL-8,lost,\n,paid,\n")
    with Session(engine) as session:
        report = import_bills(session, path=path, actor=ACTOR, now=datetime(2026, 3, 10, tzinfo=UTC),
                              policy=RetentionPolicy())  # fmt: skip
        session.commit()
    assert (report.rows, report.applied, report.records_updated) == (3, 1, 1)
    assert [line for line, _ in report.errors] == [3, 4]
    assert report.errors[0][1].startswith("status:")
    with Session(engine) as session:
        assert session.exec(select(TrafficRecord)).one().retain_until == datetime(2032, 3, 1, 10, tzinfo=UTC)


def test_a_leaver_keeps_billed_records_and_loses_consented_ones(tmp_path, engine, world, import_file, api_client):
    consented = {**_billed("V1"), "bill_ref": "", "consented_service": "Traffic alerts"}
    give_consent(engine, datetime(2026, 2, 1, tzinfo=UTC), world, service="Traffic alerts")
    _import(import_file, tmp_path, [_billed("B1"), consented])
    client = api_client("compliance_officer", scopes=["traffic:write"])
    answer = client.post(f"/api/v1/traffic/subscribers/{world.subscriber_id}/leaving").json()
    assert answer["consented_ended"] == 1 and answer["can_be_erased"] is False
    assert set(answer["kept"]) == {"traffic.billing", "traffic.consented"}
    assert answer["kept"]["traffic.billing"]["until"].startswith("2027-03-01")


def test_ended_holds_are_released_by_the_job_and_their_obligation_met(engine, world, clock):
    from provider.scheduler.registry import JobContext
    from provider.settings import Settings
    from tests.traffic.conftest import ACTOR
    from traffic.jobs import release_holds
    from traffic.models import HoldBasis, RetentionHold
    from traffic.retention import service
    from traffic.retention.models import HoldCreate

    with Session(engine) as session:
        data = HoldCreate(basis=HoldBasis.crime, reference="CR/1", ends_at=datetime(2026, 3, 11, tzinfo=UTC))
        hold = service.create_hold(session, data=data, actor=ACTOR, now=clock.now())
        session.commit()
        hold_id = hold.id
    context = JobContext(engine=engine, clock=clock, settings=Settings())
    assert release_holds(context) == 0
    clock.set(datetime(2026, 3, 11, 0, 5, tzinfo=UTC))
    assert release_holds(context) == 1 and release_holds(context) == 0
    with Session(engine) as session:
        assert session.get(RetentionHold, hold_id).released_at == datetime(2026, 3, 11, tzinfo=UTC)
