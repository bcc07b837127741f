"""GET /api/v1/breach-log and POST /api/v1/breach-log/{month}/submissions."""

from __future__ import annotations

import csv
import hashlib
import io
from datetime import UTC, datetime

import pytest

from tests.breach.log.factories import add_breach, add_profile, pdf_text


@pytest.mark.parametrize("month", ["2026-13", "2026-00", "March", "2026-3", "20260-1", "9999-99", "2200-12"])
def test_a_bad_month_is_a_422_naming_month(api_client, month):
    response = api_client("auditor").get("/api/v1/breach-log", params={"month": month})
    assert response.status_code == 422
    assert response.headers["content-type"].startswith("application/problem+json")
    assert [error["field"] for error in response.json()["errors"]] == ["month"]


def test_a_missing_or_absurd_month_or_format_is_a_422_never_a_500(api_client):
    client = api_client("auditor")
    assert client.get("/api/v1/breach-log").status_code == 422
    assert client.get("/api/v1/breach-log", params={"month": "x" * 5000}).status_code == 422
    assert client.get("/api/v1/breach-log", params={"month": "2026-03", "format": "docx"}).status_code == 422
    posted = api_client("breach_manager").post(
        "/api/v1/breach-log/2026-13/submissions", json={"sent_at": "2026-04-02T10:00:00+01:00"}
    )
    assert posted.status_code == 422 and posted.json()["errors"][0]["field"] == "month"


def test_json_lists_the_months_breaches_and_its_due_time(api_client, engine, clock):
    breach = add_breach(engine, aware_at=datetime(2026, 3, 31, 23, 30, tzinfo=UTC), now=clock.now())
    client = api_client("auditor")
    april = client.get("/api/v1/breach-log", params={"month": "2026-04"}).json()
    march = client.get("/api/v1/breach-log", params={"month": "2026-03"}).json()
    assert [row["reference"] for row in april["rows"]] == [breach.reference]
    assert april["nil_return"] is False
    assert march["rows"] == [] and march["nil_return"] is True
    assert march["due_at"] == "2026-04-07T23:00:00Z"
    assert march["submission"] is None


def test_csv_and_pdf_downloads(api_client, engine, clock):
    add_profile(engine, clock.now())
    breach = add_breach(engine, aware_at=datetime(2026, 3, 3, tzinfo=UTC), now=clock.now(), summary="Lost tablet")
    client = api_client("auditor")
    as_csv = client.get("/api/v1/breach-log", params={"month": "2026-03", "format": "csv"})
    assert as_csv.status_code == 200 and as_csv.headers["content-type"].startswith("text/csv")
    assert 'filename="breach-log-2026-03.csv"' in as_csv.headers["content-disposition"]
    (row,) = list(csv.DictReader(io.StringIO(as_csv.content.decode("utf-8-sig"))))
    assert row["Breach reference"] == breach.reference and row["Facts (summary)"] == "Lost tablet"
    as_pdf = client.get("/api/v1/breach-log", params={"month": "2026-03", "format": "pdf"})
    assert as_pdf.headers["content-type"] == "application/pdf"
    assert breach.reference in pdf_text(as_pdf.content)


def test_reading_needs_breach_read_and_recording_needs_breach_write(api_client, client):
    assert client.get("/api/v1/breach-log", params={"month": "2026-03"}).status_code == 401
    assert api_client("agent").get("/api/v1/breach-log", params={"month": "2026-03"}).status_code == 403
    scoped = api_client("breach_manager", scopes=["provider:read"])
    assert scoped.get("/api/v1/breach-log", params={"month": "2026-03"}).status_code == 403
    response = api_client("auditor").post(
        "/api/v1/breach-log/2026-03/submissions", json={"sent_at": "2026-04-02T10:00:00+01:00"}
    )
    assert response.status_code == 403


def test_recording_a_submission_then_reading_it_back(api_client, engine, clock):
    add_profile(engine, clock.now())
    clock.set(datetime(2026, 4, 10, 12, 0, tzinfo=UTC))
    client = api_client("breach_manager")
    exported = client.get("/api/v1/breach-log", params={"month": "2026-03", "format": "pdf"})
    pdf, content_sha256 = exported.content, exported.headers["X-Content-SHA256"]
    response = client.post(
        "/api/v1/breach-log/2026-03/submissions",
        json={
            "sent_at": "2026-04-09T10:00:00+01:00",
            "method": "email",
            "recipient": "ICO casework",
            "note": "nil return",
            "expected_pdf_sha256": content_sha256,
        },
    )
    assert response.status_code == 201, response.text
    body = response.json()
    assert body["nil_return"] is True and body["late_by_seconds"] == 34 * 3600 and body["sent_by"]
    assert "Produced" in pdf_text(pdf)
    again = client.post("/api/v1/breach-log/2026-03/submissions", json={"sent_at": "2026-04-09T10:00:00+01:00"})
    assert again.status_code == 409
    listed = client.get("/api/v1/breach-log/2026-03/submissions").json()
    assert [item["id"] for item in listed] == [body["id"]]
    stored = client.get("/api/v1/breach-log/2026-03/submissions/document.pdf")
    assert hashlib.sha256(stored.content).hexdigest() == body["pdf_sha256"]
    view = client.get("/api/v1/breach-log", params={"month": "2026-03"}).json()
    assert view["submission"]["id"] == body["id"] and view["obligation"]["status"] == "met"


def test_a_naive_sending_time_is_refused_naming_the_field(api_client, engine, clock):
    add_profile(engine, clock.now())
    response = api_client("breach_manager").post(
        "/api/v1/breach-log/2026-02/submissions", json={"sent_at": "2026-03-02T10:00:00"}
    )
    assert response.status_code == 422 and response.json()["errors"][0]["field"] == "sent_at"


def test_over_long_fields_are_422(api_client):
    response = api_client("breach_manager").post(
        "/api/v1/breach-log/2026-02/submissions",
        json={
            "sent_at": "2026-03-02T10:00:00Z",
            "note": "n" * 2001,
            "recipient": "r" * 255,
            "expected_pdf_sha256": "zz",
        },
    )
    assert response.status_code == 422
    assert {error["field"] for error in response.json()["errors"]} == {"note", "recipient", "expected_pdf_sha256"}
