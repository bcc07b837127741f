"""Unreadable and oversized request bodies get a problem that says what is wrong and where (issue 7):
malformed JSON used to be reported as `field: "15"`, bad UTF-8 and deep nesting as a bare 400."""

from __future__ import annotations

import json

import pytest
from fastapi.testclient import TestClient

from provider.settings import Settings
from provider.web.app import create_app
from provider.web.limits import json_problem, parse_json


@pytest.fixture
def manager(api_client):
    return api_client("breach_manager")


def _problem(response, status: int = 422) -> str:
    assert response.status_code == status, response.text
    assert response.headers["content-type"].startswith("application/problem+json")
    errors = response.json()["errors"]
    assert [error["field"] for error in errors] == ["body"]
    return errors[0]["reason"]


def _post(client, body: bytes):
    return client.post("/api/v1/breaches", content=body, headers={"Content-Type": "application/json"})


def test_malformed_json_names_the_line_and_column(manager):
    reason = _problem(_post(manager, b'{\n  "title": "Lost laptop",\n  "summary": oops\n}'))
    assert reason == "the body is not valid JSON: Expecting value at line 3, column 14"
    untyped = manager.post("/api/v1/breaches", content=b'{"title": }')
    assert _problem(untyped) == "the body is not valid JSON: Expecting value at line 1, column 11"


def test_bad_utf8_names_where_it_is(manager):
    reason = _problem(_post(manager, b'{"title": "caf\xe9"}'))
    assert reason == "the body is not UTF-8 text: byte 0xE9 at line 1, column 15"


def test_deep_nesting_is_refused_where_it_goes_too_deep(manager):
    reason = _problem(_post(manager, b"[" * 100_000 + b"]" * 100_000))
    assert reason == "the JSON nests more than 32 arrays and objects deep, at line 1, column 33"
    brackets_in_text = b'{"title": "' + b"[" * 100 + b'", "circumstance": "loss"}'
    assert _post(manager, brackets_in_text).status_code == 422  # read fine; the schema then wants more fields
    assert "errors" in _post(manager, brackets_in_text).json()


def test_the_checks_in_words():
    assert json_problem(b'{"a": [1, 2]}', 32) is None
    assert json_problem(b'{"a": "\\"[[["}', 2) is None
    assert json_problem(b"[[[]]]", 2) == "the JSON nests more than 2 arrays and objects deep, at line 1, column 3"


def test_a_body_over_the_limit_is_a_413(sqlite_engine):
    settings = Settings(
        env="test", database_url=str(sqlite_engine.url), secret_key="s" * 20, master_key="m" * 20, max_body_bytes=2048
    )
    with TestClient(create_app(settings=settings, engine=sqlite_engine)) as client:
        too_big = _post(client, b'{"title": "' + b"x" * 4096 + b'"}')
        assert "at most 2048 bytes" in _problem(too_big, 413)

        def chunked():
            yield b'{"title": "'
            yield b"x" * 4096
            yield b'"}'

        streamed = client.post("/api/v1/breaches", content=chunked(), headers={"Content-Type": "application/json"})
        assert streamed.status_code == 413
        page = client.post("/login", data={"username": "x" * 4096})
        assert page.status_code == 413 and "at most 2048 bytes" in page.text
        assert _post(client, b"{}").status_code == 401  # within the limit: on to sign-in as before


def test_a_stalled_body_is_a_408():
    import asyncio

    from provider.web.limits import RequestLimits

    async def app(scope, receive, send):  # pragma: no cover - never reached
        raise AssertionError("the app must not see a stalled request")

    sent: list[dict] = []

    async def receive():
        await asyncio.sleep(10)

    async def send(message):
        sent.append(message)

    limits = RequestLimits(app, max_body_bytes=1024, max_json_depth=8, body_timeout=0.05)
    scope = {"type": "http", "path": "/api/v1/breaches", "headers": [], "method": "POST"}
    # A thread of its own: the browser tests' Playwright keeps an event loop running in this one.
    from concurrent.futures import ThreadPoolExecutor

    with ThreadPoolExecutor(1) as pool:
        pool.submit(asyncio.run, limits(scope, receive, send)).result()
    assert sent[0]["status"] == 408


def test_pecr_serve_sets_the_server_limits():
    from provider.console.main import server_limits

    limits = server_limits(Settings(env="test", max_header_bytes=8192, keep_alive_seconds=3, max_connections=50))
    assert limits == {
        "http": "h11",
        "h11_max_incomplete_event_size": 8192,
        "timeout_keep_alive": 3,
        "limit_concurrency": 50,
    }


@pytest.mark.parametrize(
    "body",
    [
        b'{"a": [1, {"b": [2]}]}',
        b"[[[]]]",
        b"[[[[]]]]",
        b'{"a": "[[[["}',
        b"[1, NaN]",
        b"[123456789012345678901234567890]",
        b'["\\ud800"]',
        b'\xef\xbb\xbf{"a": 1}',
        b'{"a": }',
        b'"caf\xe9"',
        b"[" * 2000 + b"]" * 2000,
        b'  {"a": [true, null]}\n',
    ],
)
def test_the_fast_reading_agrees_with_the_checks_in_words(body):
    """`parse_json` tries orjson first; whatever it decides is what the exact checks decide."""
    value, problem = parse_json(body, 3)
    assert problem == json_problem(body, 3)
    if problem is None:
        assert value == json.loads(body)


def test_a_large_body_pauses_the_cyclic_collector_for_its_request_only(manager):
    """The collector is paused while a large body's request is handled (the app sees it paused, a small
    body's does not) and running again after, whether the request was answered, refused as unreadable,
    or refused by its schema. The middleware is driven directly, so no other thread's work can interfere."""
    import asyncio
    import gc

    from provider.web.limits import LARGE_BODY, RequestLimits

    seen: list[bool] = []

    async def app(scope, receive, send):
        seen.append(gc.isenabled())
        await send({"type": "http.response.start", "status": 204, "headers": []})
        await send({"type": "http.response.body", "body": b""})

    async def call(body: bytes) -> None:
        messages = [{"type": "http.request", "body": body, "more_body": False}]

        async def receive():
            return messages.pop(0) if messages else {"type": "http.disconnect"}

        async def send(_message):
            return None

        scope = {"type": "http", "path": "/api/v1/x", "method": "POST",
                 "headers": [(b"content-type", b"application/json")]}  # fmt: skip
        await RequestLimits(app, max_body_bytes=LARGE_BODY * 4, max_json_depth=32)(scope, receive, send)

    large = json.dumps({"title": "x" * LARGE_BODY}).encode()
    asyncio.run(call(large))
    asyncio.run(call(b'{"title": "small"}'))
    assert seen == [False, True] and gc.isenabled()
    asyncio.run(call(large[:-1] + b", oops}"))  # unreadable: refused before the app, collector resumed
    assert seen == [False, True] and gc.isenabled()
    refused_by_schema = _post(manager, json.dumps({"title": "x" * LARGE_BODY}).encode())
    assert refused_by_schema.status_code == 422 and gc.isenabled()


def test_the_depth_of_parsed_json_is_counted_through_mixed_and_uniform_levels():
    from provider.web.limits import _deeper_than

    assert _deeper_than([[[[1]]]], 3) and not _deeper_than([[[1]]], 3)
    assert _deeper_than({"a": [{"b": [{}]}]}, 4) and not _deeper_than({"a": [{"b": [{}]}]}, 5)
    assert not _deeper_than({"a": 1}, 1) and _deeper_than({"a": {}}, 1)
    batch = {"calls": [{"n": "1"}] * 1000 + [{"n": ["deeper"]}]}  # one item deeper than the rest
    assert _deeper_than(batch, 3) and not _deeper_than(batch, 4)
    assert _deeper_than([[1], {"a": [[]]}], 3) and not _deeper_than([[1], {"a": [[]]}], 4)
