"""The /breaches/log page: month picker, rows, downloads, "record as sent" and the history."""

from __future__ import annotations

import re
from datetime import UTC, datetime

from tests.breach.log.factories import add_breach, add_profile, pdf_text
from tests.conftest import csrf_from


def test_the_log_page_is_not_taken_for_a_breach_id_and_is_in_the_navigation(signed_in):
    client = signed_in("breach_manager")
    response = client.get("/breaches/log?month=2026-03")
    assert response.status_code == 200, response.text
    assert 'href="/breaches/log"' in response.text and 'href="/reminders"' in response.text
    assert "Nil return — no personal data breaches in March 2026" in response.text


def test_without_a_month_the_page_shows_the_previous_london_month(signed_in, clock):
    clock.set(datetime(2026, 3, 31, 23, 30, tzinfo=UTC))  # 00:30 BST on 1 April: March is the month now due
    assert "Breach log: March 2026" in signed_in("auditor").get("/breaches/log").text


def test_a_bad_month_re_renders_with_the_error_named(signed_in):
    response = signed_in("auditor").get("/breaches/log?month=2026-13")
    assert response.status_code == 422
    assert "There is a problem" in response.text and 'href="#month"' in response.text


def test_the_page_lists_the_breaches_with_links_and_downloads(signed_in, engine, clock):
    breach = add_breach(
        engine, aware_at=datetime(2026, 3, 4, tzinfo=UTC), now=clock.now(), mitigation_measures="Passwords reset"
    )
    client = signed_in("auditor")
    page = client.get("/breaches/log?month=2026-03").text
    assert f'href="/breaches/{breach.id}"' in page and "Passwords reset" in page
    assert "Record as sent" not in page  # an auditor reads, never records
    pdf = client.get("/breaches/log/export?month=2026-03&format=pdf")
    assert pdf.headers["content-type"] == "application/pdf" and breach.reference in pdf_text(pdf.content)
    assert client.get("/breaches/log/export?month=2026-03&format=csv").headers["content-type"].startswith("text/csv")


def test_recording_as_sent_through_the_form(signed_in, engine, clock):
    add_profile(engine, clock.now())
    clock.set(datetime(2026, 4, 3, 12, 0, tzinfo=UTC))
    client = signed_in("breach_manager")
    page = client.get("/breaches/log?month=2026-03").text
    assert "Record as sent" in page
    response = client.post(
        "/breaches/log/submissions",
        data={
            "csrf_token": csrf_from(page),
            "month": "2026-03",
            "sent_at": "2026-04-02T09:30",
            "method": "email",
            "recipient": "ICO",
            "note": "nil return e-mailed",
        },
    )
    assert response.status_code == 303 and response.headers["location"] == "/breaches/log?month=2026-03"
    after = client.get("/breaches/log?month=2026-03").text
    assert "02 Apr 2026 09:30 BST" in after and "on time" in after and "Record as sent" not in after
    assert "/breaches/log/submissions/1/document.pdf" in after
    stored = client.get("/breaches/log/submissions/1/document.pdf")
    assert "Nil return" in pdf_text(stored.content)


def test_a_form_error_keeps_the_input(signed_in, engine, clock):
    add_profile(engine, clock.now())
    clock.set(datetime(2026, 4, 3, 12, 0, tzinfo=UTC))
    client = signed_in("breach_manager")
    token = csrf_from(client.get("/breaches/log?month=2026-03").text)
    missing = client.post(
        "/breaches/log/submissions",
        data={"csrf_token": token, "month": "2026-03", "sent_at": "", "recipient": "ICO breach team"},
    )
    assert missing.status_code == 422
    assert "Enter when the log was sent." in missing.text and 'value="ICO breach team"' in missing.text
    early = client.post(
        "/breaches/log/submissions",
        data={"csrf_token": token, "month": "2026-03", "sent_at": "2026-03-31T23:30", "recipient": "ICO"},
    )
    assert early.status_code == 422 and "cannot be sent before the month has ended" in early.text
    shown = dict(re.findall(r'name="sent_at-(day|month|year|time)" value="([^"]*)"', early.text))
    assert shown == {"day": "31", "month": "3", "year": "2026", "time": "23:30"}


def test_the_form_refuses_a_post_without_csrf_and_a_reader(signed_in, engine, clock):
    add_profile(engine, clock.now())
    clock.set(datetime(2026, 4, 3, 12, 0, tzinfo=UTC))
    manager = signed_in("breach_manager")
    manager.get("/breaches/log")
    data = {"month": "2026-03", "sent_at": "2026-04-02T09:30"}
    assert manager.post("/breaches/log/submissions", data=data).status_code == 403
    auditor = signed_in("auditor", "auditor-two")
    token = csrf_from(auditor.get("/breaches/log").text)
    assert auditor.post("/breaches/log/submissions", data={**data, "csrf_token": token}).status_code == 403
