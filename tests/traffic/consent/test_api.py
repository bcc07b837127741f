"""The consent API on both databases: serve, capture, authorise, withdraw, privacy switch, batch."""

from __future__ import annotations

import json
from datetime import timedelta

import pytest

from tests.traffic.consent.support import build_world


@pytest.fixture
def world(session, clock):
    return build_world(session, clock.now())


@pytest.fixture
def agent(api_client):
    return api_client("agent")


def _ask(agent, **question):
    response = agent.post("/api/v1/traffic/authorise", json=question)
    assert response.status_code == 200, response.text
    return response.json()


def _serve(agent, subscriber_id, notice, **extra):
    body = {"notice": notice, "channel": "telephone", **extra}
    response = agent.post(f"/api/v1/traffic/subscribers/{subscriber_id}/notices", json=body)
    assert response.status_code == 201, response.text
    return response.json()


def _consent(agent, subscriber_id, **body):
    return agent.post(f"/api/v1/traffic/subscribers/{subscriber_id}/consents", json=body)


CALL_CENTRE = {"method": "call_centre", "agent_name": "Sam", "script_version": "S-4"}


def test_marketing_needs_consent_given_after_the_notice_and_withdrawal_denies_at_once(agent, world, clock):
    marketing = {"subscriber_id": world.subscriber_id, "data_kind": "traffic", "purpose": "marketing"}
    assert _ask(agent, **marketing)["allowed"] is False
    assert _ask(agent, **{**marketing, "purpose": "billing"})["allowed"] is True
    served = _serve(agent, world.subscriber_id, "marketing")
    clock.advance(timedelta(minutes=1))
    response = _consent(
        agent,
        world.subscriber_id,
        data_kind="traffic",
        purpose="marketing",
        version_id=served["version_id"],
        **CALL_CENTRE,
    )
    assert response.status_code == 201, response.text
    answer = _ask(agent, **marketing)
    assert answer["allowed"] is True and "7(3)" in answer["basis"]
    by_line = _ask(agent, line_number="07700 900123", data_kind="traffic", purpose="marketing")
    assert by_line["allowed"] is True
    withdrawn = agent.post(
        f"/api/v1/traffic/subscribers/{world.subscriber_id}/withdrawals",
        json={"data_kind": "traffic", "purpose": "marketing", "method": "web"},
    )
    assert withdrawn.status_code == 201, withdrawn.text
    answer = _ask(agent, **marketing)
    assert answer["allowed"] is False and "withdrew" in answer["reason"]
    overview = agent.get(f"/api/v1/traffic/subscribers/{world.subscriber_id}/consents").json()
    assert [e["action"] for e in overview["history"]] == ["withdrawn", "given"]
    assert [e["action"] for e in overview["current"]] == ["withdrawn"]


def test_a_consent_without_the_notice_served_to_that_person_is_refused(agent, world):
    served = _serve(agent, world.subscriber_id, "marketing")
    # served to the subscriber, not to the line's named user
    response = _consent(
        agent,
        world.subscriber_id,
        user_id=world.user_id,
        data_kind="traffic",
        purpose="marketing",
        version_id=served["version_id"],
        **CALL_CENTRE,
    )
    assert response.status_code == 422
    assert response.json()["errors"][0]["field"] == "version_id"


@pytest.mark.parametrize("method", ["bill", "privacy policy"])
def test_a_bill_or_privacy_policy_line_is_never_consent(agent, world, method):
    served = _serve(agent, world.subscriber_id, "marketing")
    response = _consent(
        agent,
        world.subscriber_id,
        data_kind="traffic",
        purpose="marketing",
        version_id=served["version_id"],
        method=method,
    )
    assert response.status_code == 422
    assert "never consent" in response.json()["errors"][0]["reason"]


def test_location_vas_consent_then_privacy_switch_denies_and_emergency_still_allowed(agent, world, clock):
    served = _serve(agent, world.subscriber_id, "location", service_name="travel-alerts")
    response = _consent(
        agent,
        world.subscriber_id,
        data_kind="location",
        purpose="vas",
        service_name="travel-alerts",
        version_id=served["version_id"],
        method="signed_form",
        evidence_reference="FORM-77",
    )
    assert response.status_code == 201, response.text
    question = {"line_number": world.number, "data_kind": "location", "purpose": "vas", "service_name": "travel-alerts"}
    assert _ask(agent, **question)["allowed"] is True
    assert _ask(agent, **{**question, "service_name": "branch-finder"})["allowed"] is False
    switch = agent.post(
        f"/api/v1/traffic/subscribers/{world.subscriber_id}/privacy-switches",
        json={"line_id": world.line_id, "ends_at": (clock.now() + timedelta(hours=2)).isoformat()},
    )
    assert switch.status_code == 201, switch.text
    denied = _ask(agent, **question)
    assert denied["allowed"] is False and "privacy switch" in denied["reason"]
    emergency = {"line_number": world.number, "data_kind": "location", "purpose": "emergency", "called_number": "112"}
    assert _ask(agent, **emergency)["allowed"] is True
    clock.advance(timedelta(hours=2))
    assert _ask(agent, **question)["allowed"] is True


def test_batch_answers_every_line_in_order_with_problems_named(agent, world):
    lines = [
        {"subscriber_id": world.subscriber_id, "data_kind": "traffic", "purpose": "billing"},
        {"subscriber_id": 999999, "data_kind": "traffic", "purpose": "billing"},
        {"subscriber_id": world.subscriber_id, "data_kind": "traffic", "purpose": "marketing"},
        {"subscriber_id": world.subscriber_id, "data_kind": "bogus", "purpose": "marketing"},
    ]
    body = "\n".join(json.dumps(line) for line in lines) + "\nnot json\n"
    response = agent.post(
        "/api/v1/traffic/authorise/batch", content=body, headers={"Content-Type": "application/x-ndjson"}
    )
    assert response.status_code == 200
    answers = [json.loads(line) for line in response.text.splitlines()]
    assert [a["index"] for a in answers] == [0, 1, 2, 3, 4]
    assert [a["allowed"] for a in answers] == [True, False, False, False, False]
    assert [a.get("problem", "") for a in answers] == ["", "not_found", "", "invalid", "invalid"]
    as_list = agent.post("/api/v1/traffic/authorise/batch", json=lines[:3])
    assert [json.loads(line)["allowed"] for line in as_list.text.splitlines()] == [True, False, False]


def test_unknown_subscriber_is_404_and_reader_cannot_write(api_client, world):
    reader = api_client("auditor")
    response = reader.post(
        "/api/v1/traffic/authorise", json={"subscriber_id": 424242, "data_kind": "traffic", "purpose": "fraud"}
    )
    assert response.status_code == 404
    refused = reader.post(
        f"/api/v1/traffic/subscribers/{world.subscriber_id}/notices", json={"notice": "marketing", "channel": "web"}
    )
    assert refused.status_code == 403


def test_the_subscribers_consent_does_not_cover_a_named_users_data(agent, world):
    served = _serve(agent, world.subscriber_id, "marketing")
    assert (
        _consent(
            agent,
            world.subscriber_id,
            data_kind="traffic",
            purpose="marketing",
            version_id=served["version_id"],
            method="web",
        ).status_code
        == 201
    )
    users = {
        "subscriber_id": world.subscriber_id,
        "user_id": world.user_id,
        "data_kind": "traffic",
        "purpose": "marketing",
    }
    answer = _ask(agent, **users)
    assert answer["allowed"] is False and "line user" in answer["reason"]
    assert _ask(agent, **{k: v for k, v in users.items() if k != "user_id"})["allowed"] is True
    _serve(agent, world.subscriber_id, "marketing", user_id=world.user_id)
    assert (
        _consent(
            agent,
            world.subscriber_id,
            user_id=world.user_id,
            data_kind="traffic",
            purpose="marketing",
            version_id=served["version_id"],
            method="web",
        ).status_code
        == 201
    )
    assert _ask(agent, **users)["allowed"] is True


def test_a_corporate_subscriber_consents_through_a_named_representative(agent, world):
    served = _serve(agent, world.corporate_id, "marketing")
    body = {"data_kind": "traffic", "purpose": "marketing", "version_id": served["version_id"], "method": "web"}
    refused = _consent(agent, world.corporate_id, **body)
    assert refused.status_code == 422 and refused.json()["errors"][0]["field"] == "representative_name"
    given = _consent(agent, world.corporate_id, **body, representative_name="Jo Smith", representative_role="CTO")
    assert given.status_code == 201, given.text
    assert given.json()["representative_name"] == "Jo Smith"


def test_a_version_of_another_notice_or_a_materially_changed_one_is_refused(agent, world):
    billing = _serve(agent, world.subscriber_id, "billing")
    wrong = _consent(
        agent,
        world.subscriber_id,
        data_kind="traffic",
        purpose="marketing",
        version_id=billing["version_id"],
        method="web",
    )
    assert wrong.status_code == 422 and wrong.json()["errors"][0]["field"] == "version_id"
    first = _serve(agent, world.subscriber_id, "marketing")
    changed = agent.put(
        "/api/v1/traffic/notices/marketing",
        json={
            "parts": {"traffic_data_types": "all calls", "purpose": "offers from partners too", "duration": "2 years"},
            "material_change": True,
            "material_change_note": "partners' offers added",
        },
    )
    assert changed.status_code == 200, changed.text
    stale = _consent(
        agent,
        world.subscriber_id,
        data_kind="traffic",
        purpose="marketing",
        version_id=first["version_id"],
        method="web",
    )
    assert stale.status_code == 422 and "materially" in stale.json()["errors"][0]["reason"]
