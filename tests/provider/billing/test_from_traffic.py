"""A bill is made from the traffic records the network carried when the traffic module holds them:
outgoing only, free calls counted and never listed, London months, and never mixed with a call list."""

from __future__ import annotations

import io
import json

from pypdf import PdfReader

from tests.provider.billing.test_api import CALLS, LINE, add_subscriber

OTHER_LINE = "+447700900999"


def _record(source: str, start: str, other: str | None, **fields) -> dict:
    row = {"source_record_id": source, "kind": "call", "direction": "outgoing", "line": LINE, "start_at": start,
           "duration_seconds": 90, "charge_pence": 25, "bill_ref": "B-10", **fields}  # fmt: skip
    if other is not None:
        row["other_party"] = other
    return row


RECORDS = [
    # 00:30 BST on 1 October is 23:30 UTC on 30 September: October's bill, September's partition.
    _record("t1", "2026-09-30T23:30:00Z", "+441134960101"),
    _record("t2", "2026-10-05T10:00:00Z", "08001111111", charge_pence=0),
    _record("t3", "2026-10-06T10:00:00Z", "116123", charge_pence=0),
    _record("t4", "2026-10-07T10:00:00Z", "+441134960102", direction="incoming"),
    _record("t5", "2026-10-08T10:00:00Z", "+447700900555", kind="sms", duration_seconds=0, charge_pence=10),
    _record("t6", "2026-10-09T10:00:00Z", None, kind="data", duration_seconds=600, charge_pence=50),
    _record("t7", "2026-10-31T23:59:00Z", "+441134960103"),  # 23:59 GMT on the 31st: still October
    _record("t8", "2026-09-30T22:59:00Z", "+441134960104"),  # 23:59 BST on 30 September: September
    _record("t9", "2026-10-10T10:00:00Z", "+441134960105", line=OTHER_LINE),  # another subscriber's line
]


def _load(api_client) -> int:
    subscriber = add_subscriber(api_client)
    add_subscriber(api_client, reference="ACC-2", number=OTHER_LINE)
    body = "".join(json.dumps(row) + "\n" for row in RECORDS)
    loaded = api_client("compliance_officer", scopes=["traffic:write"]).post(
        "/api/v1/traffic/records", content=body, headers={"Content-Type": "application/x-ndjson"}
    )
    assert loaded.status_code in (200, 201), loaded.text
    return subscriber


def test_an_itemised_bill_lists_outgoing_paid_traffic_of_the_london_month(api_client):
    subscriber = _load(api_client)
    bill = api_client("agent").get(f"/api/v1/subscribers/{subscriber}/bills/2026-10").json()
    assert bill["source"] == "traffic_records" and bill["itemised"] is True
    assert [line["called_number"] for line in bill["lines"]] == ["+441134960101", "+447700900555", "", "+441134960103"]
    totals = {total["category"]: (total["count"], total["charge_pence"]) for total in bill["totals"]}
    assert totals == {"voice": (4, 50), "sms": (1, 10), "data": (1, 50)}  # free calls count, incoming do not
    assert bill["total_charge_pence"] == 110
    september = api_client("agent").get(f"/api/v1/subscribers/{subscriber}/bills/2026-09").json()
    assert [line["called_number"] for line in september["lines"]] == ["+441134960104"]


def test_traffic_records_win_over_a_call_list_and_a_month_without_them_uses_the_list(api_client):
    subscriber = _load(api_client)
    october = [dict(call, started_at="2026-10-02T10:00:00+00:00") for call in CALLS]
    november = [
        dict(call, source_ref=f"{call['source_ref']}-n", started_at="2026-11-03T10:00:00+00:00") for call in CALLS
    ]
    added = api_client("agent").post(f"/api/v1/subscribers/{subscriber}/calls", json={"calls": october + november})
    assert added.status_code == 201, added.text
    bill = api_client("agent").get(f"/api/v1/subscribers/{subscriber}/bills/2026-10").json()
    assert bill["source"] == "traffic_records" and bill["total_charge_pence"] == 110
    from_list = api_client("agent").get(f"/api/v1/subscribers/{subscriber}/bills/2026-11").json()
    assert from_list["source"] == "call_list" and "+441134960001" in [
        line["called_number"] for line in from_list["lines"]
    ]


def test_the_pdf_of_a_totals_only_bill_from_traffic_names_its_source_and_no_number(api_client):
    subscriber = _load(api_client)
    agent = api_client("agent")
    assert agent.put(f"/api/v1/subscribers/{subscriber}/billing", json={"itemised": False}).status_code == 200
    bill = agent.get(f"/api/v1/subscribers/{subscriber}/bills/2026-10").json()
    assert bill["lines"] == [] and bill["total_charge_pence"] == 110
    pdf = agent.get(f"/api/v1/subscribers/{subscriber}/bills/2026-10", params={"format": "pdf"})
    text = " ".join(page.extract_text() for page in PdfReader(io.BytesIO(pdf.content)).pages)
    assert "Our network's records" in text and "£1.10" in text
    assert "4960101" not in text and "0800" not in text


def test_the_pdfs_total_row_adds_up_every_column_and_never_says_not_yet_known(api_client):
    subscriber = _load(api_client)
    pdf = api_client("agent").get(f"/api/v1/subscribers/{subscriber}/bills/2026-10", params={"format": "pdf"})
    text = " ".join(page.extract_text() for page in PdfReader(io.BytesIO(pdf.content)).pages)
    assert "Total 6 16:00 £1.10" in " ".join(text.split())  # 4 calls of 1:30, a text, a 10-minute session
    assert "Not yet known" not in text.split("Totals", 1)[1]


def test_a_day_whose_key_is_missing_is_billed_unlisted_and_said_so_never_an_error(api_client, signed_in, key_store):
    subscriber = _load(api_client)
    (key_store / "day-2026-10-08.key").unlink()  # the text's day: a key store not restored from backup
    bill = api_client("agent").get(f"/api/v1/subscribers/{subscriber}/bills/2026-10").json()
    assert [line["called_number"] for line in bill["lines"]] == ["+441134960101", "", "+441134960103"]
    assert bill["unreadable_calls"] == 1
    assert {total["category"]: total["count"] for total in bill["totals"]}["sms"] == 1  # still charged
    assert bill["total_charge_pence"] == 110
    page = signed_in("agent").get(f"/subscribers/{subscriber}/bills/2026-10")
    assert page.status_code == 200 and "1 call counted in the totals cannot be listed" in page.text
    pdf = api_client("agent").get(f"/api/v1/subscribers/{subscriber}/bills/2026-10", params={"format": "pdf"})
    text = " ".join(" ".join(page.extract_text() for page in PdfReader(io.BytesIO(pdf.content)).pages).split())
    assert "1 call counted in the totals could not be listed" in text and "+447700900555" not in text
