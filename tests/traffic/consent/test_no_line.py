"""A purpose check naming a subscriber but no line looks at the privacy switches of all its lines."""

from __future__ import annotations


def test_a_question_without_a_line_is_answered_not_a_500(api_client):
    client = api_client("admin")
    created = client.post(
        "/api/v1/subscribers",
        json={
            "kind": "individual",
            "name": "Ana Nowak",
            "address": "1 High Street, Leeds",
            "account_reference": "NOLINE-1",
            "lines": [{"number": "+447700900123", "service": "mobile"}],
        },
    )
    question = {"data_kind": "location", "anonymous": True, "purpose": "dispute_resolution"}
    answer = client.post("/api/v1/traffic/authorise", json={**question, "subscriber_id": created.json()["id"]})
    assert answer.status_code == 200, answer.text
    assert answer.json()["allowed"] is True
