"""The reminders panel on the dashboard: unacknowledged counts by threshold and the newest five, linked."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from sqlmodel import Session

from breach.models import ObligationKind
from provider.deadlines import dashboard, inbox
from provider.deadlines import reminders as service
from provider.deadlines.models import Threshold
from tests.breach.log.factories import add_breach, add_obligation
from tests.conftest import TESTER

ANCHOR = datetime(2026, 3, 10, 14, 0, tzinfo=UTC)
DUE = ANCHOR + timedelta(hours=73)


def _overdue_breaches(engine, clock, settings, count: int) -> list:
    breaches = []
    for number in range(count):
        breach = add_breach(engine, aware_at=ANCHOR, now=clock.now())
        add_obligation(
            engine,
            breach_id=breach.id,
            kind=ObligationKind.ico_notification,
            anchor_at=ANCHOR,
            due_at=DUE + timedelta(minutes=number),
            now=clock.now(),
        )
        breaches.append(breach)
    with Session(engine) as session:
        service.sweep(session, now=ANCHOR + timedelta(hours=56), settings=settings)  # 75% for each
        service.sweep(session, now=DUE + timedelta(hours=1), settings=settings)  # overdue, escalated
    return breaches


def test_counts_are_by_threshold_and_only_unacknowledged_ones_count(engine, clock, settings):
    _overdue_breaches(engine, clock, settings, 3)
    with Session(engine) as session:
        inbox.acknowledge(session, actor=TESTER, now=DUE + timedelta(hours=2), reminder_id=1)
        session.commit()
        data = dashboard.build_panel(session=session, now=DUE + timedelta(hours=2))
    counts = {entry["threshold"]: entry["count"] for entry in data["counts"]}
    assert counts == {
        Threshold.escalated: 3,
        Threshold.overdue: 3,
        Threshold.ninety: 0,
        Threshold.three_quarters: 2,
        Threshold.half: 0,
    }
    assert data["total"] == 8 and len(data["newest"]) == 5
    assert [entry["threshold"] for entry in data["counts"]][:2] == [Threshold.escalated, Threshold.overdue]


def test_the_dashboard_shows_the_panel_with_links_to_the_newest_five(signed_in, engine, clock, settings):
    breaches = _overdue_breaches(engine, clock, settings, 4)
    page = signed_in("breach_manager").get("/")
    assert page.status_code == 200
    panel = page.text[page.text.index("reminders-unacknowledged") : page.text.index("All unacknowledged reminders")]
    assert ">12</strong> reminders not yet acknowledged" in page.text
    assert panel.count("<tr>") == 1 + 5  # the header row and the newest five
    newest = breaches[-1]  # its overdue and escalated reminders are among the newest five
    assert f'href="/breaches/{newest.id}"' in panel and newest.reference in panel
    assert "escalated to the deputy" in panel and 'href="/reminders?show=unacknowledged"' in panel


def test_the_panel_says_when_nothing_waits_and_is_hidden_from_roles_without_breach_read(signed_in):
    assert "No reminders waiting" in signed_in("auditor").get("/").text
    # An agent reads call-forwarding deadlines (lines:read), never the breach reminders.
    assert "Reminders: Breach" not in signed_in("agent").get("/").text
