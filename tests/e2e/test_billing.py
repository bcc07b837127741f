"""Itemised bills through a real browser: an agent records a subscriber's request for bills without
itemisation and the month's bill stops listing calls at once."""

from __future__ import annotations

import re
from datetime import UTC, datetime

import pytest
from sqlmodel import Session

from provider.billing import service
from provider.billing.models import CallCategory, CallCreate
from provider.security.actor import system_actor
from provider.subscribers.models import Line, LineService, Subscriber, SubscriberKind
from tests.e2e.conftest import create_user, sign_in, unique_username

pytestmark = pytest.mark.e2e


def _in_period(now: datetime) -> datetime:
    """The 5th of this month at 10:00 UTC: a bill period the call list still keeps, whenever the test runs."""
    return now.replace(day=5, hour=10, minute=0, second=0, microsecond=0)


def _period(now: datetime) -> str:
    return f"{_in_period(now):%Y-%m}"


def _subscriber_with_calls(live_server) -> int:
    now = datetime.now(UTC)
    with Session(live_server.engine, expire_on_commit=False) as session:
        subscriber = Subscriber(
            kind=SubscriberKind.individual,
            name="Gwenllïan ap Rhys",
            address="2 Stryd y Bont, Caernarfon",
            account_reference=unique_username("BILL"),
            name_key="gwenllian ap rhys",
            created_at=now,
            updated_at=now,
        )
        session.add(subscriber)
        session.flush()
        number = f"+4477009{subscriber.id % 100000:05d}"
        session.add(
            Line(subscriber_id=subscriber.id, number=number, service=LineService.mobile, created_at=now, updated_at=now)
        )
        session.flush()
        calls = [
            CallCreate(source_ref=ref, line_number=number, started_at=_in_period(now), called_number=called,
                       duration_seconds=120, charge_pence=pence, category=CallCategory.voice)
            for ref, called, pence in (("a", "+441134960000", 25), ("b", "08001111", 0), ("c", "116123", 0))
        ]  # fmt: skip
        service.import_calls(session, actor=system_actor("e2e"), now=now, subscriber=subscriber, calls=calls,
                             settings=live_server.settings)  # fmt: skip
        session.commit()
        return subscriber.id


def test_an_agent_switches_a_subscriber_to_bills_without_itemisation(page, live_server):
    subscriber_id, period = _subscriber_with_calls(live_server), _period(datetime.now(UTC))
    sign_in(page, create_user(live_server, "agent").username)
    page.goto(f"/subscribers/{subscriber_id}/bills/{period}")
    lines = page.locator("#bill-lines")
    assert lines.get_by_text("+441134960000").is_visible()
    assert lines.get_by_text("08001111").count() == 0 and lines.get_by_text("116123").count() == 0
    page.goto(f"/subscribers/{subscriber_id}")
    page.get_by_role("link", name="Change the bill choice").click()
    page.get_by_label(re.compile(r"^Bills")).select_option("no")
    page.get_by_label("How the subscriber asked").select_option("phone")
    page.get_by_role("button", name="Record the choice").click()
    page.wait_for_url(re.compile(rf"/subscribers/{subscriber_id}$"))
    assert page.locator("#billing-choice").get_by_text("Bills without itemisation").is_visible()
    page.goto(f"/subscribers/{subscriber_id}/bills/{period}")
    assert page.locator("#bill-lines").count() == 0
    assert page.locator("#bill-totals").get_by_text("£0.25").first.is_visible()
