"""The CLI API: a line's settings (PUT/GET with history and audit), decisions one at a time and in a
batch, and a change applying to the very next decision on this replica and on another."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import select
from sqlmodel import Session

from provider.db.engine import make_engine
from provider.line_identification import cache, rules, service
from provider.line_identification.rules import Call, Origin, Prefixes
from provider.security.actor import system_actor
from provider.security.models import AuditEvent
from provider.subscribers import service as subscribers
from provider.subscribers.models import SubscriberCreate

ACTOR = system_actor("tests")
CALLER = "+442079460001"
CALLED = "+442079460002"
SETTINGS = {"requested_by": "Ann Example", "channel": "phone"}


@pytest.fixture
def lines(session, clock):
    """Two lines of one subscriber: {number: line id}."""
    data = SubscriberCreate(
        kind="individual",
        name="Ann Example",
        address="1 High Street",
        account_reference="ACC-1",
        lines=[{"number": CALLER, "service": "fixed"}, {"number": CALLED, "service": "mobile"}],
    )
    subscriber = subscribers.create_subscriber(session, actor=ACTOR, now=clock.now(), data=data)
    session.commit()
    found = {line.number: line.id for line in subscribers.lines_of(session, subscriber.id)}
    session.rollback()  # SQLite: no transaction left open to hold the write lock while the app runs
    return found


@pytest.fixture
def agent(api_client):
    return api_client("agent")


def _decide(client, **call):
    body = {"network_number": CALLER, "origin": "own_subscriber", "dialled": "02079460002", "called": CALLED, **call}
    response = client.post("/api/v1/cli/decide", json=body)
    assert response.status_code == 200, response.text
    return response.json()


def test_settings_are_read_changed_and_kept_in_history_with_audit(agent, lines, session):
    line_id = lines[CALLER]
    first = agent.get(f"/api/v1/lines/{line_id}/cli").json()
    assert first["withhold_all"] is False and first["history"] == [] and first["requested_by"] is None
    body = {**SETTINGS, "withhold_all": True, "reject_anonymous": True, "rejection_method": "device"}
    changed = agent.put(f"/api/v1/lines/{line_id}/cli", json=body)
    assert changed.status_code == 200, changed.text
    again = agent.put(f"/api/v1/lines/{line_id}/cli", json={**SETTINGS, "channel": "letter", "hide_incoming": True})
    shown = again.json()
    assert shown["withhold_all"] is False and shown["hide_incoming"] is True and shown["channel"] == "letter"
    assert [h["channel"] for h in shown["history"]] == ["letter", "phone"]
    assert shown["history"][1]["rejection_method"] == "device"
    events = list(
        session.execute(select(AuditEvent).where(AuditEvent.action == "line_identification.settings_changed")).scalars()
    )
    assert len(events) == 2 and events[0].entity_id == str(line_id)


def test_settings_input_is_checked(agent, lines):
    line_id = lines[CALLER]
    assert agent.put(f"/api/v1/lines/{line_id}/cli", json={"channel": "phone"}).status_code == 422
    bad = agent.put(f"/api/v1/lines/{line_id}/cli", json={**SETTINGS, "requested_by": "A\x00B"})
    assert bad.status_code == 422
    assert agent.put("/api/v1/lines/999999/cli", json=SETTINGS).status_code == 404
    future = agent.put(f"/api/v1/lines/{line_id}/cli", json={**SETTINGS, "requested_at": "2026-03-11T12:00:00Z"})
    assert future.status_code == 422 and "future" in future.text
    assert (
        agent.put(f"/api/v1/lines/{line_id}/cli", json={**SETTINGS, "requested_at": "2026-03-10T12:00"}).status_code
        == 422
    )


def test_a_change_applies_to_the_very_next_decision(agent, lines):
    assert _decide(agent)["caller_number_shown"] is True
    agent.put(f"/api/v1/lines/{lines[CALLER]}/cli", json={**SETTINGS, "withhold_all": True})
    answer = _decide(agent)
    assert answer["withheld"] is True and answer["caller_number_shown"] is False
    released = _decide(agent, dialled="147002079460002")
    assert released["caller_number_shown"] is True and released["dialled_number"] == "02079460002"
    agent.put(f"/api/v1/lines/{lines[CALLED]}/cli", json={**SETTINGS, "reject_anonymous": True})
    blocked = _decide(agent)
    assert blocked["blocked"] is True and any(r["rule"] == "PECR reg 11(3)" for r in blocked["reasons"])
    emergency = _decide(agent, dialled="999", called=None)
    assert emergency["caller_number_shown"] is True and emergency["shown_number"] == CALLER


def test_a_change_through_one_replica_reaches_another_replicas_next_decision(agent, lines, engine, clock):
    other = make_engine(engine.url.render_as_string(hide_password=False))
    call = Call(network_number=CALLER, origin=Origin.own_subscriber, dialled="02079460002", called=CALLED)
    try:
        with Session(other) as session:
            assert not service.decide_plain(session, prefixes=Prefixes(), now=clock.now(), calls=[call])[0].withheld
        agent.put(f"/api/v1/lines/{lines[CALLER]}/cli", json={**SETTINGS, "withhold_all": True})
        with Session(other) as session:
            assert service.decide_plain(session, prefixes=Prefixes(), now=clock.now(), calls=[call])[0].withheld
    finally:
        other.dispose()


def test_a_fresh_state_row_reloads_everything(lines, session, clock):
    """After the state row is made afresh (a restored or truncated database) the cache reloads fully,
    even when the version number happens to be the one it has already seen."""
    decision_cache = cache.DecisionCache()
    cache.bump(session, clock.now())
    session.commit()
    first = decision_cache.current(session)
    session.execute(cache.LineIdentificationState.__table__.delete())
    cache.bump(session, clock.now())
    session.commit()
    second = decision_cache.current(session)
    assert second.version == first.version and second.epoch != first.epoch and second is not first


def test_batch_answers_in_order_and_checks_its_input(agent, lines):
    calls = [
        {"network_number": CALLER, "origin": "own_subscriber", "dialled": "14102079460002"},
        {"network_number": "+449012345678", "origin": "uk_interconnect", "dialled": "02079460002"},
        {"network_number": "+442079460001", "origin": "international", "dialled": "02079460002"},
        {"network_number": "+447700900123", "origin": "international", "dialled": "02079460002"},
        {"network_number": "+447700900123", "origin": "international", "dialled": "02079460002", "roaming": True},
        {"network_number": "+447700900123", "origin": "international", "dialled": "02079460002", "roaming": False},
    ]
    answer = agent.post("/api/v1/cli/decide/batch", json={"calls": calls})
    assert answer.status_code == 200
    decisions = answer.json()["decisions"]
    # A +447 caller from abroad is blocked unless roaming: unverified (no `roaming`) blocks by default.
    assert [d["blocked"] for d in decisions] == [False, True, True, True, False, True]
    assert "not verified" in decisions[3]["block_reason"]
    assert rules.C6_ROAMING in [r["rule"] for r in decisions[4]["reasons"]]
    assert decisions[0]["withheld"] and decisions[0]["dialled_number"] == "02079460002"
    bad = agent.post("/api/v1/cli/decide/batch", json={"calls": [{"origin": "mars", "dialled": "1"}]})
    assert bad.status_code == 422


def test_reading_and_deciding_need_lines_read_and_changing_lines_write(api_client, lines):
    reader = api_client("agent", scopes=["lines:read"])
    assert _decide(reader)["blocked"] is False
    assert reader.put(f"/api/v1/lines/{lines[CALLER]}/cli", json=SETTINGS).status_code == 403
    breach_manager = api_client("breach_manager")
    assert breach_manager.post("/api/v1/cli/decide", json={}).status_code in (403, 422)
    auditor = api_client("auditor")
    assert auditor.get(f"/api/v1/lines/{lines[CALLER]}/cli").status_code == 200
    officer = api_client("compliance_officer")
    assert officer.put(f"/api/v1/lines/{lines[CALLER]}/cli", json=SETTINGS).status_code == 200


def test_an_active_trace_captures_the_caller_without_showing_them(agent, lines, clock, signed_in):
    trace = agent.post(
        f"/api/v1/lines/{lines[CALLED]}/traces",
        json={"requested_by": "Ann", "channel": "phone", "description": "Silent calls at night"},
    ).json()
    assert _decide(agent, dialled="14102079460002")["traced"] is False  # requested, not yet decided
    until = (clock.now() + timedelta(days=7)).isoformat()
    decided = agent.post(
        f"/api/v1/traces/{trace['id']}/decision",
        json={"necessary_and_expedient": True, "reasons": "Repeated silent calls", "active_until": until},
    )
    assert decided.status_code == 200, decided.text
    answer = _decide(agent, dialled="14102079460002")
    assert answer["traced"] is True and answer["caller_number_shown"] is False and answer["shown_number"] is None
    assert agent.get(f"/api/v1/traces/{trace['id']}").json()["captures"] == 1
    tried = {"network_number": CALLER, "dialled": "14102079460002", "called": CALLED}
    page = signed_in("agent").get("/line-identification", params=tried)
    assert "captured by an active trace" in page.text
    assert agent.get(f"/api/v1/traces/{trace['id']}").json()["captures"] == 1  # a call tried by hand is no call


def test_without_called_the_called_line_is_found_from_the_digits_dialled(agent, lines, clock):
    """The switch may leave out `called`: the called line's settings still apply, found from the
    dialled digits once a 141 or 1470 prefix is stripped, in national or E.164 form."""
    agent.put(f"/api/v1/lines/{lines[CALLED]}/cli", json={**SETTINGS, "reject_anonymous": True})
    blocked = _decide(agent, dialled="14102079460002", called=None)
    assert (
        blocked["blocked"] is True and blocked["block_reason"] == "the called line rejects calls with a withheld number"
    )
    assert any(r["rule"] == "PECR reg 11(3)" for r in blocked["reasons"])
    restricted = {"network_number": "+441632960123", "origin": "uk_interconnect", "privacy": "restricted"}
    assert _decide(agent, **restricted, dialled=CALLED, called=None)["blocked"] is True
    assert _decide(agent, dialled="147002079460002", called=None)["blocked"] is False

    agent.put(f"/api/v1/lines/{lines[CALLED]}/cli", json={**SETTINGS, "hide_incoming": True})
    hidden = _decide(agent, dialled="147002079460002", called=None)
    assert hidden["caller_number_shown"] is False and hidden["shown_number"] is None
    assert any(r["rule"] == "PECR reg 11(2)" for r in hidden["reasons"])


def test_without_called_an_active_trace_on_the_dialled_line_captures(agent, lines, clock):
    trace = agent.post(
        f"/api/v1/lines/{lines[CALLED]}/traces",
        json={"requested_by": "Ann", "channel": "phone", "description": "Silent calls at night"},
    ).json()
    decided = agent.post(
        f"/api/v1/traces/{trace['id']}/decision",
        json={"necessary_and_expedient": True, "reasons": "Repeated silent calls"},
    )
    assert decided.status_code == 200, decided.text
    answer = _decide(agent, dialled="14102079460002", called=None)
    assert answer["traced"] is True and answer["shown_number"] is None
    assert agent.get(f"/api/v1/traces/{trace['id']}").json()["captures"] == 1


def test_batch_and_single_decisions_agree_with_and_without_called(agent, lines):
    agent.put(f"/api/v1/lines/{lines[CALLED]}/cli", json={**SETTINGS, "reject_anonymous": True})
    base = {"network_number": CALLER, "origin": "own_subscriber"}
    calls = [
        {**base, "dialled": "14102079460002"},
        {**base, "dialled": "14102079460002", "called": CALLED},
        {**base, "dialled": "147002079460002"},
        {**base, "dialled": "1410207946000"},  # not our line: nothing to reject
        {
            "network_number": "+441632960123",
            "origin": "uk_interconnect",
            "dialled": "02079460002",
            "privacy": "restricted",
        },
        {**base, "dialled": "141999"},
    ]
    batch = agent.post("/api/v1/cli/decide/batch", json={"calls": calls})
    assert batch.status_code == 200, batch.text
    singles = [agent.post("/api/v1/cli/decide", json=call).json() for call in calls]
    assert batch.json()["decisions"] == singles
    assert [d["blocked"] for d in singles] == [True, True, False, False, True, False]


def test_a_uk_mobile_from_abroad_is_carried_as_roaming_as_the_switch_or_the_setting_says(agent, lines, settings):
    abroad = {"network_number": "+447700900123", "origin": "international"}
    assert _decide(agent, **abroad, roaming=True)["blocked"] is False
    assert _decide(agent, **abroad, roaming=False)["blocked"] is True
    unverified = _decide(agent, **abroad)
    assert unverified["blocked"] is True and "not verified" in unverified["block_reason"]
    assert _decide(agent, **abroad, roaming=None)["blocked"] is True
    settings.cli_unverified_uk_mobile_roaming = True  # the provider carries unverified +447 as roaming
    assumed = _decide(agent, **abroad)
    assert assumed["blocked"] is False and "provider's setting" in assumed["reasons"][0]["text"]
    assert _decide(agent, **abroad, roaming=False)["blocked"] is True  # the switch's word wins
    batch = agent.post("/api/v1/cli/decide/batch", json={"calls": [{**abroad, "dialled": "02079460002"}]})
    assert batch.json()["decisions"][0]["blocked"] is False
    bad = agent.post("/api/v1/cli/decide", json={**abroad, "dialled": "02079460002", "roaming": "yes"})
    assert bad.status_code == 422 and bad.json()["errors"][0]["field"] == "roaming"
    bad_batch = agent.post("/api/v1/cli/decide/batch", json={"calls": [{**abroad, "dialled": "1", "roaming": 1}]})
    assert bad_batch.status_code == 422 and bad_batch.json()["errors"][0]["field"] == "calls.0.roaming"
