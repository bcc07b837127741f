"""Directories through a real browser: an agent records an individual's choice with reverse-search consent
on the subscriber's page, finds them by reverse search, records a withdrawal, and no longer finds them."""

from __future__ import annotations

import random
import re

import pytest
from sqlmodel import Session

from directories import service as directory_service
from provider.clock import SystemClock
from provider.subscribers import service as subscriber_service
from provider.subscribers.models import LineCreate, LineService, SubscriberCreate, SubscriberKind
from tests.directories.conftest import NOTICE_TEXT
from tests.e2e.conftest import E2E_ACTOR, create_user, sign_in, unique_username

pytestmark = pytest.mark.e2e


def _individual(live_server) -> tuple[int, int, str, str]:
    number = f"07700 900{random.randrange(0, 1000):03d}"
    name = f"Ann Green {unique_username('dir')}"
    now = SystemClock().now()
    with Session(live_server.engine, expire_on_commit=False) as session:
        directory_service.save_notice(session, actor=E2E_ACTOR, now=now, parts=NOTICE_TEXT)
        subscriber = subscriber_service.create_subscriber(
            session,
            actor=E2E_ACTOR,
            now=now,
            data=SubscriberCreate(
                kind=SubscriberKind.individual,
                name=name,
                address="4 Mill Lane, Leeds LS2 7AA",
                account_reference=unique_username("DIR"),
                lines=[LineCreate(number=number, service=LineService.mobile)],
            ),
        )
        line = subscriber_service.lines_of(session, subscriber.id)[0]
        session.commit()
        return subscriber.id, line.id, line.number, name


def _reverse_search(page, number: str) -> str:
    page.goto("/directory")
    page.get_by_label("Number").fill(number)
    page.get_by_role("button", name="Find").click()
    page.wait_for_load_state()
    return page.locator("#reverse-result").inner_text()


def test_an_individual_with_reverse_consent_is_found_until_they_withdraw(page, live_server):
    subscriber_id, line_id, number, name = _individual(live_server)
    sign_in(page, create_user(live_server, "agent").username)
    page.goto(f"/subscribers/{subscriber_id}")
    page.locator(f"#directory-line-{line_id}").click()
    page.wait_for_url(re.compile(rf"/lines/{line_id}/directory$"))
    assert "Not listed" in page.locator("#directory-status").inner_text()
    page.get_by_label(re.compile("^Full listing")).check()
    page.get_by_label("Address shown", exact=True).select_option("full")
    page.get_by_label(re.compile("^Allow reverse search")).check()
    page.get_by_role("button", name="Record choice").click()
    page.wait_for_url(re.compile(rf"/lines/{line_id}/directory$"))
    assert page.get_by_role("status").get_by_text("Recorded the directory choice").is_visible()
    assert page.locator("#directory-reverse").inner_text() == "allowed"

    assert _reverse_search(page, number) == f"{name}, 4 Mill Lane, Leeds LS2 7AA"

    page.goto(f"/subscribers/{subscriber_id}/lines/{line_id}/directory")
    page.get_by_label("Request", exact=True).select_option("withdraw")
    page.get_by_role("button", name="Record request").click()
    page.wait_for_url(re.compile(rf"/lines/{line_id}/directory$"))
    assert "ex-directory" in page.locator("#directory-status").inner_text()

    assert _reverse_search(page, number) == "no directory entry can be given for this number."
