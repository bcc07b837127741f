"""The itemised-bill API: the subscriber's choice, the call list and the bill, on both databases."""

from __future__ import annotations

import io

from pypdf import PdfReader

LINE = "+447700900123"


def add_subscriber(api_client, reference: str = "ACC-1", number: str = LINE) -> int:
    response = api_client("compliance_officer").post(
        "/api/v1/subscribers",
        json={
            "kind": "individual",
            "name": "Zofia Wiśniewska",
            "address": "1 High Street, Leeds",
            "account_reference": reference,
            "lines": [{"number": number, "service": "mobile"}],
        },
    )
    assert response.status_code == 201, response.text
    return response.json()["id"]


CALLS = [
    {
        "source_ref": "c1",
        "line_number": "07700 900123",
        "started_at": "2026-02-28T23:30:00+00:00",
        "called_number": "+441134960000",
        "duration_seconds": 60,
        "charge_pence": 9,
    },
    {
        "source_ref": "c2",
        "line_number": LINE,
        "started_at": "2026-03-02T10:00:00+00:00",
        "called_number": "+441134960001",
        "duration_seconds": 125,
        "charge_pence": 20,
    },
    {
        "source_ref": "c3",
        "line_number": LINE,
        "started_at": "2026-03-03T10:00:00+00:00",
        "called_number": "08081570000",
        "duration_seconds": 900,
        "charge_pence": 0,
    },
    {
        "source_ref": "c4",
        "line_number": LINE,
        "started_at": "2026-03-04T10:00:00+00:00",
        "called_number": "116123",
        "duration_seconds": 1800,
        "charge_pence": 0,
    },
]


def test_a_bill_lists_paid_calls_of_the_month_and_counts_free_ones(api_client):
    subscriber = add_subscriber(api_client)
    client = api_client("agent")
    added = client.post(f"/api/v1/subscribers/{subscriber}/calls", json={"calls": CALLS})
    assert added.status_code == 201 and added.json() == {"added": 4, "already_present": 0}
    bill = client.get(f"/api/v1/subscribers/{subscriber}/bills/2026-03").json()
    assert bill["itemised"] is True
    assert [line["called_number"] for line in bill["lines"]] == ["+441134960001"]
    assert bill["totals"] == [{"category": "voice", "count": 3, "duration_seconds": 2825, "charge_pence": 20}]
    february = client.get(f"/api/v1/subscribers/{subscriber}/bills/2026-02").json()
    assert [line["called_number"] for line in february["lines"]] == ["+441134960000"]


def test_the_same_calls_sent_twice_are_added_once(api_client):
    subscriber = add_subscriber(api_client)
    client = api_client("agent")
    client.post(f"/api/v1/subscribers/{subscriber}/calls", json={"calls": CALLS})
    again = client.post(f"/api/v1/subscribers/{subscriber}/calls", json={"calls": CALLS})
    assert again.json() == {"added": 0, "already_present": 4}


def test_a_call_on_another_subscribers_line_refuses_the_whole_batch(api_client):
    subscriber = add_subscriber(api_client)
    add_subscriber(api_client, "ACC-2", "+447700900999")
    client = api_client("agent")
    other = [*CALLS[:2], {**CALLS[2], "line_number": "+447700900999"}]
    refused = client.post(f"/api/v1/subscribers/{subscriber}/calls", json={"calls": other})
    assert refused.status_code == 422
    assert refused.json()["errors"][0]["field"] == "calls.2.line_number"
    assert client.get(f"/api/v1/subscribers/{subscriber}/bills/2026-03").json()["totals"] == []


def test_opting_out_of_itemisation_applies_to_the_next_bill_and_is_kept_as_history(api_client, clock):
    subscriber = add_subscriber(api_client)
    client = api_client("agent")
    client.post(f"/api/v1/subscribers/{subscriber}/calls", json={"calls": CALLS})
    before = client.get(f"/api/v1/subscribers/{subscriber}/billing").json()
    assert before == {"subscriber_id": subscriber, "itemised": True, "default": True, "history": []}
    changed = client.put(f"/api/v1/subscribers/{subscriber}/billing", json={"itemised": False, "channel": "phone"})
    assert changed.status_code == 200 and changed.json()["itemised"] is False
    bill = client.get(f"/api/v1/subscribers/{subscriber}/bills/2026-03").json()
    assert bill["itemised"] is False and bill["lines"] == [] and bill["total_charge_pence"] == 20
    clock.advance(hours=1)
    client.put(f"/api/v1/subscribers/{subscriber}/billing", json={"itemised": True, "channel": "web"})
    history = client.get(f"/api/v1/subscribers/{subscriber}/billing").json()["history"]
    assert [(entry["itemised"], entry["channel"]) for entry in history] == [(True, "web"), (False, "phone")]


def test_a_request_dated_in_the_future_is_refused(api_client):
    subscriber = add_subscriber(api_client)
    response = api_client("agent").put(
        f"/api/v1/subscribers/{subscriber}/billing", json={"itemised": False, "requested_at": "2099-01-01T00:00:00Z"}
    )
    assert response.status_code == 422 and response.json()["errors"][0]["field"] == "requested_at"


def test_the_pdf_bill_carries_the_provider_and_no_free_call(api_client):
    subscriber = add_subscriber(api_client)
    client = api_client("agent")
    client.post(f"/api/v1/subscribers/{subscriber}/calls", json={"calls": CALLS})
    response = client.get(f"/api/v1/subscribers/{subscriber}/bills/2026-03", params={"format": "pdf"})
    assert response.status_code == 200 and response.headers["content-type"] == "application/pdf"
    text = "\n".join(page.extract_text() for page in PdfReader(io.BytesIO(response.content)).pages)
    assert "ACC-1" in text and "+441134960001" in text
    assert "08081570000" not in text and "116123" not in text


def test_bad_periods_and_numbers_are_422s_never_500s(api_client):
    subscriber = add_subscriber(api_client)
    client = api_client("agent")
    for period in ("2026-13", "9999-99", "2026-1x"):
        assert client.get(f"/api/v1/subscribers/{subscriber}/bills/{period}").status_code == 422
    bad = {**CALLS[1], "called_number": "0113\x00496"}
    assert client.post(f"/api/v1/subscribers/{subscriber}/calls", json={"calls": [bad]}).status_code == 422
    assert client.get("/api/v1/subscribers/999999/billing").status_code == 404


def test_reading_needs_billing_read_and_changing_needs_billing_write(api_client):
    subscriber = add_subscriber(api_client)
    assert api_client("breach_manager").get(f"/api/v1/subscribers/{subscriber}/billing").status_code == 403
    auditor = api_client("auditor")
    assert auditor.get(f"/api/v1/subscribers/{subscriber}/billing").status_code == 200
    assert auditor.put(f"/api/v1/subscribers/{subscriber}/billing", json={"itemised": False}).status_code == 403
