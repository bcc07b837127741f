"""Security-risk notices through the API and the pages."""

from __future__ import annotations

from tests.breach.log.factories import add_profile
from tests.conftest import csrf_from
from tests.provider.security_risks.test_service import PEOPLE, TEXT, add_subscribers


def test_compose_and_send_through_the_api(api_client, engine, clock):
    add_profile(engine, clock.now())
    add_subscribers(engine, clock.now(), PEOPLE)
    client = api_client("compliance_officer")
    created = client.post("/api/v1/security-risks", json={**TEXT, "audience": "all"})
    assert created.status_code == 201, created.text
    notice = created.json()
    sent = client.post(f"/api/v1/security-risks/{notice['id']}/send", json={})
    assert sent.status_code == 202 and sent.json()["status"] == "sending" and sent.json()["recipients"] == 4
    assert sent.headers["location"] == f"/api/v1/security-risks/{notice['id']}"
    done = client.get(sent.headers["location"]).json()  # the test client runs the background task first
    assert done["letters"] == 4 and done["status"] == "sent"
    recipients = client.get(f"/api/v1/security-risks/{notice['id']}/recipients", params={"size": 2}).json()
    assert len(recipients) == 2 and all(r["letter_sha256"] for r in recipients)
    letters = client.get(f"/api/v1/security-risks/{notice['id']}/letters.zip")
    assert letters.status_code == 200 and letters.content[:2] == b"PK"
    assert api_client("auditor").post("/api/v1/security-risks", json=TEXT).status_code == 403
    bad = client.post("/api/v1/security-risks", json={**TEXT, "audience": "service"})
    assert bad.status_code == 422 and bad.json()["errors"][0]["field"] == "services"


def test_compose_and_send_through_the_pages(signed_in, engine, clock):
    add_profile(engine, clock.now())
    add_subscribers(engine, clock.now(), PEOPLE)
    officer = signed_in("compliance_officer")
    form = officer.get("/security-risks/new")
    missing = officer.post("/security-risks/new", data={**TEXT, "likely_cost": "", "csrf_token": csrf_from(form.text)})
    assert missing.status_code == 422 and "Enter what it may cost subscribers" in missing.text
    created = officer.post("/security-risks/new", data={**TEXT, "audience": "all", "csrf_token": csrf_from(form.text)})
    assert created.status_code == 303
    page = officer.get(created.headers["location"])
    assert "No mail server is configured" in page.text
    sent = officer.post(f"{created.headers['location']}/send", data={"csrf_token": csrf_from(page.text)})
    assert sent.status_code == 303 and "pecr_flash" in sent.headers["set-cookie"]
    after = officer.get(created.headers["location"])
    assert "letters to post 4" in after.text and "Download the letters to post" in after.text
    assert officer.get(f"{created.headers['location']}/letters.zip").content[:2] == b"PK"
