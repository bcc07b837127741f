"""The retention page shows the picture, the next sweep, holds and receipts; receipts export as CSV."""

from __future__ import annotations

import csv
import io
import json
from datetime import UTC, datetime

from sqlmodel import Session, select

from tests.conftest import START, csrf_from
from tests.traffic.conftest import LINE_A
from traffic.models import RetentionHold
from traffic.sweep import sweep


def test_the_retention_page_and_the_receipts_csv(tmp_path, engine, world, import_file, signed_in):
    path = tmp_path / "r.ndjson"
    rows = [{"source_record_id": f"R{i}", "kind": "sms", "direction": "incoming", "line": LINE_A,
             "start_at": "2026-03-01T10:00:00Z", "other_party": "+441632960009"} for i in range(3)]  # fmt: skip
    path.write_text("".join(json.dumps(r) + "\n" for r in rows))
    import_file(path)
    client = signed_in("auditor")
    page = client.get("/traffic/retention")
    assert page.status_code == 200
    assert "<svg" in page.text and "traffic.transmission" in page.text
    assert 'data-count="3"' in page.text  # the next sweep's bar
    assert "441632960009" not in page.text
    result = sweep(engine, now=START)
    exported = client.get("/traffic/retention/receipts.csv")
    assert exported.status_code == 200 and exported.headers["content-type"].startswith("text/csv")
    table = list(csv.DictReader(io.StringIO(exported.text)))
    assert [(r["id"], r["rows_erased"], r["ids_hash"]) for r in table] == [
        (str(result.receipt_id), "3", result.ids_hash)]  # fmt: skip
    assert "Nothing is due for erasure now." in client.get("/traffic/retention").text


def _hold_form(client, **fields):
    page = client.get("/traffic/retention")
    data = {"basis": "court_order", "reference": "CO/12", "ends_at-day": "1", "ends_at-month": "6",
            "ends_at-year": "2026", "ends_at-time": "12:00", "csrf_token": csrf_from(page.text), **fields}  # fmt: skip
    return client.post("/traffic/retention/holds", data=data, follow_redirects=False)


def test_staff_record_a_hold_on_a_line_and_release_it_early(engine, world, signed_in):
    officer = signed_in("compliance_officer")
    made = _hold_form(officer, line_number="07700 900001")
    assert made.status_code == 303, made.text
    with Session(engine) as session:
        (hold,) = session.exec(select(RetentionHold)).all()
    assert (hold.line_id, hold.subscriber_id) == (world.line_a, None)
    assert hold.ends_at == datetime(2026, 6, 1, 11, 0, tzinfo=UTC)  # 12:00 BST
    page = officer.get("/traffic/retention")
    assert "CO/12" in page.text and "Release now" in page.text
    released = officer.post(f"/traffic/retention/holds/{hold.id}/release", data={"csrf_token": csrf_from(page.text)},
                            follow_redirects=False)  # fmt: skip
    assert released.status_code == 303
    assert "No active holds." in officer.get("/traffic/retention").text


def test_the_hold_form_names_each_wrong_field_and_keeps_the_input(world, signed_in):
    officer = signed_in("compliance_officer")
    refused = _hold_form(officer, basis="ipa_retention_notice", reference="IPA/9", account_reference="NOPE",
                         line_number="not a number", **{"ends_at-year": ""})  # fmt: skip
    assert refused.status_code == 422
    assert "No subscriber has this account reference" in refused.text
    assert 'href="#line_number"' in refused.text and 'href="#ends_at' in refused.text
    assert 'value="IPA/9"' in refused.text
    twelve = _hold_form(officer, basis="ipa_retention_notice", reference="IPA/9", **{
        "date_from-day": "1", "date_from-month": "1", "date_from-year": "2025"})  # fmt: skip
    assert twelve.status_code == 422 and "at most 12 months" in twelve.text


def test_an_auditor_sees_holds_but_no_form_and_cannot_post_one(world, signed_in):
    auditor = signed_in("auditor")
    page = auditor.get("/traffic/retention")
    assert "Record a retention hold" not in page.text
    refused = auditor.post(
        "/traffic/retention/holds", data={"csrf_token": csrf_from(page.text)}, follow_redirects=False
    )
    assert refused.status_code == 403
