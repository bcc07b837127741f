"""Pages on a phone: at 390 px wide no page scrolls sideways; tables scroll inside their own box.

Every HTML page the app answers without parameters is visited, found by walking the app's routes (so a
page added later is covered), plus a breach and a subscriber holding long text and non-Latin names.
Screenshots of the breach form with errors, at desktop and phone widths, are left in test-artifacts/.
"""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta

import pytest
from sqlmodel import Session

from breach import service as breach_service
from breach.models import BreachCreate, Circumstance, DataCategory
from provider.security.roles import Role
from provider.subscribers import service as subscriber_service
from provider.subscribers.models import LineCreate, LineService, SubscriberCreate, SubscriberKind
from provider.web.app import create_app
from tests.e2e.conftest import ARTIFACTS, E2E_ACTOR, LiveServer, create_user, sign_in, unique_username
from tests.provider.route_walk import endpoints

pytestmark = pytest.mark.e2e
PHONE = {"width": 390, "height": 844}
DESKTOP = {"width": 1280, "height": 900}
NAMES = "Zoë Ångström-Øvergård 山田太郎"
LONG_WORD = "Überschallgeschwindigkeitsflugzeugwartungsprotokolldatenbankexport" * 2
# Downloads and machine-readable answers, not pages a person reads.
NOT_PAGES = re.compile(r"\.(csv|pdf|zip|json)$|^/(healthz|logout)")


def _record_examples(live_server: LiveServer) -> tuple[int, int]:
    """A breach and a subscriber whose words are long and not all Latin, through the real services."""
    now = datetime.now(UTC)
    with Session(live_server.engine, expire_on_commit=False) as session:
        breach = breach_service.create_breach(
            session,
            actor=E2E_ACTOR,
            now=now,
            data=BreachCreate(
                title=f"Export of {NAMES}'s itemised calls sent to the wrong address {LONG_WORD}"[:200],
                circumstance=Circumstance.misdirection,
                detected_at=now - timedelta(hours=5),
                aware_at=now - timedelta(hours=4),
                data_categories=[DataCategory.itemised_call_lists, DataCategory.contact_details],
                summary=f"{NAMES} reported it. {LONG_WORD} " * 8,
                aware_recorded_by=NAMES,
            ),
            log_due_day=live_server.settings.breach_log_due_day,
        )
        subscriber = subscriber_service.create_subscriber(
            session,
            actor=E2E_ACTOR,
            now=now,
            data=SubscriberCreate(
                kind=SubscriberKind.individual,
                name=NAMES,
                address=f"Flat 3, {LONG_WORD} House\n1 Long Road\nLeeds LS1 1AA",
                email="zoe.angstrom-overgard@example.com",
                account_reference=unique_username("ACC"),
                lines=[
                    LineCreate(number="07700 900" + str(now.microsecond % 1000).zfill(3), service=LineService.mobile)
                ],
            ),
        )
        session.commit()
        return breach.id, subscriber.id


def _pages(live_server: LiveServer) -> list[str]:
    app = create_app(settings=live_server.settings, engine=live_server.engine)
    paths = {
        endpoint.path
        for endpoint in endpoints(app)
        if endpoint.method == "GET"
        and not endpoint.is_api
        and "{" not in endpoint.path
        and not any(field.field_info.is_required() for field in endpoint.dependant.query_params)
    }
    return sorted(path for path in paths if not NOT_PAGES.search(path))


def _scroll_width(page, path: str) -> int:
    response = page.goto(path)
    assert response is not None and response.status < 400, f"{path}: {response and response.status}"
    assert "text/html" in response.headers.get("content-type", ""), path
    return page.evaluate("document.documentElement.scrollWidth")


def test_no_page_scrolls_sideways_on_a_390_px_phone(browser, live_server):
    breach_id, subscriber_id = _record_examples(live_server)
    admin = create_user(live_server, Role.admin)
    context = browser.new_context(base_url=live_server.url, viewport=PHONE, locale="en-GB", timezone_id="Europe/London")
    page = context.new_page()
    try:
        sign_in(page, admin.username)
        paths = _pages(live_server) + [f"/breaches/{breach_id}", f"/subscribers/{subscriber_id}"]
        assert {"/", "/breaches", "/breaches/new", "/breaches/log", "/subscribers", "/audit"} <= set(paths)
        too_wide = {path: width for path in paths if (width := _scroll_width(page, path)) > PHONE["width"]}
        if too_wide:
            ARTIFACTS.mkdir(exist_ok=True)
            page.goto(next(iter(too_wide)))
            page.screenshot(path=str(ARTIFACTS / "phone-too-wide.png"), full_page=True)
        assert not too_wide, f"pages wider than {PHONE['width']} px: {too_wide}"
        page.goto(f"/breaches/{breach_id}")
        box = page.get_by_role("region", name="Deadlines", exact=True)
        assert box.get_attribute("tabindex") == "0", "a table's box can be focused and scrolled from the keyboard"
    finally:
        context.close()


@pytest.mark.parametrize(("name", "viewport"), [("desktop", DESKTOP), ("phone", PHONE)])
def test_the_breach_form_with_errors_long_text_and_non_latin_names_is_shown_whole(browser, live_server, name, viewport):
    manager = create_user(live_server, Role.breach_manager)
    context = browser.new_context(
        base_url=live_server.url, viewport=viewport, locale="en-US", timezone_id="America/New_York"
    )
    page = context.new_page()
    try:
        sign_in(page, manager.username)
        page.goto("/breaches/new")
        page.get_by_label(re.compile(r"^Title")).fill(f"{NAMES} {LONG_WORD}"[:200])
        page.get_by_label(re.compile(r"^Number of people affected")).fill("lots")
        group = page.get_by_role("group", name=re.compile(r"^When it was detected"))
        group.get_by_label("Day", exact=True).fill("3")
        group.get_by_label("Month", exact=True).fill("4")
        group.get_by_label("Time (24-hour)", exact=True).fill("14:30")
        page.get_by_label("Summary of the incident").fill(f"{NAMES}: {LONG_WORD}")
        page.get_by_role("button", name="Record the breach").click()
        page.wait_for_load_state()
        assert page.title().startswith("Error: ")
        summary = page.locator(".error-summary[role=alert]")
        assert summary.get_by_role(
            "link", name=re.compile("^Number of people affected must be a whole number")
        ).is_visible()
        assert summary.get_by_role("link", name="When it was detected must include a year").is_visible()
        # A US browser still sees day, month, year: the boxes keep what was typed, in that order.
        assert group.get_by_label("Day", exact=True).input_value() == "3"
        assert group.get_by_label("Month", exact=True).input_value() == "4"
        assert page.get_by_text("UK time (Europe/London)").first.is_visible()
        assert page.evaluate("document.documentElement.scrollWidth") <= viewport["width"]
        ARTIFACTS.mkdir(exist_ok=True)
        page.screenshot(path=str(ARTIFACTS / f"breach-form-errors-{name}.png"), full_page=True)
        summary.get_by_role("link", name="When it was detected must include a year").click()
        assert page.evaluate("document.querySelector(':target').id") == "detected_at-year", "it lands on the box"
    finally:
        context.close()
