"""The corrections JSON API: after the statutory deadline a PATCH of the times is a 422 pointing to
POST …/corrections; a request waits for a second person with breach:write, who approves or rejects it;
the requester cannot decide their own; pending ones are listed for approvers."""

from __future__ import annotations

from datetime import timedelta

import pytest

from breach import rules
from tests.breach.test_api import CREATED, fields, post_breach

LATER = "2026-03-09T16:20:00Z"  # two hours after awareness: still within 24 hours of detection
PAST_DUE = timedelta(days=3)  # 13 March 12:00: 21 hours past the 12 March 15:00 deadline


@pytest.fixture
def requester(api_client):
    return api_client("breach_manager", username="requester")


@pytest.fixture
def approver(api_client):
    return api_client("breach_manager", username="approver")


def late_breach(client, clock) -> dict:
    body = post_breach(client)
    clock.advance(PAST_DUE)
    return body


def request(client, breach_id: int, **extra: object):
    body = {"aware_at": LATER, "justification": "The on-call log shows 16:20, not 14:20"} | extra
    return client.post(f"/api/v1/breaches/{breach_id}/corrections", json=body)


def ico_due(client, breach_id: int) -> str:
    rows = client.get(f"/api/v1/breaches/{breach_id}").json()["obligations"]
    return next(row["due_at"] for row in rows if row["kind"] == "ico_notification")


def test_after_the_deadline_patching_the_times_is_a_422_pointing_to_the_corrections_endpoint(requester, clock):
    breach = late_breach(requester, clock)
    response = requester.patch(f"/api/v1/breaches/{breach['id']}", json={"aware_at": LATER})
    assert response.status_code == 422 and fields(response) == ["aware_at"]
    where = f"POST /api/v1/breaches/{breach['id']}/corrections"
    assert where in response.json()["detail"] and where in response.json()["errors"][0]["reason"]


def test_a_request_changes_nothing_until_another_user_approves_it(requester, approver, clock):
    breach = late_breach(requester, clock)
    due = ico_due(requester, breach["id"])
    created = request(requester, breach["id"])
    assert created.status_code == 201, created.text
    correction = created.json()
    assert (correction["status"], correction["requested_by"]) == ("pending", "requester/tests")
    assert correction["before"]["aware_at"].startswith(CREATED["aware_at"][:16])
    assert ico_due(requester, breach["id"]) == due
    url = f"/api/v1/breaches/{breach['id']}/corrections/{correction['id']}/approve"
    approved = approver.post(url, json={"note": "Checked against the on-call log"})
    assert approved.status_code == 200, approved.text
    assert (approved.json()["status"], approved.json()["decided_by"]) == ("approved", "approver/tests")
    assert ico_due(requester, breach["id"]) > due
    again = approver.post(url, json={})
    assert again.status_code == 409 and again.headers["content-type"].startswith("application/problem+json")


def test_the_requester_cannot_approve_their_own_correction(requester, clock):
    breach = late_breach(requester, clock)
    correction = request(requester, breach["id"]).json()
    url = f"/api/v1/breaches/{breach['id']}/corrections/{correction['id']}/approve"
    refused = requester.post(url, json={})
    assert refused.status_code == 403 and refused.headers["content-type"].startswith("application/problem+json")
    assert "second person" in refused.json()["detail"]
    listed = requester.get(f"/api/v1/breaches/{breach['id']}/corrections", params={"status": "pending"}).json()
    assert [c["id"] for c in listed] == [correction["id"]]


def test_pending_corrections_are_listed_for_approvers_and_leave_once_decided(requester, approver, clock):
    breach = late_breach(requester, clock)
    first = request(requester, breach["id"]).json()
    second = request(requester, breach["id"], aware_at="2026-03-09T15:20:00Z").json()
    assert [c["id"] for c in approver.get("/api/v1/breach-corrections").json()] == [first["id"], second["id"]]
    rejected = approver.post(f"/api/v1/breaches/{breach['id']}/corrections/{first['id']}/reject", json={})
    assert rejected.status_code == 200 and rejected.json()["status"] == "rejected"
    assert [c["id"] for c in approver.get("/api/v1/breach-corrections").json()] == [second["id"]]
    listed = approver.get("/api/v1/breach-corrections", params={"status": "rejected"}).json()
    assert [c["id"] for c in listed] == [first["id"]]


def test_bad_requests_are_problems_never_500(requester, approver, clock, api_client):
    breach = post_breach(requester)
    early = request(requester, breach["id"])
    assert early.status_code == 409 and "PATCH" in early.json()["detail"]  # no deadline passed yet
    clock.advance(PAST_DUE)
    assert request(requester, breach["id"], justification=" ").status_code == 422
    assert fields(request(requester, breach["id"], aware_at="2026-03-09T16:20:00")) == ["aware_at"]
    assert request(requester, 999_999).status_code == 404
    assert fields(request(requester, breach["id"], awareness_justification=None)) == ["awareness_justification"]
    correction = request(requester, breach["id"]).json()
    other = post_breach(requester)
    wrong = approver.post(f"/api/v1/breaches/{other['id']}/corrections/{correction['id']}/approve", json={})
    assert wrong.status_code == 404
    reader = api_client("auditor")
    assert reader.get("/api/v1/breach-corrections").status_code == 200
    url = f"/api/v1/breaches/{breach['id']}/corrections/{correction['id']}/approve"
    assert reader.post(url, json={}).status_code == 403


def test_the_openapi_document_declares_the_problem_statuses(requester):
    paths = requester.get("/openapi.json").json()["paths"]
    approve = paths["/api/v1/breaches/{breach_id}/corrections/{correction_id}/approve"]["post"]["responses"]
    assert {"403", "404", "409", "422"} <= set(approve)
    assert "second person" in approve["403"]["description"] or "requested" in approve["403"]["description"]
    assert "application/problem+json" in approve["409"]["content"]
    assert "409" in paths["/api/v1/breaches/{breach_id}/corrections"]["post"]["responses"]


def test_the_same_person_through_another_token_or_a_page_is_not_a_second_person():
    assert not rules.may_approve("dana/ci", "dana/laptop")
    assert not rules.may_approve("dana/ci", "Dana")
    assert rules.may_approve("dana/ci", "lee/ci")
