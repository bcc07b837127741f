"""What a request body may be: a size limit (413) and, for the JSON API, text that can be read (422).

Every request body is read here before any route sees it, up to `Settings.max_body_bytes` (a declared
Content-Length over the limit is refused before reading; a chunked body is counted as it arrives). An API
body sent as JSON is then checked once, so that each way it can be unreadable gets a problem saying what
is wrong and where, rather than a parser's position (`field: "15"`) or a bare 400:

- not UTF-8: the line and column of the first byte that is not;
- not JSON: the parser's reason, line and column;
- nested deeper than `Settings.max_json_depth` arrays and objects: the line and column where it goes too
  deep (no schema of the API nests more than a few levels; deep nesting only costs the parser stack).

Valid JSON within the depth is by far the common case, so it is recognised first by parsing with orjson
and measuring the depth of what was parsed (a megabyte of batch takes milliseconds, where walking its
text a character at a time in Python took seconds); anything else goes through the checks above, which
alone find the words and the place. The parsed value is kept on the request (`parsed_json`) for a route
that reads a large batch, so it is not parsed twice.

A body that stalls for `Settings.body_timeout_seconds` between chunks gets a 408. The header-size, idle
keep-alive and connection limits belong to the server: `pecr serve` sets them (README, Limits).
"""

from __future__ import annotations

import asyncio
import json
from itertools import chain
from typing import Any

import orjson
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from provider.batching import no_cycle_collection
from provider.web.problems import problem

JSON_TYPES = ("application/json", "application/merge-patch+json")
PARSED_KEY = "pecr.parsed_json"  # in the ASGI scope: the body's value, when it was read as JSON here
BOM = b"\xef\xbb\xbf"
# orjson reads an integer beyond 64 bits as a float, the standard parser (and so FastAPI) as an int: a
# body with a run of 20 digits anywhere takes the standard parser. Digits map to "1", all else to "0",
# then a plain substring search (a regular expression took ten times as long on a batch).
DIGITS = bytes(49 if 48 <= byte <= 57 else 48 for byte in range(256))
LONG_RUN = b"1" * 20
CONTAINERS = (dict, list)
CONTAINER_SET = frozenset(CONTAINERS)
LARGE_BODY = 1 << 20  # bytes: about 8,000 calls of a batch


class BodyTooLarge(Exception):
    pass


class BodyTooSlow(Exception):
    pass


def _position(text: str, index: int) -> str:
    line = text.count("\n", 0, index) + 1
    column = index - (text.rfind("\n", 0, index) + 1) + 1
    return f"line {line}, column {column}"


def _too_deep(text: str, limit: int) -> int | None:
    """The index where arrays and objects nest deeper than `limit`, or None (strings are skipped)."""
    depth, in_string, escaped = 0, False, False
    for index, character in enumerate(text):
        if in_string:
            if escaped:
                escaped = False
            elif character == "\\":
                escaped = True
            elif character == '"':
                in_string = False
        elif character == '"':
            in_string = True
        elif character in "[{":
            depth += 1
            if depth > limit:
                return index
        elif character in "]}":
            depth -= 1
    return None


def _deeper_than(value: Any, limit: int) -> bool:
    """Whether parsed JSON nests more than `limit` arrays and objects deep (one level at a time)."""
    level = [value] if type(value) in CONTAINERS else []
    depth = 0
    while level:
        depth += 1
        if depth > limit:
            return True
        if _no_containers_below(level):
            return False
        level = [
            child
            for container in level
            for child in (container.values() if type(container) is dict else container)
            if type(child) in CONTAINERS
        ]
    return False


def _no_containers_below(level: list) -> bool:
    """True when no child of this level (all objects, or all arrays) is an array or object: the last
    level of a batch (100,000 objects of plain values) is then looked at in C, by the types present,
    instead of a Python test per value; a mixed level says False and is walked as before."""
    kinds = set(map(type, level))
    if kinds == {dict}:
        children = chain.from_iterable(map(dict.values, level))
    elif kinds == {list}:
        children = chain.from_iterable(level)
    else:
        return False
    return CONTAINER_SET.isdisjoint(set(map(type, children)))


def parse_json(body: bytes, max_depth: int) -> tuple[Any, str | None]:
    """(the value, None) for readable JSON, or (None, why not in words with the line and column)."""
    if not body.startswith(BOM) and LONG_RUN not in body.translate(DIGITS):  # the standard parser refuses a BOM
        try:
            value = orjson.loads(body)
        except orjson.JSONDecodeError:
            pass  # possibly still JSON to the standard parser (NaN, huge integers): the slow path decides
        else:
            if not _deeper_than(value, max_depth):
                return value, None
    problem = json_problem(body, max_depth)
    return (json.loads(body) if problem is None else None), problem


def json_problem(body: bytes, max_depth: int) -> str | None:
    """Why `body` is not readable JSON, in words with the line and column, or None (the slow, exact
    checks: `parse_json` tries the common case first)."""
    try:
        text = body.decode("utf-8")
    except UnicodeDecodeError as error:
        good = body[: error.start].decode("utf-8")
        return f"the body is not UTF-8 text: byte 0x{body[error.start]:02X} at {_position(good, len(good))}"
    deep = _too_deep(text, max_depth)
    if deep is not None:
        return f"the JSON nests more than {max_depth} arrays and objects deep, at {_position(text, deep)}"
    try:
        json.loads(text)
    except json.JSONDecodeError as error:
        return f"the body is not valid JSON: {error.msg} at line {error.lineno}, column {error.colno}"
    except RecursionError:  # pragma: no cover - the depth check comes first
        return "the JSON nests too deep"
    return None


def _header(scope: Scope, name: bytes) -> str:
    for key, value in scope.get("headers", []):
        if key.lower() == name:
            return value.decode("latin-1")
    return ""


class RequestLimits:
    """ASGI middleware: read the body within the limit, check an API's JSON, then hand it on whole."""

    def __init__(self, app: ASGIApp, *, max_body_bytes: int, max_json_depth: int, body_timeout: float = 30) -> None:
        self.app = app
        self.max_body_bytes = max_body_bytes
        self.max_json_depth = max_json_depth
        self.body_timeout = body_timeout

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        declared = _header(scope, b"content-length")
        try:
            if declared.isdigit() and int(declared) > self.max_body_bytes:
                raise BodyTooLarge
            body, more = await self._read(receive)
        except BodyTooLarge:
            await self._refuse(scope, send, 413, "Request body too large", f"at most {self.max_body_bytes} bytes")
            return
        except BodyTooSlow:
            reason = f"the body did not arrive within {self.body_timeout:g} seconds"
            await self._refuse(scope, send, 408, "Request timeout", reason)
            return
        if len(body) < LARGE_BODY:
            await self._hand_on(scope, body, more, receive, send)
            return
        # A large batch: its parsed body and its answers are hundreds of thousands of acyclic values, each
        # of which counts towards the cyclic collector's next pass, and such passes walked the heap (a
        # million-line cache) during the parse and again when a route resumed the collector (about a fifth
        # of a 100,000-call batch's time over HTTP). Paused for the whole request, and resumed once the
        # parsed body is let go, the collector finds those values freed, not pending.
        with no_cycle_collection():
            try:
                await self._hand_on(scope, body, more, receive, send)
            finally:
                scope.pop(PARSED_KEY, None)

    async def _hand_on(self, scope: Scope, body: bytes, more: list[Message], receive: Receive, send: Send) -> None:
        reason = self._unreadable(scope, body)
        if reason:
            await self._refuse(scope, send, 422, "Unreadable body", reason)
            return
        await self.app(scope, _replay(body, more, receive), send)

    async def _read(self, receive: Receive) -> tuple[bytes, list[Message]]:
        chunks: list[bytes] = []
        size = 0
        while True:
            try:
                message = await asyncio.wait_for(receive(), self.body_timeout)
            except TimeoutError as error:
                raise BodyTooSlow from error
            if message["type"] != "http.request":  # a disconnect: hand it on as it came
                return b"".join(chunks), [message]
            chunk = message.get("body", b"")
            size += len(chunk)
            if size > self.max_body_bytes:
                raise BodyTooLarge
            chunks.append(chunk)
            if not message.get("more_body", False):
                return b"".join(chunks), []

    def _unreadable(self, scope: Scope, body: bytes) -> str | None:
        if not body or not scope.get("path", "").startswith("/api/"):
            return None
        content_type = _header(scope, b"content-type").split(";")[0].strip().lower()
        if content_type and content_type not in JSON_TYPES and not content_type.endswith("+json"):
            return None  # no content type at all is read as JSON by FastAPI, so it is checked too
        value, problem = parse_json(body, self.max_json_depth)
        if problem is None:
            scope[PARSED_KEY] = value
        return problem

    async def _refuse(self, scope: Scope, send: Send, status: int, title: str, reason: str) -> None:
        if scope.get("path", "").startswith("/api/"):
            from provider.errors import FieldError

            response: Any = problem(status, title, reason, [FieldError("body", reason)])
        else:
            from starlette.responses import PlainTextResponse

            response = PlainTextResponse(f"{title}: {reason}", status_code=status)
        await response(scope, _empty, send)


async def _empty() -> Message:
    return {"type": "http.disconnect"}


def _replay(body: bytes, more: list[Message], receive: Receive) -> Receive:
    pending: list[Message] = [{"type": "http.request", "body": body, "more_body": False}, *more]

    async def replay() -> Message:
        return pending.pop(0) if pending else await receive()

    return replay
