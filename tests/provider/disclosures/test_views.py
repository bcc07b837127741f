"""The register's pages: record a request, decide it, see the report."""

from __future__ import annotations

from tests.conftest import csrf_from


def test_recording_and_deciding_a_request_through_the_pages(signed_in):
    officer = signed_in("compliance_officer")
    form = officer.get("/disclosures/new")
    values = {
        "received_at-day": "9",
        "received_at-month": "3",
        "received_at-year": "2026",
        "received_at-time": "09:00",
        "requesting_body": "Żandarmeria Wojskowa liaison",
        "legal_basis": "court_order",
        "legal_reference": "CO-1",
        "data_requested": "Call records for one line",
        "csrf_token": csrf_from(form.text),
    }
    created = officer.post("/disclosures/new", data=values)
    assert created.status_code == 303, created.text
    detail = officer.get(created.headers["location"])
    assert "Żandarmeria Wojskowa liaison" in detail.text and "Awaiting a decision" in detail.text
    missing = officer.post(
        f"{created.headers['location']}/decision", data={"decision": "refused", "csrf_token": csrf_from(detail.text)}
    )
    assert missing.status_code == 422 and "Enter the reasons for the decision" in missing.text
    decided = officer.post(
        f"{created.headers['location']}/decision",
        data={"decision": "refused", "reasons": "not necessary", "csrf_token": csrf_from(detail.text)},
    )
    assert decided.status_code == 303
    assert "Refused" in officer.get(created.headers["location"]).text
    report = officer.get("/disclosures/report?date_from=2026-03-01&date_to=2026-03-31")
    assert 'id="report-total"><strong>1</strong>' in report.text
    pdf = officer.get("/disclosures/report?date_from=2026-03-01&date_to=2026-03-31&format=pdf")
    assert pdf.headers["content-type"] == "application/pdf"


def test_an_empty_form_names_each_field(signed_in):
    officer = signed_in("compliance_officer")
    form = officer.get("/disclosures/new")
    posted = officer.post("/disclosures/new", data={"legal_basis": "court_order", "csrf_token": csrf_from(form.text)})
    assert posted.status_code == 422
    assert "Enter the requesting body" in posted.text and "Enter the data requested" in posted.text


def test_the_menu_shows_the_register_only_to_those_who_may_see_it(signed_in):
    assert "Disclosure requests" in signed_in("compliance_officer").get("/").text
    auditor = signed_in("auditor")
    assert "Disclosure requests" not in auditor.get("/").text
    assert auditor.get("/disclosures").status_code == 403
