"""Caller ID through a real browser: an agent changes a line's CLI settings on the subscriber's page and
the next decision (tried on the Caller ID page, and through the API) applies them."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime

import pytest
from sqlmodel import Session

from provider.security.actor import system_actor
from provider.subscribers import service as subscribers
from provider.subscribers.models import SubscriberCreate
from tests.e2e.conftest import create_user, sign_in

pytestmark = pytest.mark.e2e


def _subscriber(live_server) -> tuple[int, str]:
    suffix = uuid.uuid4().int % 10_000
    number = f"+44207946{suffix:04d}"
    data = SubscriberCreate(
        kind="individual",
        name="Cleo Caller",
        address="2 Low Road",
        account_reference=f"E2E-CLI-{suffix}",
        lines=[{"number": number, "service": "fixed"}],
    )
    with Session(live_server.engine) as session:
        subscriber = subscribers.create_subscriber(session, actor=system_actor("e2e"), now=datetime.now(UTC), data=data)
        session.commit()
        return subscriber.id, number


def _try_call(page, number: str, dialled: str) -> None:
    page.goto("/line-identification")
    page.get_by_label("Caller's network number").fill(number)
    page.get_by_label("Digits dialled").fill(dialled)
    page.get_by_role("button", name="Decide").click()


def test_a_changed_setting_takes_effect_in_the_next_decision(page, live_server):
    subscriber_id, number = _subscriber(live_server)
    user = create_user(live_server, "agent")
    sign_in(page, user.username)
    _try_call(page, number, "02079460000")
    assert page.locator("#decision-shown").inner_text() == f"Caller's number shown: {number}"

    page.goto(f"/subscribers/{subscriber_id}")
    page.get_by_role("link", name="Caller ID settings, traces and forwarding").click()
    page.get_by_label("Withhold this line's number on every call").check()
    page.get_by_label("Who asked").fill("Cleo Caller")
    page.get_by_label("How they asked").select_option("phone")
    page.get_by_role("button", name="Save caller ID settings").click()
    assert "They apply from the next call" in page.locator(".flash").inner_text()
    assert page.get_by_role("cell", name="Cleo Caller").is_visible()  # the history row

    _try_call(page, number, "02079460000")
    assert page.locator("#decision-shown").inner_text() == "Caller's number not shown"
    assert "PECR reg 10(2)" in page.locator("#decision-reasons").inner_text()
    _try_call(page, number, "147002079460000")
    assert page.locator("#decision-shown").inner_text() == f"Caller's number shown: {number}"
    assert page.locator("#decision-dialled").inner_text() == "02079460000"


def test_the_public_page_needs_no_sign_in_and_shows_the_codes(page):
    page.goto("/caller-id")
    table = page.locator("#cli-services").inner_text()
    assert "Dial 141 before the number" in table and "Dial 1470 before the number" in table
