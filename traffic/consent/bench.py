"""`pecr bench authorise`: purpose checks at scale, on a scratch database.

Loads COUNT demo subscribers, gives half of them a marketing consent (written set-based, as an
import would), then measures over real HTTP (uvicorn on 127.0.0.1, one keep-alive client, requests
one after another): REPEATS single `POST /api/v1/traffic/authorise` beside as many `GET /healthz`
(the trivial endpoint of the same server), and one batch of COUNT questions streamed as NDJSON;
and, without HTTP, the set-based answering itself (`bulk.answer_chunk`).

Measured on 3 Dec 2026 on PostgreSQL, COUNT 100,000, on a 2-core machine at load average 5 to 15 (so
only the ratios within one run mean much): batch over HTTP 4,800-10,600 answers/s before the batch
reading changes, 14,400-33,800 after; in process 12,400-17,100 before, 19,700-43,800 after.

Each consent is given at its own second, as a real list's are, so no two consenting people share the
words of their answer: a bench whose consents all carried one moment flattered the batch, which
decides each distinct question once per chunk (`decided.Decided`) and splices each person's moment
into its words.
"""

from __future__ import annotations

import json
import secrets
import statistics
import time
from datetime import date, timedelta
from typing import Any

from sqlalchemy import Engine, select
from sqlmodel import Session

from provider.bench_server import serving
from provider.clock import SystemClock
from provider.db.bulk import insert_rows
from provider.manifest import BenchContext
from provider.security import accounts, tokens
from provider.security.actor import system_actor
from provider.subscribers.bench import ensure_subscribers, vacuum
from provider.subscribers.models import Subscriber
from provider.wording.models import PersonKind
from traffic.consent import bulk, notices, register
from traffic.consent.models import (
    AuthoriseRequest,
    ConsentAction,
    ConsentEvent,
    ConsentMethod,
    ConsentPurpose,
    DataKind,
    NoticeKind,
    PartnerCreate,
    PartnerRole,
)

BENCH = system_actor("bench")
MARKETING = {"traffic_data_types": "calls and data use", "purpose": "our offers", "duration": "while you consent"}


def _consents(engine: Engine, now) -> tuple[list[int], int]:
    """Every other subscriber consents to marketing; returns (subscriber ids, consents written)."""
    with Session(engine) as session:
        version = notices.save_wording(
            session, actor=BENCH, now=now, notice=NoticeKind.marketing, service=None, parts=MARKETING
        )
        if not register.partners(session):
            register.add_partner(
                session,
                actor=BENCH,
                now=now,
                data=PartnerCreate(
                    name="Bench Mailer",
                    role=PartnerRole.processor,
                    scope="sends offers",
                    contract_start=date(2026, 1, 1),
                ),
            )
        ids = list(session.execute(select(Subscriber.id).order_by(Subscriber.id)).scalars())
        if session.execute(select(ConsentEvent.id).limit(1)).first() is None:
            # Each consent at its own second, as a real list's are: answers then differ in their words,
            # so none is decided once for many people by accident of the data.
            rows = (
                _consent_row(subscriber_id, version.id, now - timedelta(seconds=n))
                for n, subscriber_id in enumerate(ids[::2])
            )
            written = insert_rows(session, ConsentEvent.__table__, rows)  # type: ignore[attr-defined]
        else:
            written = 0
        session.commit()
    return ids, written


def _consent_row(subscriber_id: int, version_id: int, given_at) -> dict[str, Any]:
    return {
        "subscriber_id": subscriber_id,
        "person_kind": PersonKind.subscriber.value,
        "person_id": subscriber_id,
        "data_kind": DataKind.traffic.value,
        "purpose": ConsentPurpose.marketing.value,
        "service_id": None,
        "action": ConsentAction.given.value,
        "version_id": version_id,
        "method": ConsentMethod.web.value,
        "agent_name": "",
        "script_version": "",
        "evidence_reference": "",
        "representative_name": "",
        "representative_role": "",
        "occurred_at": given_at,
        "recorded_at": given_at,
        "recorded_by": "bench",
    }


def _token(engine: Engine, now) -> str:
    with Session(engine, expire_on_commit=False) as session:
        user = accounts.create_user(
            session,
            actor=BENCH,
            now=now,
            username=f"bench-{secrets.token_hex(4)}",
            password=secrets.token_urlsafe(24),
            role="auditor",
        )
        _row, secret = tokens.create_token(session, actor=BENCH, now=now, user=user, name="bench")
        session.commit()
    return secret


def _per_second(timings: list[float]) -> dict[str, float]:
    return {
        "median_ms": round(statistics.median(timings) * 1000, 3),
        "requests_per_second": round(len(timings) / sum(timings), 1),
    }


def _http(url: str, secret: str, ids: list[int], repeats: int) -> dict[str, Any]:
    import httpx

    headers = {"Authorization": f"Bearer {secret}"}
    with httpx.Client(base_url=url, headers=headers, timeout=600) as client:
        trivial, single = [], []
        for index in range(repeats):
            started = time.perf_counter()
            client.get("/healthz").raise_for_status()
            trivial.append(time.perf_counter() - started)
            question = {"subscriber_id": ids[index % len(ids)], "data_kind": "traffic", "purpose": "marketing"}
            started = time.perf_counter()
            client.post("/api/v1/traffic/authorise", json=question).raise_for_status()
            single.append(time.perf_counter() - started)
        body = "".join(
            json.dumps({"subscriber_id": i, "data_kind": "traffic", "purpose": "marketing"}) + "\n" for i in ids
        ).encode()
        started = time.perf_counter()
        with client.stream(
            "POST", "/api/v1/traffic/authorise/batch", content=body, headers={"Content-Type": bulk.NDJSON_TYPE}
        ) as response:
            answers = sum(chunk.count(b"\n") for chunk in response.iter_bytes())
        batch_seconds = time.perf_counter() - started
    healthz, authorise = _per_second(trivial), _per_second(single)
    return {
        "healthz": healthz,
        "authorise": authorise,
        "single_ratio_to_healthz": round(authorise["requests_per_second"] / healthz["requests_per_second"], 2),
        "batch_http": {
            "answers": answers,
            "seconds": round(batch_seconds, 2),
            "answers_per_second": round(answers / batch_seconds),
        },
    }


def _in_process(engine: Engine, ids: list[int]) -> dict[str, Any]:
    asks = [AuthoriseRequest(subscriber_id=i, data_kind=DataKind.traffic, purpose="marketing") for i in ids]
    now = SystemClock().now()
    started = time.perf_counter()
    allowed = 0
    with Session(engine) as session:
        for start in range(0, len(asks), bulk.CHUNK):
            allowed += sum(a.allowed for a in bulk.answer_chunk(session, asks[start : start + bulk.CHUNK], now))
    seconds = time.perf_counter() - started
    return {"answers": len(asks), "allowed": allowed, "answers_per_second": round(len(asks) / seconds)}


def run(context: BenchContext, *, count: int, repeats: int) -> dict[str, Any]:
    engine, now = context.engine, SystemClock().now()
    with context.progress("loading subscribers", count) as advance:
        loaded = ensure_subscribers(engine, count, SystemClock(), progress=advance)
    ids, consents = _consents(engine, now)
    vacuum(engine)
    secret = _token(engine, now)
    with serving(engine) as url:
        http = _http(url, secret, ids[:count], repeats)
    return {
        "database": engine.dialect.name,
        "subscribers": loaded,
        "consents_written": consents,
        **http,
        "batch_in_process": _in_process(engine, ids[:count]),
    }
