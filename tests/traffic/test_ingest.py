"""Importing traffic and location records: bad lines reported and never written, idempotent on the source id,
identifying fields stored only encrypted."""

from __future__ import annotations

import json

from sqlmodel import Session, select

from tests.conftest import START
from tests.traffic.conftest import LINE_A, LINE_B, MASTER
from traffic import service
from traffic.models import LocationRecord, RetentionClass, TrafficRecord


def _call(source: str, **fields) -> dict:
    row = {"source_record_id": source, "kind": "call", "direction": "outgoing", "line": LINE_A,
           "start_at": "2026-03-09T10:00:00Z", "end_at": "2026-03-09T10:05:00Z", "other_party": "+441632960001",
           "cell_id": "234-15-1001-7", "trunk": "TRK1"}  # fmt: skip
    row.update(fields)
    return row


def _write_ndjson(path, rows) -> None:
    path.write_text("".join((r if isinstance(r, str) else json.dumps(r)) + "\n" for r in rows))


def test_bad_lines_are_reported_with_number_and_reason_and_none_written(tmp_path, engine, world, import_file):
    path = tmp_path / "records.ndjson"
    _write_ndjson(path, [
        _call("A1"),
        _call("A2", start_at="2026-03-09T10:00:00"),  # no offset
        "{not json",
        _call("A3", line="+447700900999"),  # no such line
        _call("A4", kind="fax"),
        _call("A5", user_id=10_000),  # not a user of the line
        _call("A6", end_at="2026-03-09T09:00:00Z"),
        {"record_type": "location", "source_record_id": "L1", "line": LINE_B, "observed_at": "2026-03-09T10:00:00Z",
         "latitude": "53.8", "longitude": "-1.55", "accuracy_m": "50"},
        {"record_type": "location", "source_record_id": "L2", "line": LINE_B, "observed_at": "2026-03-09T10:00:00Z"},
    ])  # fmt: skip
    report = import_file(path)
    assert report.written == 2
    assert report.bad_lines == 7
    reasons = dict(report.errors)
    assert reasons[2].startswith("start_at: needs a UTC offset")
    assert reasons[3].startswith("line: not JSON")
    assert reasons[4] == "line: no line of the provider has this number"
    assert reasons[5].startswith("kind: must be one of")
    assert reasons[6] == "user_id: is not a named user of this line"
    assert reasons[7] == "end_at: is before start_at"
    assert reasons[9] == "cell_id: give a cell id or coordinates"
    with Session(engine) as session:
        assert [r.source_record_id for r in session.exec(select(TrafficRecord))] == ["A1"]
        assert [r.source_record_id for r in session.exec(select(LocationRecord))] == ["L1"]


def test_identifying_fields_are_encrypted_and_found_by_keyed_hash(tmp_path, engine, world, import_file):
    path = tmp_path / "records.ndjson"
    _write_ndjson(path, [_call("A1", user_id=world.user_id)])
    import_file(path)
    with Session(engine) as session:
        record = session.exec(select(TrafficRecord)).one()
        assert b"441632960001" not in record.other_party_enc and b"1001" not in record.cell_enc
        assert record.other_party_hash and "441632960001" not in record.other_party_hash
        assert service.protected_fields(session, record, MASTER) == {
            "other_party": "+441632960001", "cell_id": "234-15-1001-7"}  # fmt: skip
        assert (record.line_id, record.subscriber_id, record.user_id) == (
            world.line_a,
            world.subscriber_id,
            world.user_id,
        )
        assert record.retention_class is RetentionClass.transmission
        assert record.duration_seconds == 300


def test_a_re_run_writes_and_counts_nothing_twice(tmp_path, engine, world, import_file):
    path = tmp_path / "records.csv"
    header = "source_record_id,kind,direction,line,start_at,end_at,bill_ref\n"
    rows = "".join(f"C{i},sms,incoming,{LINE_B},2026-03-0{1 + i % 5}T08:00:00+00:00,,BILL-1\n" for i in range(25))
    path.write_text(header + rows)
    first = import_file(path, batch_size=10)
    assert (first.written, first.already_stored, first.bad_lines) == (25, 0, 0)
    path.write_text(header + rows + f"C99,sms,incoming,{LINE_B},{START.isoformat()},,\n")
    second = import_file(path, batch_size=10)
    assert (second.written, second.already_stored, second.bad_lines) == (1, 25, 0)
    with Session(engine) as session:
        records = session.exec(select(TrafficRecord)).all()
        assert len(records) == 26
        assert {r.retention_class for r in records if r.bill_ref} == {RetentionClass.billing}


def test_the_api_takes_an_ndjson_batch_with_the_same_checks(api_client, engine, world):
    client = api_client("compliance_officer", scopes=["traffic:write"])
    body = json.dumps(_call("P1")) + "\n" + json.dumps(_call("P2", kind="telex")) + "\n"
    response = client.post("/api/v1/traffic/records", content=body, headers={"Content-Type": "application/x-ndjson"})
    assert response.status_code == 200, response.text
    assert response.json() == {"lines": 2, "written": 1, "already_stored": 0, "bad_lines": 1,
                               "errors": [{"line": 2, "field": "kind",
                                           "reason": response.json()["errors"][0]["reason"]}]}  # fmt: skip
    assert response.json()["errors"][0]["reason"].startswith("must be one of")
    again = client.post("/api/v1/traffic/records", content=body, headers={"Content-Type": "application/x-ndjson"})
    assert (again.json()["written"], again.json()["already_stored"]) == (0, 1)
    refused = api_client("compliance_officer", scopes=["traffic:read"]).post(
        "/api/v1/traffic/records", content=body, headers={"Content-Type": "application/x-ndjson"}
    )
    assert refused.status_code == 403


def test_a_source_id_twice_in_one_file_is_stored_once(tmp_path, engine, world, import_file):
    path = tmp_path / "twice.ndjson"
    _write_ndjson(path, [_call("D1"), _call("D2"), _call("D1")])
    report = import_file(path)
    assert (report.written, report.already_stored, report.bad_lines) == (2, 1, 0)
