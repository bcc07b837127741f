"""First sign-in through a real browser: the initial password is changed before anything opens, an
administrator is then asked to set up two-step verification, and the Content-Security-Policy blocks
nothing the pages need (chromium reports any violation on the console)."""

from __future__ import annotations

import re

import pytest
from sqlmodel import Session

from provider.clock import SystemClock
from provider.security import accounts
from tests.e2e.conftest import E2E_ACTOR, sign_in, sign_out, unique_username

pytestmark = pytest.mark.e2e
INITIAL = "initial password from the administrator"
OWN = "a password only I know 77"


def _account_with_initial_password(live_server, role: str) -> str:
    username = unique_username(role)
    with Session(live_server.engine, expire_on_commit=False) as session:
        accounts.create_user(
            session, actor=E2E_ACTOR, now=SystemClock().now(), username=username, password=INITIAL, role=role,
            must_change_password=True,
        )  # fmt: skip
        session.commit()
    return username


def test_first_sign_in_changes_the_initial_password_then_asks_an_admin_for_mfa(page, live_server):
    violations: list[str] = []
    page.on(
        "console",
        lambda message: violations.append(message.text) if "Content Security Policy" in message.text else None,
    )
    username = _account_with_initial_password(live_server, "admin")
    sign_in(page, username, INITIAL)
    page.wait_for_url("**/account")
    assert page.get_by_role("status").get_by_text("Choose your own password").is_visible()
    page.goto("/admin/users")
    assert page.url.endswith("/account"), "another page opened before the initial password was changed"

    page.locator("#current_password").fill(INITIAL)
    page.locator("#new_password").fill(OWN)
    page.locator("#confirm_password").fill(OWN)
    page.get_by_role("button", name="Change password").click()
    page.wait_for_url("**/account")
    sign_out(page)

    sign_in(page, username, OWN)
    page.wait_for_url("**/account")
    assert page.get_by_role("status").get_by_text("two-step verification").is_visible(), "the admin is not asked"
    assert page.locator("#setup-pending").is_visible()
    page.get_by_role("button", name="Set up two-step verification").click()
    assert re.fullmatch(r"[A-Z2-7]{16,}", page.locator("#totp-secret").inner_text().strip())
    response = page.goto("/admin/users")
    assert response is not None and response.status == 200, "asked, not forced, where the setting is off"
    assert violations == [], violations
