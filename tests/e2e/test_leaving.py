"""Leaving through a real browser: an agent records that one line leaves, then that the subscriber leaves,
through the forms on the subscriber page; the "Leaving and erasure" box then says what is still kept,
why, and that erasure must wait for it."""

from __future__ import annotations

import json
import re
import uuid
from datetime import UTC, datetime, timedelta

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
LONG_NAME = "Αλέξανδρος-Κωνσταντίνος Παπαδόπουλος-Χατζηγεωργίου και Συνεργάτες Τηλεπικοινωνιών"


def subscriber_with_a_billed_call(live_server, name: str = LONG_NAME) -> tuple[int, list[int]]:
    """A subscriber with two lines, the first with an unbilled call (kept for its bill)."""
    suffix = uuid.uuid4().int % 10_000
    numbers = [f"+44113496{suffix:04d}", f"+44207946{suffix:04d}"]
    data = SubscriberCreate(
        kind="individual", name=name, address="Flat 12, Πολυκατοικία Ακρόπολις, 3 Park Row, Leeds LS1 5HD",
        account_reference=f"E2E-LV-{suffix}", lines=[{"number": n, "service": "fixed"} for n in numbers],
    )  # fmt: skip
    now = datetime.now(UTC)
    call = {"source_record_id": f"lv-{suffix}", "kind": "call", "direction": "outgoing", "line": numbers[0],
            "start_at": (now - timedelta(days=2)).isoformat(), "duration_seconds": 120, "other_party": "+442079460123",
            "charge_pence": 30, "bill_ref": f"E2E-LV-{suffix}"}  # fmt: skip
    with Session(live_server.engine) as session:
        subscriber = subscribers.create_subscriber(session, actor=system_actor("e2e"), now=now, data=data)
        report = traffic.import_batch(
            session, body=json.dumps(call) + "\n", actor=system_actor("e2e"), now=now,
            master_key=live_server.settings.master_key_value(), policy=RetentionPolicy(),
            store=KeyStore(live_server.settings.key_store),
        )  # fmt: skip
        assert report.written == 1, report.errors
        session.commit()
        return subscriber.id, [line.id for line in subscribers.lines_of(session, subscriber.id)]


def record_leave(page, link: str) -> None:
    page.get_by_role("link", name=link).click()
    page.get_by_label("Why it left").select_option("ported_out")
    page.get_by_role("button", name="Record the leave").click()
    assert "The leave is recorded." in page.locator(".flash").inner_text()


def test_a_line_then_the_subscriber_leave_and_the_summary_says_what_is_kept_and_why(page, live_server):
    subscriber_id, (billed_line, other_line) = subscriber_with_a_billed_call(live_server)
    sign_in(page, create_user(live_server, "agent").username)
    page.goto(f"/subscribers/{subscriber_id}")
    page.locator(f"#line-{other_line}").get_by_role("link", name="Record that it leaves").click()
    assert "leaves" in page.get_by_role("heading", level=1).inner_text()
    page.get_by_label("Why it left").select_option("ceased")
    page.get_by_role("button", name="Record the leave").click()
    page.wait_for_url(re.compile(rf"/subscribers/{subscriber_id}#leaving$"))
    assert "Left" in page.locator(f"#line-{other_line}").inner_text()
    leaving = page.locator("#leaving")
    other_number = page.locator(f"#line-{other_line} .number").first.inner_text()
    assert re.search(rf"Lines that left: line {other_number} on .+ \(ceased\)", leaving.inner_text())
    assert page.locator(f"#line-{billed_line}").get_by_role("link", name="Record that it leaves").is_visible()

    record_leave(page, "Record that the subscriber leaves")
    summary = leaving.inner_text()
    assert re.search(r"Left on \d{1,2} \w{3} \d{4} \(ported out\)", summary)
    assert "It takes no new consents or changes to its settings." in summary
    kept = leaving.get_by_role("region", name="What is kept")
    row = kept.get_by_role("row").filter(has_text="traffic records, billing")
    assert row.get_by_role("cell").nth(1).inner_text() == "unbilled: kept for the bill it will be on"
    assert row.get_by_role("cell").nth(2).inner_text() == "1"
    assert "Erasure must wait:" in summary
    assert leaving.get_by_role("link", name="Erase the subscriber").is_visible()
    assert page.locator(f"#line-{billed_line}").get_by_role("link", name="Record that it leaves").count() == 0
