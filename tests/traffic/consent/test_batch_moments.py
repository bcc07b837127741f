"""A batch decides each distinct question once and gives each person the words of their own consent:
its answers are exactly what `rules.decide` says for that person, moment included, over several
chunks answered two at a time and sent in order."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta

import pytest
from sqlmodel import select

from provider.db.bulk import insert_rows
from provider.subscribers import service as subscribers
from provider.subscribers.leaving import service as leaving
from provider.subscribers.leaving.models import LeaveCreate
from provider.subscribers.models import LineCreate, LineService, SubscriberCreate, SubscriberKind
from provider.wording.models import PersonKind, WordingVersion
from tests.traffic.consent.support import ACTOR, build_world
from traffic.consent import bulk, rules
from traffic.consent.models import AuthoriseRequest, ConsentAction, ConsentEvent, DataKind
from traffic.consent.models import ProcessingPurpose as Purpose

PEOPLE = 13


def _people(session, now) -> list[int]:
    ids = []
    for n in range(PEOPLE):
        data = SubscriberCreate(
            kind=SubscriberKind.individual,
            name=f"Person {n}",
            address="1 Test Street",
            account_reference=f"MOMENT-{n}",
            lines=[LineCreate(number=f"07700 9{n:05d}", service=LineService.mobile)],
        )
        ids.append(subscribers.create_subscriber(session, actor=ACTOR, now=now, data=data).id)
    return ids


def _event(subscriber_id: int, action: ConsentAction, at: datetime, version_id: int) -> dict:
    return {
        "subscriber_id": subscriber_id,
        "person_kind": PersonKind.subscriber.value,
        "person_id": subscriber_id,
        "data_kind": DataKind.traffic.value,
        "purpose": "marketing",
        "service_id": None,
        "action": action.value,
        "version_id": version_id,
        "method": "web",
        "agent_name": "",
        "script_version": "",
        "evidence_reference": "",
        "representative_name": "",
        "representative_role": "",
        "occurred_at": at,
        "recorded_at": at,
        "recorded_by": "tests",
    }


@pytest.fixture
def histories(session, clock):
    """Per person their last consent event (or None): moments with and without microseconds, some
    given, some withdrawn, some given then withdrawn, some never asked."""
    now = clock.now()
    build_world(session, now)
    version_id = session.exec(select(WordingVersion.id).limit(1)).first()
    ids = _people(session, now)
    last: dict[int, rules.ConsentState | None] = {}
    rows = []
    for n, subscriber_id in enumerate(ids):
        at = (now - timedelta(days=n, seconds=n)).replace(microsecond=0 if n % 2 else 1000 * n + 7)
        if n % 4 == 3:
            last[subscriber_id] = None
            continue
        rows.append(_event(subscriber_id, ConsentAction.given, at, version_id))
        action = ConsentAction.withdrawn if n % 3 == 0 else ConsentAction.given
        if action is ConsentAction.withdrawn:
            at = at + timedelta(hours=1)
            rows.append(_event(subscriber_id, action, at, version_id))
        last[subscriber_id] = rules.ConsentState(action, at.astimezone(UTC))
    insert_rows(session, ConsentEvent.__table__, rows)
    session.commit()
    return last


def _expected(state: rules.ConsentState | None) -> tuple[bool, str]:
    decision = rules.decide(rules.Question(DataKind.traffic, Purpose.marketing), state, switch_until=None)
    return decision.allowed, decision.reason


def test_answers_carry_each_persons_own_moment(session, histories, clock):
    asks = [AuthoriseRequest(subscriber_id=i, data_kind="traffic", purpose="marketing") for i in histories]
    answers = bulk.answer_chunk(session, asks, clock.now())
    assert [(a.allowed, a.reason) for a in answers] == [_expected(s) for s in histories.values()]
    # each consenting person their own words, and one for all who were never asked
    assert len({a.reason for a in answers}) == len(histories) - PEOPLE // 4 + 1


def test_batch_over_several_chunks_is_in_order_with_each_persons_words(agent, histories, monkeypatch):
    monkeypatch.setattr(bulk, "CHUNK", 4)  # four chunks, two in hand at once
    ids = list(histories)
    lines = [{"subscriber_id": i, "data_kind": "traffic", "purpose": "marketing"} for i in ids]
    lines.insert(5, {"subscriber_id": ids[0], "data_kind": "bogus", "purpose": "marketing"})
    body = "".join(json.dumps(line) + "\n" for line in lines)
    response = agent.post(
        "/api/v1/traffic/authorise/batch", content=body, headers={"Content-Type": "application/x-ndjson"}
    )
    assert response.status_code == 200
    answers = [json.loads(line) for line in response.text.splitlines()]
    assert [a["index"] for a in answers] == list(range(len(lines)))
    assert answers[5]["problem"] == "invalid" and "data_kind" in answers[5]["reason"]
    del answers[5]
    assert [(a["allowed"], a["reason"]) for a in answers] == [_expected(s) for s in histories.values()]
    assert {a["basis"] for a in answers} == {rules.CONSENT_BASIS[(DataKind.traffic, Purpose.marketing)]}


@pytest.fixture
def agent(api_client):
    return api_client("agent")


def test_one_statement_path_gives_the_general_paths_answers(session, histories, clock):
    """On PostgreSQL the common question is answered by one statement per shape (`plain`); every
    answer, problems, repeats, purposes needing no consent and subscribers who have left included, must be
    the general path's."""
    ids = list(histories)
    ported = LeaveCreate(reason="ported_out")
    for left in (ids[1], ids[3]):  # one who consented, one never asked
        leaving.leave_subscriber(session, actor=ACTOR, now=clock.now(), subscriber_id=left, data=ported)
    session.commit()
    people = [*ids, ids[0], ids[3], 10**12, ids[1]]
    asks = [
        AuthoriseRequest(subscriber_id=i, data_kind=kind, purpose=purpose, called_number=called, anonymous=anonymous)
        for i in people
        for kind, purpose, called, anonymous in [
            ("traffic", "marketing", "", False),
            ("traffic", "billing", "", False),
            ("traffic", "emergency", "999", False),
            ("traffic", "fraud", "", True),
            ("location", "marketing", "", False),
        ]
    ]
    now = clock.now()
    general = bulk._general(session, asks, now)
    chosen = bulk._decided(session, asks, now)
    as_answers = [[e.for_moment(m) for e, m in zip(*side, strict=True)] for side in (general, chosen)]
    assert as_answers[0] == as_answers[1]
    assert as_answers[0][len(ids) * 5 + 10].problem == "not_found"  # the made-up subscriber
    marketing, billing = as_answers[0][5], as_answers[0][6]  # of ids[1], who consented, then left
    assert (marketing.allowed, billing.allowed) == (False, True) and "subscriber left on" in marketing.reason
    assert as_answers[0][(len(ids) + 3) * 5] == marketing  # ids[1] asked again
    assert as_answers[0][15].reason == marketing.reason  # ids[3], never asked, left too
    assert {a.allowed for a in as_answers[0]} == {True, False}
