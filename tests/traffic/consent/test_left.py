"""Consent ends with the relationship (issue 9, rules.md §3): once a named user is removed, a line or the
subscriber has left, `authorise` refuses marketing and value-added services for them at once, single and
batch alike, saying so; purposes needing no consent (billing of the final bill) stay allowed, and the
subscriber's consent still covers the lines that have not left."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta

import pytest
from sqlmodel import select

import traffic.leavers  # noqa: F401  (registers traffic's keeper, as the composition roots do)
from provider.db.bulk import insert_rows
from provider.subscribers.leaving import service as leaving
from provider.subscribers.leaving.models import LeaveCreate
from provider.subscribers.leaving.rules import left_on
from provider.wording.models import PersonKind, WordingVersion
from tests.traffic.consent.support import ACTOR, build_world
from traffic.consent import rules
from traffic.consent.models import ConsentEvent, DataKind, ValueAddedService
from traffic.consent.models import ProcessingPurpose as Purpose

OTHER_NUMBER = "07700 900124"  # the line the named user is on
NO_CONSENT = [Purpose.billing, Purpose.fraud, Purpose.dispute_resolution, Purpose.traffic_management,
              Purpose.customer_enquiry]  # fmt: skip


def test_rules_refuse_every_consented_purpose_once_ended_and_leave_the_rest():
    at = datetime(2026, 12, 3, 23, 30, tzinfo=UTC)  # 3 December in London too
    given = rules.ConsentState(rules.ConsentAction.given, at - timedelta(days=30))
    for what, words in [("subscriber", "the subscriber left on 3 Dec 2026: their consent no longer applies"),
                        ("line", "the line left on 3 Dec 2026: consent no longer applies to its data"),
                        ("user", "the named user was removed from the line on 3 Dec 2026: their consent no "
                                 "longer applies")]:  # fmt: skip
        ended = rules.Ended(what, at)
        for kind, purpose, name in [(DataKind.traffic, Purpose.marketing, ""), (DataKind.traffic, Purpose.vas, "x"),
                                    (DataKind.location, Purpose.vas, "x")]:  # fmt: skip
            question = rules.Question(kind, purpose, service_name=name)
            assert rules.decide(question, given, switch_until=None).allowed is True
            decision = rules.decide(question, given, switch_until=at, ended=ended)
            assert (decision.allowed, decision.reason) == (False, words)
            assert decision.basis == f"{rules.CONSENT_BASIS[(kind, purpose)]}; {rules.ENDED_BASIS}"
        for purpose in NO_CONSENT:
            assert rules.decide(rules.Question(DataKind.traffic, purpose), None, switch_until=None, ended=ended).allowed
        anonymous = rules.Question(DataKind.location, Purpose.vas, service_name="x", anonymous=True)
        assert rules.decide(anonymous, None, switch_until=None, ended=ended).allowed is True
        emergency = rules.Question(DataKind.traffic, Purpose.emergency, called_number="999")
        assert rules.decide(emergency, None, switch_until=None, ended=ended).allowed is True


def _consent(subscriber_id, kind, person_id, purpose, service_id, version_id, at) -> dict:
    return {"subscriber_id": subscriber_id, "person_kind": kind.value, "person_id": person_id,
            "data_kind": "traffic", "purpose": purpose, "service_id": service_id, "action": "given",
            "version_id": version_id, "method": "web", "agent_name": "", "script_version": "",
            "evidence_reference": "", "representative_name": "", "representative_role": "", "occurred_at": at,
            "recorded_at": at, "recorded_by": "tests"}  # fmt: skip


@pytest.fixture
def world(session, clock):
    """The subscriber consented to marketing and to travel alerts, the named user to marketing."""
    now = clock.now()
    world = build_world(session, now)
    version_id = session.exec(select(WordingVersion.id).limit(1)).first()
    service_id = session.exec(select(ValueAddedService.id).where(ValueAddedService.name == "travel-alerts")).one()
    sub, user = PersonKind.subscriber, PersonKind.line_user
    rows = [
        _consent(world.subscriber_id, sub, world.subscriber_id, "marketing", None, version_id, now),
        _consent(world.subscriber_id, sub, world.subscriber_id, "vas", service_id, version_id, now),
        _consent(world.subscriber_id, user, world.user_id, "marketing", None, version_id, now),
    ]
    insert_rows(session, ConsentEvent.__table__, rows)
    session.commit()
    return world


@pytest.fixture
def agent(api_client):
    return api_client("agent")


def _questions(world) -> dict[str, dict]:
    subscriber, traffic = {"subscriber_id": world.subscriber_id}, {"data_kind": "traffic"}
    return {
        "marketing": {**subscriber, **traffic, "purpose": "marketing"},
        "vas": {**subscriber, **traffic, "purpose": "vas", "service_name": "travel-alerts"},
        "billing": {**subscriber, **traffic, "purpose": "billing"},
        "line marketing": {"line_number": world.number, **traffic, "purpose": "marketing"},
        "line vas": {"line_number": world.number, **traffic, "purpose": "vas", "service_name": "travel-alerts"},
        "line billing": {"line_number": world.number, **traffic, "purpose": "billing"},
        "other line marketing": {"line_number": OTHER_NUMBER, **traffic, "purpose": "marketing"},
        "user marketing": {**subscriber, "user_id": world.user_id, **traffic, "purpose": "marketing"},
        "user by line marketing": {
            "line_number": OTHER_NUMBER,
            "user_id": world.user_id,
            **traffic,
            "purpose": "marketing",
        },  # fmt: skip
        "user billing": {**subscriber, "user_id": world.user_id, **traffic, "purpose": "billing"},
    }


def _answers(agent, world) -> dict[str, tuple]:
    """Each question's answer, asked one at a time and as one batch: the two must agree."""
    questions = _questions(world)
    single = {}
    for name, question in questions.items():
        response = agent.post("/api/v1/traffic/authorise", json=question)
        assert response.status_code == 200, response.text
        single[name] = (response.json()["allowed"], response.json()["reason"], response.json()["basis"])
    body = "".join(json.dumps(q) + "\n" for q in questions.values())
    response = agent.post(
        "/api/v1/traffic/authorise/batch", content=body, headers={"Content-Type": "application/x-ndjson"}
    )
    assert response.status_code == 200, response.text
    batch = [json.loads(line) for line in response.text.splitlines()]
    assert {name: (a["allowed"], a["reason"], a["basis"]) for name, a in zip(questions, batch, strict=True)} == single
    return single


def _allowed(answers: dict[str, tuple]) -> set[str]:
    return {name for name, answer in answers.items() if answer[0]}


def test_a_removed_user_a_left_line_and_a_left_subscriber_lose_consent_at_once(agent, world, session, clock):
    everything = set(_questions(world))
    assert _allowed(_answers(agent, world)) == everything

    clock.advance(timedelta(days=2))
    leaving.remove_user(session, actor=ACTOR, now=clock.now(), line_id=world.other_line_id, user_id=world.user_id)
    session.commit()
    answers = _answers(agent, world)
    assert _allowed(answers) == everything - {"user marketing", "user by line marketing"}
    removed = f"the named user was removed from the line on {left_on(clock.now())}: their consent no longer applies"
    assert answers["user marketing"][1] == answers["user by line marketing"][1] == removed
    assert rules.ENDED_BASIS in answers["user marketing"][2]

    clock.advance(timedelta(days=3))
    leaving.leave_line(session, actor=ACTOR, now=clock.now(), line_id=world.line_id, data=LeaveCreate(reason="ceased"))
    session.commit()
    answers = _answers(agent, world)
    # the subscriber's consent still covers the line that has not left, and the subscriber named by id
    assert _allowed(answers) == everything - {"user marketing", "user by line marketing", "line marketing", "line vas"}
    line_left = f"the line left on {left_on(clock.now())}: consent no longer applies to its data"
    assert answers["line marketing"][1] == answers["line vas"][1] == line_left

    clock.advance(timedelta(days=4))
    left = LeaveCreate(reason="ported_out")
    leaving.leave_subscriber(session, actor=ACTOR, now=clock.now(), subscriber_id=world.subscriber_id, data=left)
    session.commit()
    answers = _answers(agent, world)
    assert _allowed(answers) == {"billing", "line billing", "user billing"}  # the final bill is still billing
    gone = f"the subscriber left on {left_on(clock.now())}: their consent no longer applies"
    consented = {"marketing", "vas", "line marketing", "line vas", "other line marketing", "user marketing",
                 "user by line marketing"}  # fmt: skip
    assert {answers[name][1] for name in consented} == {gone}
    assert answers["vas"][2] == f"{rules.CONSENT_BASIS[(DataKind.traffic, Purpose.vas)]}; {rules.ENDED_BASIS}"
