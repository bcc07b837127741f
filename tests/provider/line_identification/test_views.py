"""Caller ID pages: the subscriber-page panel, the settings form (errors named, input kept), the trace
and forwarding forms, the overview's decision form, the public page made from the settings."""

from __future__ import annotations

from types import SimpleNamespace

import pytest

from provider.security.actor import system_actor
from provider.subscribers import service as subscribers
from provider.subscribers.models import SubscriberCreate
from tests.conftest import csrf_from

ACTOR = system_actor("tests")


@pytest.fixture
def line(session, clock):
    data = SubscriberCreate(
        kind="individual",
        name="Dee",
        address="3 Mill Lane",
        account_reference="ACC-V",
        lines=[{"number": "02079460077", "service": "fixed"}],
    )
    subscriber = subscribers.create_subscriber(session, actor=ACTOR, now=clock.now(), data=data)
    session.commit()
    found = subscribers.lines_of(session, subscriber.id)[0]
    plain = SimpleNamespace(id=found.id, subscriber_id=found.subscriber_id)
    session.rollback()  # SQLite: no transaction left holding the write lock while the app runs
    return plain


def test_the_panel_links_to_the_settings_and_the_form_names_each_problem(signed_in, line):
    agent = signed_in("agent")
    page = agent.get(f"/subscribers/{line.subscriber_id}")
    assert "Caller ID (CLI)" in page.text and f"/lines/{line.id}/cli" in page.text
    form = agent.get(f"/subscribers/{line.subscriber_id}/lines/{line.id}/cli")
    token = csrf_from(form.text)
    url = f"/subscribers/{line.subscriber_id}/lines/{line.id}/cli"
    bad = agent.post(url, data={"csrf_token": token, "withhold_all": "yes", "channel": "phone"})
    assert bad.status_code == 422 and "Enter who asked for the change" in bad.text
    assert 'id="withhold_all" name="withhold_all" value="yes" checked' in bad.text  # kept
    good = agent.post(url, data={"csrf_token": token, "withhold_all": "yes", "channel": "web", "requested_by": "Dee"})
    assert good.status_code == 303
    page = agent.get(f"/subscribers/{line.subscriber_id}")
    assert "Withholds its number on every call" in page.text


def test_an_auditor_reads_but_cannot_change(signed_in, line):
    auditor = signed_in("auditor")
    page = auditor.get(f"/subscribers/{line.subscriber_id}/lines/{line.id}/cli")
    assert page.status_code == 200 and "Save caller ID settings" not in page.text


def test_a_trace_is_requested_and_decided_through_the_pages(signed_in, line):
    agent = signed_in("agent")
    form = agent.get(f"/subscribers/{line.subscriber_id}/lines/{line.id}/traces/new")
    token = csrf_from(form.text)
    made = agent.post(
        f"/subscribers/{line.subscriber_id}/lines/{line.id}/traces/new",
        data={"csrf_token": token, "requested_by": "Dee", "channel": "phone", "description": "Calls at 3am"},
    )
    assert made.status_code == 303
    trace_url = made.headers["location"]
    missing = agent.post(f"{trace_url}/decision", data={"csrf_token": token, "necessary_and_expedient": "yes"})
    assert missing.status_code == 422 and "Enter the reasons" in missing.text
    decided = agent.post(
        f"{trace_url}/decision", data={"csrf_token": token, "necessary_and_expedient": "yes", "reasons": "Threats"}
    )
    assert decided.status_code == 303, decided.text[decided.text.find("<main") :][:1500]
    page = agent.get(trace_url)
    assert "Approved: necessary and expedient" in page.text and "Record the disclosure" in page.text


def test_the_overview_decides_a_call_and_names_bad_input(signed_in, line):
    agent = signed_in("agent")
    page = agent.get("/line-identification", params={"network_number": "+442079460077", "dialled": "999"})
    assert "PECR reg 16" in page.text and "Connected" in page.text
    bad = agent.get("/line-identification", params={"network_number": "", "dialled": "1"})
    assert bad.status_code == 422 and "network number" in bad.text


def test_the_public_page_is_made_from_the_settings(app, client, settings):
    settings.cli_withhold_prefix, settings.cli_rejection_charge = "*67", "£1 a month"
    page = client.get("/caller-id")
    assert page.status_code == 200 and "Dial *67 before the number" in page.text and "£1 a month" in page.text


def test_the_roaming_setting_is_shown_and_the_overview_takes_the_roaming_indicator(signed_in, line, client, settings):
    agent = signed_in("agent")
    abroad = {"network_number": "+447700900123", "origin": "international", "dialled": "02079460002"}
    page = agent.get("/line-identification", params=abroad)
    assert (
        "whose roaming is not verified" in page.text
        and "Blocked unless the switch says the call is roaming" in page.text
    )
    assert "Blocked" in page.text and "not verified" in page.text
    roaming = agent.get("/line-identification", params={**abroad, "roaming": "yes"})
    assert "Connected" in roaming.text and "roaming abroad" in roaming.text
    bad = agent.get("/line-identification", params={**abroad, "roaming": "perhaps"})
    assert bad.status_code == 422 and "roaming" in bad.text
    assert "whose roaming is verified" in client.get("/caller-id").text
    settings.cli_unverified_uk_mobile_roaming = True
    assert "Carried as roaming" in agent.get("/line-identification").text
    assert "whose roaming is verified" not in client.get("/caller-id").text
