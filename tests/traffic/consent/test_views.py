"""The consent page's forms: serve a notice, record a consent, withdraw it, switch privacy on and off,
with errors named on the page."""

from __future__ import annotations

import re

import pytest

from provider.security.roles import Role
from tests.conftest import csrf_from
from tests.traffic.consent.support import build_world


@pytest.fixture
def world(session, clock):
    return build_world(session, clock.now())


def _post(client, url, **data):
    page = client.get(url.split("/consent/")[0] + "/consent")
    return client.post(url, data={"csrf_token": csrf_from(page.text), **data})


def test_an_agent_serves_a_notice_records_and_withdraws_a_consent(signed_in, world):
    client = signed_in(Role.agent)
    base = f"/subscribers/{world.subscriber_id}/consent"
    person = f"subscriber:{world.subscriber_id}"
    early = _post(client, f"{base}/consents", person=person, consent="traffic:marketing:", method="web")
    assert early.status_code == 422 and "never served to this person" in early.text
    served = _post(client, f"{base}/notices", person=person, notice="marketing:", channel="telephone")
    assert served.status_code == 303
    refused = _post(client, f"{base}/consents", person=person, consent="traffic:marketing:", method="call_centre")
    assert refused.status_code == 422 and "names the agent" in refused.text
    given = _post(
        client,
        f"{base}/consents",
        person=person,
        consent="traffic:marketing:",
        method="call_centre",
        agent_name="Sam",
        script_version="S-4",
    )
    assert given.status_code == 303, given.text
    page = client.get(base).text
    assert "Traffic data for marketing" in page and "script S-4" in page
    key = re.search(r'<option value="(subscriber:[^"]+)"', page.split('name="withdraw"')[1]).group(1)
    withdrawn = _post(client, f"{base}/withdrawals", withdraw=key, withdraw_method="web")
    assert withdrawn.status_code == 303, withdrawn.text
    assert "Withdrawn" in client.get(base).text
    assert "Traffic and location consent" in client.get(f"/subscribers/{world.subscriber_id}").text


def test_privacy_switch_is_shown_plainly_and_can_be_switched_off(signed_in, world):
    client = signed_in(Role.agent)
    base = f"/subscribers/{world.subscriber_id}/consent"
    too_long = _post(client, f"{base}/privacy-switches", line_id=str(world.line_id), hours="721")
    assert too_long.status_code == 422 and "1 to 720" in too_long.text
    assert _post(client, f"{base}/privacy-switches", line_id=str(world.line_id), hours="2").status_code == 303
    page = client.get(base).text
    assert "Location privacy is on for" in page and "999 and 112" in page
    switch_id = re.search(r"privacy-switches/(\d+)/off", page).group(1)
    assert _post(client, f"{base}/privacy-switches/{switch_id}/off").status_code == 303
    assert "Location privacy is off on every line" in client.get(base).text


def test_an_auditor_reads_the_page_without_forms(signed_in, world):
    client = signed_in(Role.auditor)
    page = client.get(f"/subscribers/{world.subscriber_id}/consent")
    assert page.status_code == 200 and "Record a consent" not in page.text
