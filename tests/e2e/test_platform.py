"""The platform through a real browser: sign-in, two-step verification, a subscriber form, CSRF.

These prove the wiring a person relies on (cookies, redirects, forms without JavaScript, error
summaries that keep the input); the rules themselves are tested beside each package.
"""

from __future__ import annotations

import re
import time
from datetime import UTC, datetime

import pyotp
import pytest

from tests.e2e.conftest import create_user, sign_in, sign_out, unique_username

pytestmark = pytest.mark.e2e


def test_sign_in_opens_the_dashboard_and_sign_out_ends_it(page, live_server):
    user = create_user(live_server, "auditor")
    sign_in(page, user.username)
    assert page.url == f"{live_server.url}/"
    assert page.get_by_role("button", name="Sign out").is_visible()
    sign_out(page)
    page.goto("/")
    assert page.url.endswith("/login"), "a signed-out browser still reached the dashboard"


def test_wrong_password_shows_the_error_summary_and_keeps_the_username(page, live_server):
    user = create_user(live_server, "auditor")
    sign_in(page, user.username, password="not the right password")
    assert page.locator(".error-summary").get_by_text("There is a problem").is_visible()
    assert page.get_by_label("Username").input_value() == user.username
    assert page.get_by_label("Password").input_value() == ""


def _step(totp: pyotp.TOTP) -> int:
    return totp.timecode(datetime.now(UTC))


def _next_code(totp: pyotp.TOTP, used_step: int) -> str:
    """Wait, as a person would, until the authenticator shows a code it has not shown before.

    The server refuses a code from a time step that was already used (replay protection), and the
    code that turned verification on used one.
    """
    while _step(totp) <= used_step:
        time.sleep(0.5)
    return totp.now()


def _enrol_totp(page) -> tuple[pyotp.TOTP, int]:
    """Set up two-step verification from /account, reading the key the page shows as a person would.

    Returns the authenticator and the time step of the code used to confirm it.
    """
    page.goto("/account")
    page.get_by_role("button", name="Set up two-step verification").click()
    secret = page.locator("#totp-secret").inner_text().strip()
    assert re.fullmatch(r"[A-Z2-7]{16,}", secret), f"the page does not show a base32 key: {secret!r}"
    totp = pyotp.TOTP(secret)
    used_step = _step(totp)
    page.get_by_label("Verification code").fill(totp.at(used_step * totp.interval))
    page.get_by_role("button", name="Turn on two-step verification").click()
    page.wait_for_url("**/account")
    return totp, used_step


def test_enrolled_user_must_give_a_code_at_the_next_sign_in(page, live_server):
    user = create_user(live_server, "compliance_officer")
    sign_in(page, user.username)
    totp, used_step = _enrol_totp(page)
    assert page.get_by_role("status").get_by_text("Two-step verification is on").is_visible()
    sign_out(page)

    sign_in(page, user.username)
    page.wait_for_url("**/login/mfa")
    page.goto("/")
    assert page.url.endswith("/login/mfa"), "the password alone opened the dashboard"

    page.get_by_label("Verification code").fill(totp.at(used_step * totp.interval))
    page.get_by_role("button", name="Continue").click()
    assert page.locator(".error-summary").is_visible(), "the code already used at enrolment was accepted again"

    page.get_by_label("Verification code").fill(_next_code(totp, used_step))
    page.get_by_role("button", name="Continue").click()
    page.wait_for_url(f"{live_server.url}/")
    assert page.get_by_role("button", name="Sign out").is_visible()


NAME = re.compile(r"^Name")
ADDRESS = re.compile(r"^Postal address")
ACCOUNT = re.compile(r"^Account reference")
LINE_NUMBER = re.compile(r"^First line number")


def _open_new_subscriber_form(page, live_server) -> None:
    user = create_user(live_server, "agent")
    sign_in(page, user.username)
    response = page.goto("/subscribers/new")
    assert response is not None and response.status == 200, f"/subscribers/new answered {response and response.status}"


def _fill_subscriber(page, *, name: str, account: str, line_number: str) -> None:
    page.get_by_label(NAME).fill(name)
    page.get_by_label(ADDRESS).fill("12 Analytical Row\nLondon\nSW1A 1AA")
    page.get_by_label(ACCOUNT).fill(account)
    page.get_by_label(LINE_NUMBER).fill(line_number)


def test_agent_creates_a_subscriber_with_a_line(page, live_server):
    _open_new_subscriber_form(page, live_server)
    name = f"Ada Lovelace {unique_username('e2e')}"
    _fill_subscriber(page, name=name, account=unique_username("ACC"), line_number="020 7946 0018")
    page.get_by_role("button", name="Add subscriber").click()
    page.wait_for_url(re.compile(r"/subscribers/\d+$"))
    assert page.get_by_role("status").get_by_text("Subscriber created").is_visible()
    assert page.get_by_text(name).first.is_visible()
    assert page.get_by_text(re.compile(r"020\s?7946\s?0018|\+44\s?20\s?7946\s?0018")).first.is_visible()


def test_invalid_line_number_shows_the_error_summary_and_keeps_the_other_fields(page, live_server):
    _open_new_subscriber_form(page, live_server)
    account = unique_username("ACC")
    _fill_subscriber(page, name="Grace Hopper", account=account, line_number="12345")
    with page.expect_response(lambda response: response.request.method == "POST") as posted:
        page.get_by_role("button", name="Add subscriber").click()
    assert posted.value.status == 422
    summary = page.locator(".error-summary")
    assert summary.get_by_text("There is a problem").is_visible()
    assert summary.get_by_role("link", name=re.compile("First line number")).get_attribute("href") == "#line_number"
    assert page.get_by_label(NAME).input_value() == "Grace Hopper"
    assert page.get_by_label(ACCOUNT).input_value() == account
    assert "Analytical Row" in page.get_by_label(ADDRESS).input_value()
    assert page.get_by_label(LINE_NUMBER).input_value() == "12345"
    assert page.goto(f"/subscribers?q={account}").status == 200
    assert page.get_by_text("Grace Hopper").count() == 0, "the invalid form still created a subscriber"


def test_a_form_posted_without_its_csrf_token_is_refused(page, live_server):
    _open_new_subscriber_form(page, live_server)
    account = unique_username("ACC")
    _fill_subscriber(page, name="Forged Request", account=account, line_number="020 7946 0019")
    removed = page.evaluate("""() => {
        const field = document.querySelector('form[action="/subscribers/new"] input[name=csrf_token]');
        if (field) field.remove();
        return field !== null;
    }""")
    assert removed, "the subscriber form carries no csrf_token field"
    with page.expect_response(lambda response: response.request.method == "POST") as posted:
        page.get_by_role("button", name="Add subscriber").click()
    assert posted.value.status == 403
    assert page.get_by_text("security token").is_visible()
    assert page.goto(f"/subscribers?q={account}").status == 200
    assert page.get_by_text("Forged Request").count() == 0, "the forged form still created a subscriber"
