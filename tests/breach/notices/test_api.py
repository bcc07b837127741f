"""The customer-notice JSON API: wiring, permissions, problem details, the letter download."""

from __future__ import annotations

import hashlib

from sqlmodel import Session

from tests.breach.notices.conftest import add_subscriber, wording

ASSESS = {"natures": ["location_data"], "circumstances": ["stolen"], "rationale": "tape stolen, unencrypted"}


def test_assessment_round_trip_and_read_only_tokens_cannot_decide(api_client, breach):
    manager = api_client("breach_manager", ["breach:read", "breach:write"])
    created = manager.post(f"/api/v1/breaches/{breach.id}/assessment", json=ASSESS)
    assert created.status_code == 201, created.text
    assert created.json()["outcome"] == "notify" and created.json()["decided_by"].startswith("breach_manager-api-0")
    state = manager.get(f"/api/v1/breaches/{breach.id}/assessment").json()
    assert state["current"]["id"] == created.json()["id"] and len(state["history"]) == 1
    auditor = api_client("auditor", ["breach:read"])
    assert auditor.post(f"/api/v1/breaches/{breach.id}/assessment", json=ASSESS).status_code == 403


def test_assessment_errors_name_the_missing_exemption_fields(api_client, breach):
    manager = api_client("breach_manager")
    response = manager.post(
        f"/api/v1/breaches/{breach.id}/assessment",
        json=ASSESS | {"exemption_claimed": True, "datasets": [{"dataset": "tape", "algorithm": "AES-256-GCM"}]},
    )
    assert response.status_code == 422
    fields = {e["field"] for e in response.json()["errors"]}
    assert fields == {"datasets.0.key_management", "datasets.0.key_compromised", "datasets.0.key_guessable"}


def test_bad_ids_and_oversized_input_are_422_never_500(api_client, breach):
    manager = api_client("breach_manager")
    assert manager.get("/api/v1/breaches/99999999999999999999/assessment").status_code == 422
    assert manager.get("/api/v1/notice-letters/0.pdf").status_code == 422
    assert manager.get("/api/v1/breaches/424242/notices").status_code == 404
    long = manager.post(f"/api/v1/breaches/{breach.id}/assessment", json=ASSESS | {"rationale": "x" * 10_001})
    assert long.status_code == 422


def test_recipients_generate_progress_and_letter_download(api_client, breach, engine):
    with Session(engine) as session:
        add_subscriber(session, "Ann Smith", "ACC-1", numbers=("+447700900001",))
        add_subscriber(session, "Bob Jones", "ACC-2", email="bob@example.test")
    manager = api_client("breach_manager")
    base = f"/api/v1/breaches/{breach.id}"
    assert manager.post(f"{base}/assessment", json=ASSESS).status_code == 201
    assert manager.post(f"{base}/notices/template", json=wording().model_dump()).status_code == 201
    refused = manager.post(f"{base}/notices/recipients", json={"account_references": ["ACC-1", "ACC-9"]})
    assert refused.status_code == 422
    assert refused.json()["errors"][0]["field"] == "account_references item 2"
    added = manager.post(
        f"{base}/notices/recipients", json={"account_references": ["ACC-2"], "line_numbers": ["07700 900001"]}
    )
    assert added.json()["subscribers_added"] == 2, added.text
    started = manager.post(f"{base}/notices/generate")
    assert started.status_code == 202 and started.json()["total"] == 2
    overview = manager.get(f"{base}/notices").json()
    assert overview["recipients"] == {"generated": 2} and overview["batches"][0]["generated"] == 2
    assert overview["channels"] == {"email": 1, "post": 1}
    letter = manager.get("/api/v1/notice-letters/1.pdf")
    assert letter.headers["content-type"] == "application/pdf"
    assert hashlib.sha256(letter.content).hexdigest() == letter.headers["x-content-sha256"]


def test_sending_without_smtp_is_a_conflict_with_a_clear_message(api_client, breach, engine):
    with Session(engine) as session:
        add_subscriber(session, "Bob Jones", "ACC-2", email="bob@example.test")
    manager = api_client("breach_manager")
    base = f"/api/v1/breaches/{breach.id}"
    manager.post(f"{base}/assessment", json=ASSESS)
    manager.post(f"{base}/notices/template", json=wording().model_dump())
    manager.post(f"{base}/notices/recipients", json={"subscriber_ids": [1]})
    manager.post(f"{base}/notices/generate")
    response = manager.post(f"{base}/notices/send")
    assert response.status_code == 409
    assert "not configured" in response.json()["detail"]
