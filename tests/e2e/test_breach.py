"""A breach through a real browser: record it, see its deadlines, be refused, fix it, file, download.

The live server runs on the system clock, so times are typed relative to now (as a person would) and
the expected deadline is worked out here from the typed wall-clock time, independently of the app.
"""

from __future__ import annotations

import hashlib
import re
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from sqlmodel import Session

from provider.clock import format_local, london, parse_local
from provider.profile.models import ProfileUpdate
from provider.profile.service import find_profile, update_profile
from tests.e2e.conftest import E2E_ACTOR, LiveServer, create_user, fill_date_time, sign_in

pytestmark = pytest.mark.e2e
LOCAL_INPUT = "%Y-%m-%dT%H:%M"


def _ensure_profile(live_server: LiveServer) -> None:
    """The ICO form prints the provider's name and contact point: an administrator sets them once."""
    with Session(live_server.engine, expire_on_commit=False) as session:
        if find_profile(session) is None:
            update_profile(
                session,
                actor=E2E_ACTOR,
                now=datetime.now(UTC),
                data=ProfileUpdate(
                    legal_name="Northwind Telecom Limited",
                    address="1 Exchange Street, Leeds LS1 1AA",
                    ico_registration_number="Z1234567",
                    contact_name="Dana Scully",
                    contact_email="dpo@northwind.example.com",
                    contact_phone="0113 496 0000",
                ),
            )
            session.commit()


def _typed(hours_ago: float) -> str:
    """What a person in London types for a moment `hours_ago` (always an existing wall-clock time)."""
    return london(datetime.now(UTC) - timedelta(hours=hours_ago)).strftime(LOCAL_INPUT)


def _record_without_other_providers(page, title: str) -> str:
    """Fill the form with every initial-notification field except 'other providers'; returns aware_at."""
    aware_at = _typed(2)
    page.goto("/breaches/new")
    page.get_by_label(re.compile(r"^Title")).fill(title)
    page.get_by_label(re.compile(r"^Circumstances")).select_option("theft")
    fill_date_time(page, "When the breach happened", _typed(5))
    page.get_by_label("This is an estimate").check()
    fill_date_time(page, re.compile(r"^When it was detected"), _typed(3))
    fill_date_time(page, re.compile(r"^When the provider became aware"), aware_at)
    page.get_by_label("Location data").check()
    page.get_by_label("Itemised call lists").check()
    page.get_by_label("Nature and content of the personal data").fill("Cell-site history of 40 subscribers")
    page.get_by_label(re.compile(r"^Technical and organisational measures")).fill("Full-disk encryption")
    page.get_by_role("button", name="Record the breach").click()
    page.wait_for_url(re.compile(r"/breaches/\d+$"))
    return aware_at


def test_record_file_and_download_a_breach_notification(page, live_server, tmp_path: Path):
    _ensure_profile(live_server)
    user = create_user(live_server, "breach_manager")
    sign_in(page, user.username)
    aware_typed = _record_without_other_providers(page, "Stolen field-engineer laptop")

    # DUAA: 72 hours counted from the next whole hour after awareness -> floored hour + 73 hours.
    aware = parse_local(aware_typed)
    statutory_due = aware.replace(minute=0, second=0, microsecond=0) + timedelta(hours=73)
    deadlines = page.locator("table").first
    assert deadlines.get_by_text(format_local(statutory_due)).is_visible()
    assert deadlines.get_by_text("Statutory deadline").is_visible()
    assert deadlines.get_by_text("Internal target (policy)").first.is_visible()
    assert page.locator("svg.timeline title").first.text_content().startswith("Deadlines for BR-")

    page.get_by_role("link", name="File an ICO notification").click()
    page.get_by_role("button", name="File the initial notification").click()
    summary = page.locator(".error-summary[role=alert]")
    assert summary.get_by_text("There is a problem").is_visible()
    assert summary.get_by_role("link", name=re.compile("relevant use of other providers")).is_visible()
    assert summary.get_by_role("link").count() == 1, summary.inner_text()

    page.locator("li#other_providers").get_by_role("link").click()
    page.wait_for_url(re.compile(r"/edit"))
    page.get_by_label("Other providers involved").fill("none")
    page.get_by_role("button", name="Save changes").click()
    page.wait_for_url(re.compile(r"/breaches/\d+$"))

    page.get_by_role("link", name="File an ICO notification").click()
    assert page.get_by_text("Everything this stage needs has been recorded").is_visible()
    # The draft first: the same document, watermarked, nothing stored.
    assert page.get_by_role("button", name="Preview the draft PDF").is_visible()
    draft = page.request.get(page.url.split("?")[0] + "/draft.pdf?stage=initial")
    assert draft.ok and draft.body().startswith(b"%PDF")
    page.get_by_role("button", name="File the initial notification").click()
    page.wait_for_url(re.compile(r"/breaches/\d+/filings/\d+/submission$"))
    assert page.get_by_role("status").first.get_by_text("made permanent").is_visible()

    with page.expect_download() as download_info:
        page.get_by_role("link", name="Download the PDF").click()
    saved = tmp_path / download_info.value.suggested_filename
    download_info.value.save_as(saved)
    content = saved.read_bytes()
    assert content.startswith(b"%PDF")
    assert saved.name.endswith("-initial.pdf")
    shown = page.locator("code.sha256").first.inner_text().strip()
    assert hashlib.sha256(content).hexdigest() == shown

    # Submitted through the ICO's form, then recorded here (the time defaults to now).
    page.get_by_label("How it was submitted").select_option("online_form")
    page.get_by_role("button", name="Record the submission").click()
    page.wait_for_url(re.compile(r"/submission$"))
    assert page.locator("#submitted-at").is_visible()
    page.get_by_role("link", name=re.compile("^Back to BR-")).click()
    assert page.locator("#next-action").is_visible()
