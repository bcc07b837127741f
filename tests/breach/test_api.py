"""The breach JSON API: shapes of 201 and 422 answers, permissions, PDF download, bounded input."""

from __future__ import annotations

import hashlib
from datetime import timedelta

import pytest
from sqlmodel import Session

from tests.breach.test_service import add_profile

CREATED = {
    "title": "Lost laptop",
    "circumstance": "loss",
    "detected_at": "2026-03-09T09:00:00Z",
    "aware_at": "2026-03-09T14:20:00+00:00",
}
SECTION_1 = {
    "occurred_at": "2026-03-09T08:00:00Z",
    "data_categories": ["traffic_data", "location_data"],
    "data_description": "Call detail records",
    "protection_measures": "Disk encryption",
    "other_providers": "none",
}
OBLIGATION_KEYS = {
    "id",
    "kind",
    "recipient",
    "statutory",
    "basis",
    "period",
    "anchor_at",
    "due_at",
    "status",
    "first_filed_at",
    "late_by_seconds",
    "decision",
    "decided_by",
    "decided_at",
    "decision_rationale",
}


@pytest.fixture
def manager(api_client):
    return api_client("breach_manager")


@pytest.fixture
def with_profile(engine) -> None:
    with Session(engine, expire_on_commit=False) as session:
        add_profile(session)


def post_breach(client, **extra: object) -> dict:
    response = client.post("/api/v1/breaches", json={**CREATED, **extra})
    assert response.status_code == 201, response.text
    return response.json()


def fields(response) -> list[str]:
    assert response.headers["content-type"].startswith("application/problem+json")
    return [e["field"] for e in response.json()["errors"]]


def test_creating_returns_201_with_reference_regime_and_obligations_side_by_side(manager):
    body = post_breach(manager)
    assert (body["reference"], body["regime"], body["status"]) == ("BR-2026-0001", "DUAA", "open")
    by_kind = {o["kind"]: o for o in body["obligations"]}
    assert set(body["obligations"][0]) == OBLIGATION_KEYS
    assert by_kind["ico_notification"]["due_at"].startswith("2026-03-12T15:00:00")
    assert by_kind["ico_notification"]["statutory"] is True
    assert by_kind["ico_initial_target"]["statutory"] is False
    assert manager.get(f"/api/v1/breaches/{body['id']}").json() == body


def test_a_naive_datetime_is_a_422_naming_the_field(manager):
    response = manager.post("/api/v1/breaches", json={**CREATED, "aware_at": "2026-03-09T14:20:00"})
    assert response.status_code == 422 and fields(response) == ["aware_at"]
    response = manager.get("/api/v1/breaches", params={"due_before": "2026-03-09T14:20:00"})
    assert response.status_code == 422 and fields(response) == ["due_before"]


def test_awareness_30_hours_after_detection_without_justification_is_a_422(manager):
    response = manager.post("/api/v1/breaches", json={**CREATED, "detected_at": "2026-03-08T08:20:00Z"})
    assert response.status_code == 422 and fields(response) == ["awareness_justification"]


@pytest.mark.parametrize(
    "change",
    [
        {"title": "x" * 201},
        {"circumstance": "meteor"},
        {"data_categories": ["horoscopes"]},
        {"individuals_affected": 10**30},
        {"individuals_affected": -1},
        {"summary": "x" * 10_001},
        {"aware_at": "not a time"},
    ],
)
def test_out_of_bounds_input_is_a_422_never_a_500(manager, change):
    assert manager.post("/api/v1/breaches", json={**CREATED, **change}).status_code == 422


def test_absurd_ids_and_paging_are_422_and_unknown_ids_404(manager):
    assert manager.get(f"/api/v1/breaches/{2**70}").status_code == 422
    assert manager.get("/api/v1/breaches/0").status_code == 422
    assert manager.get("/api/v1/filings/abc.pdf").status_code == 422
    assert manager.get("/api/v1/breaches", params={"offset": -1}).status_code == 422
    assert manager.get("/api/v1/breaches", params={"status": "lost"}).status_code == 422
    assert manager.get("/api/v1/breaches/99").status_code == 404
    assert manager.get("/api/v1/filings/99.pdf").status_code == 404
    assert manager.patch("/api/v1/breaches/99", json={"title": "x"}).status_code == 404


def test_tokens_without_breach_write_get_403_and_read_only_tokens_can_read(api_client):
    reader = api_client("breach_manager", scopes=["breach:read"])
    assert reader.post("/api/v1/breaches", json=CREATED).status_code == 403
    assert reader.get("/api/v1/breaches").status_code == 200
    auditor = api_client("auditor")
    assert auditor.post("/api/v1/breaches", json=CREATED).status_code == 403
    assert auditor.put("/api/v1/breaches/1/ico-reference", json={"ico_reference": "ENQ1"}).status_code == 403
    assert auditor.post("/api/v1/breaches/1/filings", json={"stage": "initial"}).status_code == 403
    agent = api_client("agent")
    assert agent.get("/api/v1/breaches").status_code == 403


def test_listing_filters_and_pages(manager):
    first = post_breach(manager, title="Misdirected bill")
    second = post_breach(manager, title="Stolen backup tape")
    manager.patch(f"/api/v1/breaches/{second['id']}", json={"status": "contained"})
    page = manager.get("/api/v1/breaches", params={"status": "contained"}).json()
    assert [b["id"] for b in page["items"]] == [second["id"]] and page["total"] == 1
    assert page["items"][0]["obligations"]
    assert [b["id"] for b in manager.get("/api/v1/breaches", params={"q": "bill"}).json()["items"]] == [first["id"]]
    page = manager.get("/api/v1/breaches", params={"limit": 1, "offset": 1}).json()
    assert (page["total"], len(page["items"]), page["limit"], page["offset"]) == (2, 1, 1, 1)
    overdue_soon = manager.get("/api/v1/breaches", params={"due_before": "2026-03-09T15:00:00+00:00"}).json()
    assert overdue_soon["items"] == []


def test_patch_changes_only_what_is_sent_and_moves_open_deadlines(manager):
    body = post_breach(manager)
    changed = manager.patch(f"/api/v1/breaches/{body['id']}", json={"aware_at": "2026-03-09T16:20:00+00:00"}).json()
    assert changed["title"] == "Lost laptop"
    due = {o["kind"]: o["due_at"] for o in changed["obligations"]}
    assert due["ico_notification"].startswith("2026-03-12T17:00:00")


def test_filing_with_missing_fields_is_a_422_listing_every_one(manager, with_profile):
    body = post_breach(manager)
    response = manager.post(f"/api/v1/breaches/{body['id']}/filings", json={"stage": "initial"})
    assert response.status_code == 422
    assert fields(response) == [
        "occurred_at",
        "data_categories",
        "data_description",
        "protection_measures",
        "other_providers",
    ]
    preview = manager.get(f"/api/v1/breaches/{body['id']}/missing-fields", params={"stage": "initial"}).json()
    assert [m["field"] for m in preview["missing"]] == fields(response)


def test_filing_returns_201_and_the_pdf_download_is_the_exact_stored_bytes(manager, with_profile):
    body = post_breach(manager, **SECTION_1)
    response = manager.post(f"/api/v1/breaches/{body['id']}/filings", json={"stage": "initial"})
    assert response.status_code == 201, response.text
    filing = response.json()
    assert {"id", "stage", "sequence", "pdf_url", "sha256", "late"} <= set(filing)
    assert (filing["stage"], filing["sequence"], filing["late"]) == ("initial", 1, False)
    pdf = manager.get(filing["pdf_url"])
    assert pdf.status_code == 200 and pdf.headers["content-type"] == "application/pdf"
    assert hashlib.sha256(pdf.content).hexdigest() == filing["sha256"]
    assert "BR-2026-0001-01-initial.pdf" in pdf.headers["content-disposition"]
    listed = manager.get(f"/api/v1/breaches/{body['id']}/filings").json()
    assert [f["id"] for f in listed] == [filing["id"]]
    before = {o["kind"]: o for o in manager.get(f"/api/v1/breaches/{body['id']}").json()["obligations"]}
    assert before["ico_notification"]["status"] == "open" and "ico_second_target" not in before  # not yet sent
    submitted = manager.post(f"/api/v1/filings/{filing['id']}/submission", json={"method": "online_form"})
    assert submitted.status_code == 201, submitted.text
    again = manager.post(f"/api/v1/filings/{filing['id']}/submission", json={"method": "email"})
    assert again.status_code == 409
    after = {o["kind"]: o for o in manager.get(f"/api/v1/breaches/{body['id']}").json()["obligations"]}
    assert after["ico_notification"]["status"] == "met" and after["ico_second_target"]["status"] == "open"
    listed = manager.get(f"/api/v1/breaches/{body['id']}/filings").json()
    assert listed[0]["submission"]["method"] == "online_form"


def test_a_late_filing_needs_delay_reasons(manager, with_profile, clock):
    body = post_breach(manager, **SECTION_1)
    clock.advance(timedelta(days=3))  # 13 March 12:00: 21 hours past the 12 March 15:00 deadline
    url = f"/api/v1/breaches/{body['id']}/filings"
    response = manager.post(url, json={"stage": "initial"})
    assert response.status_code == 422 and fields(response) == ["delay_reasons"]
    response = manager.post(url, json={"stage": "initial", "delay_reasons": "Supplier confirmed only on the 14th"})
    assert response.status_code == 201 and response.json()["late"] is True
    assert response.json()["late_by_seconds"] == 21 * 3600


def test_the_ico_reference_is_recorded_and_carried_by_later_filings(manager, with_profile):
    body = post_breach(manager, **SECTION_1)
    assert (
        manager.put(f"/api/v1/breaches/{body['id']}/ico-reference", json={"ico_reference": "<script>"}).status_code
        == 422
    )
    recorded = manager.put(f"/api/v1/breaches/{body['id']}/ico-reference", json={"ico_reference": "ENQ0012345"})
    assert recorded.status_code == 200 and recorded.json()["ico_reference"] == "ENQ0012345"
    filing = manager.post(f"/api/v1/breaches/{body['id']}/filings", json={"stage": "initial"}).json()
    assert manager.get(f"/api/v1/breaches/{body['id']}/filings").json()[0]["ico_reference"] == "ENQ0012345"
    amendment = manager.post(
        f"/api/v1/breaches/{body['id']}/filings", json={"stage": "initial", "supersedes_id": filing["id"]}
    )
    assert amendment.status_code == 201 and amendment.json()["supersedes_id"] == filing["id"]
