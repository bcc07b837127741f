"""Capturing and withdrawing a traffic-data consent through the consent page in a real browser, and
the provider's systems seeing `authorise` change with it at once."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime

import httpx
import pytest
from sqlmodel import Session

from provider.security import tokens
from provider.subscribers import service as subscribers
from provider.subscribers.models import SubscriberCreate, SubscriberKind
from tests.e2e.conftest import E2E_ACTOR, LiveServer, create_user, sign_in
from tests.traffic.consent.support import WORDING
from traffic.consent import notices
from traffic.consent.models import NoticeKind

pytestmark = pytest.mark.e2e


def _subscriber_and_token(live_server: LiveServer) -> tuple[int, str]:
    """A subscriber of its own (one server serves the whole session), the marketing notice's wording
    (saving the same words again changes nothing), and a token for the marketing system."""
    now = datetime.now(UTC)
    bot = create_user(live_server, "agent")
    with Session(live_server.engine, expire_on_commit=False) as session:
        subscriber = subscribers.create_subscriber(
            session,
            actor=E2E_ACTOR,
            now=now,
            data=SubscriberCreate(
                kind=SubscriberKind.individual,
                name="Grace Hopper",
                address="3 Compiler Close",
                account_reference=f"E2E-{uuid.uuid4().hex[:8]}",
            ),
        )
        parts = WORDING[NoticeKind.marketing]
        notices.save_wording(session, actor=E2E_ACTOR, now=now, notice=NoticeKind.marketing, service=None, parts=parts)
        _token, secret = tokens.create_token(session, actor=E2E_ACTOR, now=now, user=bot, name="marketing-system")
        session.commit()
    return subscriber.id, secret


def _allowed(live_server: LiveServer, secret: str, subscriber_id: int) -> bool:
    response = httpx.post(
        f"{live_server.url}/api/v1/traffic/authorise",
        json={"subscriber_id": subscriber_id, "data_kind": "traffic", "purpose": "marketing"},
        headers={"Authorization": f"Bearer {secret}"},
    )
    assert response.status_code == 200, response.text
    return response.json()["allowed"]


def test_an_agent_captures_then_withdraws_a_marketing_consent_and_authorise_follows(page, live_server):
    subscriber_id, secret = _subscriber_and_token(live_server)
    assert _allowed(live_server, secret, subscriber_id) is False
    agent = create_user(live_server, "agent")
    sign_in(page, agent.username)
    page.goto(f"/subscribers/{subscriber_id}")
    page.get_by_role("link", name="Notices, consents and location privacy").click()

    serve = page.locator("form[action$='/consent/notices']")
    serve.get_by_label("Notice").select_option(label="Marketing notice")
    serve.get_by_label("How it was given").select_option(label="Telephone")
    serve.get_by_role("button", name="Record the notice as served").click()
    assert page.get_by_text("Recorded the notice as served.").is_visible()

    form = page.locator("form[action$='/consent/consents']")
    form.get_by_label("Consent to").select_option(label="Traffic data for marketing")
    form.get_by_label("How they agreed").select_option(label="Call centre")
    form.get_by_role("button", name="Record the consent").click()
    assert page.locator(".error-summary").get_by_text("names the agent").first.is_visible()
    form = page.locator("form[action$='/consent/consents']")
    form.get_by_label("Agent").fill("Sam Agent")
    form.get_by_label("Script version").fill("MKT-2026-4")
    form.get_by_role("button", name="Record the consent").click()
    assert page.get_by_text("Recorded the consent.").is_visible()
    assert _allowed(live_server, secret, subscriber_id) is True

    withdraw = page.locator("form[action$='/consent/withdrawals']")
    withdraw.get_by_label("How they asked").select_option(label="Web")
    withdraw.get_by_role("button", name="Withdraw the consent").click()
    assert page.get_by_text("Withdrew the consent").is_visible()
    assert _allowed(live_server, secret, subscriber_id) is False
    history = page.get_by_role("region", name="Consent history")
    assert history.get_by_text("Withdrawn").is_visible() and history.get_by_text("script MKT-2026-4").is_visible()
