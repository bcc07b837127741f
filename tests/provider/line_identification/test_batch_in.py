"""The CLI batch read without a model per call: whatever `fast_calls` accepts, `BatchIn` accepts with the
same values, and whatever it is unsure of goes to the model, so a bad call is the model's 422 naming the
item and the field, never a 500 and never a call decided on values the model would have refused."""

from __future__ import annotations

import pytest
from pydantic import ValidationError

from provider.line_identification import batch_in, service
from provider.line_identification.models import MAX_BATCH, BatchIn
from provider.text import find_forbidden

GOOD = {"network_number": "+442079460001", "origin": "own_subscriber", "dialled": "02079460002"}
ITEMS = [
    GOOD,
    {**GOOD, "called": "+442079460002", "privacy": "restricted", "presentation_number": "02079460003"},
    {**GOOD, "called": None, "presentation_number": None, "uk_origin_shown": True, "extra": [1, {"x": 2}]},
    {**GOOD, "origin": "mars"},
    {**GOOD, "origin": ["own_subscriber"]},
    {**GOOD, "origin": 1},
    {**GOOD, "privacy": None},
    {**GOOD, "privacy": {"a": 1}},
    {**GOOD, "network_number": ""},
    {**GOOD, "network_number": "1" * 33},
    {**GOOD, "network_number": 442079460001},
    {**GOOD, "dialled": "1" * 41},
    {**GOOD, "dialled": "0207\n9460002"},
    {**GOOD, "called": "0207\u00859460002"},
    {**GOOD, "presentation_number": "\x00"},
    {**GOOD, "called": "1" * 33},
    {**GOOD, "called": 7},
    {**GOOD, "uk_origin_shown": 1},
    {**GOOD, "uk_origin_shown": "true"},
    {**GOOD, "origin": "international", "roaming": True},
    {**GOOD, "origin": "international", "roaming": False},
    {**GOOD, "roaming": None},
    {**GOOD, "roaming": "true"},
    {**GOOD, "roaming": 1},
    {**GOOD, "roaming": 0},
    {"origin": "own_subscriber", "dialled": "1"},
    {"network_number": "+442079460001", "origin": "own_subscriber"},
    "not an object",
    None,
]


def _model_calls(value):
    try:
        return [service.call_of(data) for data in BatchIn.model_validate(value).calls]
    except ValidationError:
        return None


@pytest.mark.parametrize("item", ITEMS)
def test_what_the_fast_check_accepts_the_model_accepts_with_the_same_values(item):
    value = {"calls": [GOOD, item]}
    fast, model = batch_in.fast_calls(value, check_text=True), _model_calls(value)
    assert fast is None or fast == model
    if model is None:
        assert fast is None
    texts = item.values() if isinstance(item, dict) else []
    if not any(isinstance(text, str) and find_forbidden(text) for text in texts):
        assert batch_in.fast_calls(value, check_text=False) == fast  # no text to check: the same verdict


def test_control_characters_are_looked_for_only_when_the_body_may_hold_them():
    assert not batch_in.may_hold_control_characters(b'{"calls": [{"dialled": "0207"}]}')
    assert batch_in.may_hold_control_characters(b'{"calls": [{"dialled": "02\\n07"}]}')
    assert batch_in.may_hold_control_characters('{"d": "\u0085"}'.encode())
    assert batch_in.may_hold_control_characters(b'{"d": "\x7f"}')


def test_the_shape_around_the_calls_is_left_to_the_model():
    assert batch_in.fast_calls([GOOD], check_text=True) is None
    assert batch_in.fast_calls({"calls": GOOD}, check_text=True) is None
    assert batch_in.fast_calls({"calls": [GOOD] * (MAX_BATCH + 1)}, check_text=True) is None
    assert batch_in.fast_calls({"calls": []}, check_text=True) == []


@pytest.fixture
def agent(api_client):
    return api_client("agent")


def _problem(response, field: str) -> str:
    assert response.status_code == 422, response.text
    assert response.headers["content-type"].startswith("application/problem+json")
    errors = {error["field"]: error["reason"] for error in response.json()["errors"]}
    assert field in errors, errors
    return errors[field]


def test_a_bad_call_in_a_batch_is_a_problem_naming_the_item_and_field(agent):
    url = "/api/v1/cli/decide/batch"
    mars = agent.post(url, json={"calls": [GOOD, {**GOOD, "origin": "mars"}]})
    assert "own_subscriber" in _problem(mars, "calls.1.origin")
    tabbed = agent.post(url, json={"calls": [{**GOOD, "dialled": "0207\t9460002"}]})
    assert _problem(tabbed, "calls.0.dialled") == "must not contain a tab or line break (this field is a single line)"
    assert _problem(agent.post(url, json={"calls": [{**GOOD, "uk_origin_shown": 1}]}), "calls.0.uk_origin_shown")
    assert _problem(agent.post(url, json={"cals": []}), "calls")
    assert _problem(agent.post(url, json=[GOOD]), "body")
    assert _problem(agent.post(url, content=b""), "body") == "Field required"
    as_text = agent.post(url, content=b'{"calls": []}', headers={"Content-Type": "text/plain"})
    assert _problem(as_text, "body")


def test_a_good_batch_is_answered_in_order_as_json(agent):
    calls = [GOOD, {**GOOD, "dialled": "999"}, {**GOOD, "dialled": "14102079460002"}]
    response = agent.post("/api/v1/cli/decide/batch", json={"calls": calls})
    assert response.status_code == 200 and response.headers["content-type"] == "application/json"
    decisions = response.json()["decisions"]
    assert [d["dialled_number"] for d in decisions] == ["02079460002", "999", "02079460002"]
    assert [d["withheld"] for d in decisions] == [False, False, True]
    assert decisions[1]["reasons"][0]["rule"] == "PECR reg 16"
    escaped = agent.post("/api/v1/cli/decide/batch", json={"calls": [{**GOOD, "called": "+44 20 7946 £"}]})
    assert escaped.status_code == 200  # read through the per-field text check, and decided


def test_the_openapi_still_describes_the_batch_body(api_client):
    document = api_client("auditor").get("/openapi.json").json()
    body = document["paths"]["/api/v1/cli/decide/batch"]["post"]["requestBody"]
    assert body["required"] is True
    assert body["content"]["application/json"]["schema"] == {"$ref": "#/components/schemas/BatchIn"}
    schema = document["components"]["schemas"]["BatchIn"]
    assert schema["properties"]["calls"]["items"] == {"$ref": "#/components/schemas/CallIn"}
    assert schema["properties"]["calls"]["maxItems"] == MAX_BATCH and schema["required"] == ["calls"]
    assert "CallIn" in document["components"]["schemas"]
