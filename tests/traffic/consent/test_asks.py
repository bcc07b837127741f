"""Purpose-check questions read without a model each: whatever `fast_ask` accepts, `AuthoriseRequest`
accepts with the same values; anything else is left to the model, whose words a batch answer carries."""

from __future__ import annotations

import json

import orjson
import pytest
from pydantic import ValidationError

from tests.traffic.consent.support import build_world
from traffic.consent.asks import Ask, fast_ask
from traffic.consent.models import AuthoriseRequest

GOOD = {"subscriber_id": 7, "data_kind": "traffic", "purpose": "marketing"}
ITEMS = [
    GOOD,
    {**GOOD, "line_number": "+442079460001", "user_id": 3, "anonymous": True, "extra": {"a": [1]}},
    {"line_number": "02079460001", "data_kind": "location", "purpose": "vas", "service_name": "Finder"},
    {**GOOD, "purpose": "emergency", "called_number": "999", "subscriber_id": None},
    {**GOOD, "data_kind": "bogus"},
    {**GOOD, "data_kind": ["traffic"]},
    {**GOOD, "purpose": 3},
    {"data_kind": "traffic"},
    {**GOOD, "subscriber_id": 0},
    {**GOOD, "subscriber_id": 2**63},
    {**GOOD, "subscriber_id": True},
    {**GOOD, "subscriber_id": 7.0},
    {**GOOD, "subscriber_id": "7"},
    {**GOOD, "user_id": -1},
    {**GOOD, "line_number": "1" * 41},
    {**GOOD, "line_number": 2079460001},
    {**GOOD, "service_name": None},
    {**GOOD, "service_name": "x" * 101},
    {**GOOD, "service_name": "Find\ter"},
    {**GOOD, "called_number": "99\x009"},
    {**GOOD, "anonymous": 1},
    {**GOOD, "anonymous": "yes"},
    [GOOD],
    None,
]


def _model(item) -> Ask | None:
    try:
        request = AuthoriseRequest.model_validate_json(json.dumps(item))
    except ValidationError:
        return None
    return Ask(*(getattr(request, name) for name in Ask._fields))


@pytest.mark.parametrize("item", ITEMS)
def test_what_the_fast_check_accepts_the_model_accepts_with_the_same_values(item):
    fast, model = fast_ask(orjson.loads(json.dumps(item))), _model(item)
    assert fast is None or fast == model
    if model is None:
        assert fast is None


@pytest.fixture
def agent(api_client):
    return api_client("agent")


def test_a_batch_gives_the_models_words_for_a_bad_question(agent, session, clock):
    world = build_world(session, clock.now())
    lines = [
        {"subscriber_id": world.subscriber_id, "data_kind": "traffic", "purpose": "billing"},
        {"subscriber_id": world.subscriber_id, "data_kind": "traffic", "purpose": "billing", "anonymous": 1},
        {"subscriber_id": world.subscriber_id, "data_kind": "traffic", "purpose": "billing", "service_name": "a\tb"},
        {"subscriber_id": world.subscriber_id, "data_kind": "traffic", "purpose": "billing"},
    ]
    body = "\n".join(json.dumps(line) for line in lines) + "\n"
    response = agent.post(
        "/api/v1/traffic/authorise/batch", content=body, headers={"Content-Type": "application/x-ndjson"}
    )
    assert response.status_code == 200
    answers = [json.loads(line) for line in response.text.splitlines()]
    assert [a["index"] for a in answers] == [0, 1, 2, 3]
    assert answers[0] == answers[3] | {"index": 0}  # the same question, the same answer
    assert answers[1]["problem"] == "invalid" and answers[1]["reason"] == "anonymous: Input should be a valid boolean"
    assert answers[2]["problem"] == "invalid" and answers[2]["reason"].startswith("service_name: String should match")
