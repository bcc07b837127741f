"""The streamed answer of `POST /api/v1/traffic/authorise/batch`: questions read chunk by chunk, each
chunk answered set-based (`bulk.decide_chunk`) and encoded as NDJSON.

Two chunks are in hand at once, each in its own thread and session: while one waits on the database
(which runs on another core, the driver releasing the interpreter meanwhile), the other is read,
decided and encoded. Chunks are still sent in the order asked.

Each shared decision is encoded once per chunk; a question's line is then its index, that encoding
and, where the words name the consent's moment, the moment (an ISO 8601 text needs no JSON escape).
"""

from __future__ import annotations

import asyncio
import json
from collections import deque
from collections.abc import AsyncIterator
from datetime import datetime
from functools import lru_cache

import orjson
from pydantic import ValidationError
from sqlmodel import Session
from starlette.concurrency import run_in_threadpool

from provider.batching import no_cycle_collection
from traffic.consent import bulk
from traffic.consent.asks import Ask, fast_ask
from traffic.consent.models import AuthoriseRequest

IN_HAND = 2


async def answers(engine, texts: list[bytes], now: datetime) -> AsyncIterator[bytes]:
    """A chunk of answers at a time, each worked out in a thread so the server keeps serving."""
    pending: deque[asyncio.Future[bytes]] = deque()
    try:
        for start in range(0, len(texts), bulk.CHUNK):
            work = run_in_threadpool(answer_texts, engine, texts[start : start + bulk.CHUNK], now, start)
            pending.append(asyncio.ensure_future(work))
            if len(pending) >= IN_HAND:
                yield await pending.popleft()
        while pending:
            yield await pending.popleft()
    finally:
        for future in pending:  # the client went away: nobody will read these
            future.cancel()


def answer_texts(engine, texts: list[bytes], now: datetime, first: int) -> bytes:
    with no_cycle_collection():
        asks: list[AuthoriseRequest | Ask] = []
        problems: dict[int, str] = {}
        for offset, text in enumerate(texts):
            ask = _fast(text)
            if ask is None:
                try:
                    ask = AuthoriseRequest.model_validate_json(text)
                except ValidationError as error:
                    problems[offset] = "; ".join(f"{'.'.join(map(str, e['loc']))}: {e['msg']}" for e in error.errors())
                    continue
            asks.append(ask)
        with Session(engine) as session:
            entries, moments = bulk.decide_chunk(session, asks, now)
        return _encode(entries, moments, problems, len(texts), first)


def _encode(entries: list[bulk.Decided], moments: list[str], problems: dict[int, str], total: int, first: int) -> bytes:
    out = []
    append = out.append
    encoded: dict[int, tuple[str, str | None]] = {}  # by the decision's id: each is encoded once per chunk
    decided = iter(zip(entries, moments, strict=True))
    for offset in range(total):
        index = first + offset
        if offset in problems:
            append(f'{{"index":{index},"allowed":false,"problem":"invalid","reason":{_json(problems[offset])}}}')
            continue
        entry, moment = next(decided)
        head, tail = encoded.get(id(entry)) or encoded.setdefault(id(entry), _parts(entry))
        append(f'{{"index":{index}{head}' if tail is None else f'{{"index":{index}{head}{moment}{tail}')
    return ("\n".join(out) + "\n").encode()


def _parts(entry: bulk.Decided) -> tuple[str, str | None]:
    """A decision's fields after the index, as JSON text: whole, or split where the moment goes."""
    answer = entry.answer
    allowed = "true" if answer.allowed else "false"
    rest = f',"basis":{_json(answer.basis)}' + (f',"problem":"{answer.problem}"' if answer.problem else "") + "}"
    if entry.after is None:
        return f',"allowed":{allowed},"reason":{_json(answer.reason)}{rest}', None
    # The two halves as one JSON string with the moment between: the opening half without its closing
    # quote, the closing half without its opening one.
    return f',"allowed":{allowed},"reason":{_json(entry.before)[:-1]}', f"{_json(entry.after)[1:]}{rest}"


def _fast(text: bytes) -> Ask | None:
    try:
        return fast_ask(orjson.loads(text))
    except orjson.JSONDecodeError:
        return None


@lru_cache(maxsize=4096)
def _json(text: str) -> str:
    return json.dumps(text, ensure_ascii=False)
