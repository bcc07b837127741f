"""One subscriber through a real browser: an agent withholds the line's number and asks for bills without
itemisation; the next call decision hides the number and the month's bill, made from the network's
traffic records, stops listing calls."""

from __future__ import annotations

import json
import re
import uuid
from datetime import UTC, datetime

import pytest
from sqlmodel import Session

from provider.security.actor import system_actor
from provider.security.keystore import KeyStore
from provider.subscribers import service as subscribers
from provider.subscribers.models import SubscriberCreate
from tests.e2e.conftest import create_user, sign_in
from traffic import service as traffic
from traffic.rules import RetentionPolicy

pytestmark = pytest.mark.e2e


def _subscriber_with_traffic(live_server) -> tuple[int, str]:
    suffix = uuid.uuid4().int % 10_000
    number = f"+44113496{suffix:04d}"
    data = SubscriberCreate(
        kind="individual", name="Αλέξανδρος Παπαδόπουλος", address="3 Park Row, Leeds",
        account_reference=f"E2E-CB-{suffix}", lines=[{"number": number, "service": "fixed"}],
    )  # fmt: skip
    rows = [
        {"source_record_id": f"{suffix}-{n}", "kind": "call", "direction": "outgoing", "line": number,
         "start_at": f"2026-10-0{n}T09:00:00Z", "duration_seconds": 120, "other_party": other, "charge_pence": pence,
         "bill_ref": f"E2E-{suffix}"}
        for n, other, pence in ((1, "+442079460123", 30), (2, "08001111111", 0))
    ]  # fmt: skip
    now = datetime.now(UTC)
    with Session(live_server.engine) as session:
        subscriber = subscribers.create_subscriber(session, actor=system_actor("e2e"), now=now, data=data)
        report = traffic.import_batch(
            session, body="".join(json.dumps(row) + "\n" for row in rows), actor=system_actor("e2e"), now=now,
            master_key=live_server.settings.master_key_value(), policy=RetentionPolicy(),
            store=KeyStore(live_server.settings.key_store),
        )  # fmt: skip
        assert not report.errors, report.errors
        session.commit()
        return subscriber.id, number


def _decide(page, number: str) -> str:
    page.goto("/line-identification")
    page.get_by_label("Caller's network number").fill(number)
    page.get_by_label("Digits dialled").fill("02079460000")
    page.get_by_role("button", name="Decide").click()
    return page.locator("#decision-shown").inner_text()


def test_caller_id_and_bill_choices_take_effect_in_the_next_decision_and_the_next_bill(page, live_server):
    subscriber_id, number = _subscriber_with_traffic(live_server)
    sign_in(page, create_user(live_server, "agent").username)
    assert _decide(page, number) == f"Caller's number shown: {number}"
    page.goto(f"/subscribers/{subscriber_id}/bills/2026-10")
    assert page.locator("#bill-lines").get_by_text("+442079460123").is_visible()
    assert page.locator("#bill-lines").get_by_text("08001111111").count() == 0
    assert page.get_by_text("Made from: Our network's records").is_visible()

    page.goto(f"/subscribers/{subscriber_id}")
    page.get_by_role("link", name="Caller ID settings, traces and forwarding").click()
    page.get_by_label("Withhold this line's number on every call").check()
    page.get_by_label("Who asked").fill("Αλέξανδρος")
    page.get_by_label("How they asked").select_option("phone")
    page.get_by_role("button", name="Save caller ID settings").click()
    assert "They apply from the next call" in page.locator(".flash").inner_text()
    page.goto(f"/subscribers/{subscriber_id}")
    page.get_by_role("link", name="Change the bill choice").click()
    page.get_by_label(re.compile(r"^Bills")).select_option("no")
    page.get_by_label("How the subscriber asked").select_option("phone")
    page.get_by_role("button", name="Record the choice").click()
    page.wait_for_url(re.compile(rf"/subscribers/{subscriber_id}$"))

    assert _decide(page, number) == "Caller's number not shown"
    page.goto(f"/subscribers/{subscriber_id}/bills/2026-10")
    assert page.locator("#bill-lines").count() == 0
    assert page.locator("#bill-totals").get_by_text("£0.30").first.is_visible()
