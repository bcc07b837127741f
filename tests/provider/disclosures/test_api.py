"""The disclosure register's API on both databases: requests, decisions, disclosures, procedure, report."""

from __future__ import annotations

import csv
import io

from pypdf import PdfReader

REQUEST = {
    "received_at": "2026-03-09T09:00:00+00:00",
    "requesting_body": "West Yorkshire Police",
    "legal_basis": "ipa_authorisation",
    "legal_reference": "IPA/2026/0042",
    "data_requested": "Subscriber details for +447700900123",
}


def test_a_request_is_decided_and_disclosed_and_the_report_counts_it(api_client, clock):
    client = api_client("compliance_officer")
    saved = client.put("/api/v1/disclosures/procedure", json={"title": "Handling requests", "body": "Step 1: check."})
    assert saved.status_code == 200 and saved.json()["version"] == 1
    created = client.post("/api/v1/disclosures", json=REQUEST)
    assert created.status_code == 201, created.text
    item = created.json()
    assert item["decision"] == "pending" and item["procedure_version_id"] == saved.json()["version_id"]
    too_early = client.post(f"/api/v1/disclosures/{item['id']}/disclosure", json={"summary": "name and address"})
    assert too_early.status_code == 422 and too_early.json()["errors"][0]["field"] == "summary"
    decided = client.post(
        f"/api/v1/disclosures/{item['id']}/decision", json={"decision": "disclosed", "reasons": "valid"}
    )
    assert decided.status_code == 200 and decided.json()["decided_by"]
    disclosed = client.post(f"/api/v1/disclosures/{item['id']}/disclosure", json={"summary": "name and address"})
    assert disclosed.status_code == 200 and disclosed.json()["disclosed_at"]
    refused = client.post("/api/v1/disclosures", json={**REQUEST, "legal_basis": "court_order"}).json()
    client.post(
        f"/api/v1/disclosures/{refused['id']}/decision", json={"decision": "refused", "reasons": "out of scope"}
    )
    report = client.get(
        "/api/v1/disclosures/report", params={"date_from": "2026-03-01", "date_to": "2026-03-31"}
    ).json()
    assert report["total"] == 2
    assert {row["name"]: row["count"] for row in report["by_decision"]}["refused"] == 1
    assert {row["name"]: row["count"] for row in report["by_legal_basis"]}["ipa_authorisation"] == 1
    april = client.get("/api/v1/disclosures/report", params={"date_from": "2026-04-01", "date_to": "2026-04-30"})
    assert april.json()["total"] == 0


def test_a_procedure_used_by_a_request_is_kept_and_a_change_makes_version_two(api_client):
    client = api_client("compliance_officer")
    client.put("/api/v1/disclosures/procedure", json={"title": "Handling", "body": "v1"})
    client.post("/api/v1/disclosures", json=REQUEST)
    changed = client.put(
        "/api/v1/disclosures/procedure",
        json={"title": "Handling", "body": "v2", "material_change": True, "material_change_note": "new step"},
    )
    assert changed.json()["version"] == 2
    assert [v["body"] for v in client.get("/api/v1/disclosures/procedure").json()] == ["v1", "v2"]


def test_report_as_csv_and_pdf(api_client):
    client = api_client("compliance_officer")
    client.post("/api/v1/disclosures", json=REQUEST)
    params = {"date_from": "2026-03-01", "date_to": "2026-03-31"}
    as_csv = client.get("/api/v1/disclosures/report", params={**params, "format": "csv"})
    rows = list(csv.reader(io.StringIO(as_csv.content.decode("utf-8-sig"))))
    assert rows[2][0] == "Reference" and rows[3][2] == "West Yorkshire Police"
    as_pdf = client.get("/api/v1/disclosures/report", params={**params, "format": "pdf"})
    text = "\n".join(page.extract_text() for page in PdfReader(io.BytesIO(as_pdf.content)).pages)
    assert "Requests received" in text and "West Yorkshire Police" in text


def test_the_register_is_hidden_from_auditors_agents_and_breach_managers(api_client):
    for role in ("auditor", "agent", "breach_manager"):
        assert api_client(role).get("/api/v1/disclosures").status_code == 403
    assert api_client("compliance_officer").get("/api/v1/disclosures").status_code == 200


def test_bad_input_is_a_422_naming_the_field(api_client):
    client = api_client("compliance_officer")
    future = client.post("/api/v1/disclosures", json={**REQUEST, "received_at": "2099-01-01T00:00:00Z"})
    assert future.status_code == 422 and future.json()["errors"][0]["field"] == "received_at"
    nobody = client.post("/api/v1/disclosures", json={**REQUEST, "subscriber_id": 424242})
    assert nobody.status_code == 422 and nobody.json()["errors"][0]["field"] == "subscriber_id"
    nul = client.post("/api/v1/disclosures", json={**REQUEST, "requesting_body": "Police\x00"})
    assert nul.status_code == 422
    backwards = client.get("/api/v1/disclosures/report", params={"date_from": "2026-03-02", "date_to": "2026-03-01"})
    assert backwards.status_code == 422
    assert client.get("/api/v1/disclosures/9223372036854775807").status_code == 404
