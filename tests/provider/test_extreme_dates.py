"""Dates and times outside 1900..2200, and numbers given as dates, are a 422 naming the field on both
databases; a streamed export runs its query before it answers 200 (issue 7). Years 1 and 9999 with
±14:00 offsets used to overflow Python's datetime (a 500)."""

from __future__ import annotations

import html

import pytest
from sqlmodel import Session

from provider.web.streams import primed
from tests.breach.notices.conftest import add_breach
from tests.breach.test_api import CREATED
from tests.breach.test_views import MINIMAL
from tests.conftest import csrf_from

LATE = "9999-12-31T23:00:00-14:00"
EARLY = "0001-01-01T00:00:00+14:00"
RANGE = "between the years 1900 and 2200"


def _fields(response) -> dict[str, str]:
    assert response.status_code == 422, response.text
    return {error["field"]: error["reason"] for error in response.json()["errors"]}


@pytest.fixture
def manager(api_client):
    return api_client("admin")


@pytest.mark.parametrize("moment", [LATE, EARLY])
def test_breach_create_and_edit(manager, moment):
    assert _fields(manager.post("/api/v1/breaches", json={**CREATED, "detected_at": moment})) == {
        "detected_at": f"must be {RANGE}"
    }
    breach_id = manager.post("/api/v1/breaches", json=CREATED).json()["id"]
    assert "aware_at" in _fields(manager.patch(f"/api/v1/breaches/{breach_id}", json={"aware_at": moment}))
    assert "occurred_at" in _fields(manager.patch(f"/api/v1/breaches/{breach_id}", json={"occurred_at": moment}))


def test_a_number_is_not_a_date(manager):
    assert "detected_at" in _fields(manager.post("/api/v1/breaches", json={**CREATED, "detected_at": 0}))
    assert "date_to" in _fields(manager.get("/api/v1/audit-events", params={"date_to": "0"}))
    assert "date_from" in _fields(manager.get("/api/v1/audit-events", params={"date_from": 1700000000}))


@pytest.mark.parametrize("moment", [LATE, EARLY])
def test_due_before_breach_log_sent_at_and_delay_until(manager, engine, moment):
    assert "due_before" in _fields(manager.get("/api/v1/breaches", params={"due_before": moment}))
    submission = {"sent_at": moment, "recipient": "ICO"}
    assert "sent_at" in _fields(manager.post("/api/v1/breach-log/2026-02/submissions", json=submission))
    with Session(engine, expire_on_commit=False) as session:
        breach_id = add_breach(session).id
    assessment = {"delay_agreed": True, "delay_ico_reference": "ICO/9", "delay_until": moment, "rationale": "x"}
    assert "delay_until" in _fields(manager.post(f"/api/v1/breaches/{breach_id}/assessment", json=assessment))
    agreed = {**assessment, "delay_until": None, "delay_agreed_on": moment[:10]}
    assert "delay_agreed_on" in _fields(manager.post(f"/api/v1/breaches/{breach_id}/assessment", json=agreed))


@pytest.mark.parametrize("day", ["9999-12-31", "0001-01-01"])
def test_audit_dates_in_the_api_the_page_and_the_csv(manager, signed_in, day):
    assert "date_to" in _fields(manager.get("/api/v1/audit-events", params={"date_to": day}))
    auditor = signed_in("auditor")
    page = auditor.get("/audit", params={"date_to": day})
    assert page.status_code == 422 and RANGE in html.unescape(page.text)
    export = auditor.get("/audit.csv", params={"date_from": day})
    assert export.status_code == 422 and RANGE in html.unescape(export.text)


def test_the_forms_name_the_field(signed_in):
    browser = signed_in("breach_manager")
    token = csrf_from(browser.get("/breaches/new").text)
    response = browser.post("/breaches/new", data={**MINIMAL, "detected_at": LATE[:16] + "-14:00", "csrf_token": token})
    assert response.status_code == 422
    assert f"must be {RANGE}" in html.unescape(response.text)
    boxes = {"aware_at-day": "31", "aware_at-month": "12", "aware_at-year": "9999", "aware_at-time": "23:00"}
    fields = {**MINIMAL, "csrf_token": token, **boxes}
    del fields["aware_at"]
    response = browser.post("/breaches/new", data=fields)
    assert response.status_code == 422
    assert f"must be {RANGE}" in html.unescape(response.text)
    listing = browser.get("/breaches", params={"due_before": "9999-12-31"})
    assert listing.status_code in (200, 422) and RANGE in html.unescape(listing.text)


def test_a_stream_makes_its_first_chunk_before_answering():
    made: list[str] = []

    def chunks():
        made.append("query ran")
        yield "header and first batch"
        made.append("second batch")
        yield "rest"

    stream = primed(chunks())
    assert made == ["query ran"]
    assert list(stream) == ["header and first batch", "rest"]

    def failing():
        raise RuntimeError("the query failed")
        yield ""  # pragma: no cover

    with pytest.raises(RuntimeError):
        primed(failing())
