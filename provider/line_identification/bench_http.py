"""The HTTP half of `pecr bench cli`: the real server in its own process (`provider.bench_server`), one
keep-alive httpx client, decisions beside the trivial endpoint, batches one after another (the body encoded
before the clock starts), and a settings change seen by the next decision here and on a second replica.
"""

from __future__ import annotations

import json
import secrets
import socket
import statistics
import time
from typing import Any

import httpx
from sqlalchemy import Engine
from sqlmodel import Session

from provider.bench_server import serving
from provider.clock import SystemClock
from provider.db.engine import make_engine
from provider.line_identification import cache, service
from provider.line_identification.rules import Call, Origin, Prefixes
from provider.security import accounts, tokens
from provider.security.actor import system_actor

BENCH = system_actor("bench")
# A switch sends batches one after another: the median of a few is the rate; the first, on a server that
# has not yet answered one (its memory not yet grown to a batch's size), is reported beside it.
BATCH_ROUNDS = 3


def _token(engine: Engine) -> str:
    now = SystemClock().now()
    with Session(engine, expire_on_commit=False) as session:
        user = accounts.create_user(
            session, actor=BENCH, now=now, username="pecr-bench-cli", password=secrets.token_urlsafe(24), role="agent"
        )
        _row, secret = tokens.create_token(
            session, actor=BENCH, now=now, user=user, name="bench", scopes=["lines:read", "lines:write"]
        )
        session.commit()
    return secret


def _body(call: Call) -> dict[str, Any]:
    return {
        "network_number": call.network_number,
        "origin": call.origin.value,
        "dialled": call.dialled,
        "called": call.called,
    }


def _rate(seconds: float, send) -> float:
    done, started = 0, time.perf_counter()
    while time.perf_counter() - started < seconds:
        response = send(done)
        if response.status_code != 200:
            raise RuntimeError(f"{response.request.method} {response.request.url} answered {response.status_code}")
        done += 1
    return done / (time.perf_counter() - started)


def _change_visible(client: httpx.Client, engine: Engine, calls: list[Call]) -> dict[str, Any]:
    """Through the server (replica A), make the called line reject withheld calls; the next decision on
    A and on replica B (another engine: its own cache) must block a 141 call to it."""
    replica = make_engine(engine.url.render_as_string(hide_password=False))
    called = calls[0].called
    caller = calls[1].network_number
    call = Call(network_number=caller, origin=Origin.own_subscriber, dialled="1410" + called[3:], called=called)
    with Session(replica) as session:
        before = service.decide_plain(session, prefixes=Prefixes(), now=SystemClock().now(), calls=[call])[0]
    with Session(engine) as session:
        line_id = cache.for_engine(engine).current(session).line_ids[called]
    body = {"reject_anonymous": not before.blocked, "requested_by": "bench", "channel": "provisioning"}
    started = time.perf_counter()
    changed = client.put(f"/api/v1/lines/{line_id}/cli", json=body)
    answer = client.post("/api/v1/cli/decide", json=_body(call)).json()
    seen_a = time.perf_counter() - started
    with Session(replica) as session:
        after = service.decide_plain(session, prefixes=Prefixes(), now=SystemClock().now(), calls=[call])[0]
    replica.dispose()
    return {
        "put_status": changed.status_code,
        "blocked_before": before.blocked,
        "next_decision_on_same_replica_blocked": answer["blocked"],
        "next_decision_on_other_replica_blocked": after.blocked,
        "visible_next_decision": answer["blocked"] != before.blocked and after.blocked != before.blocked,
        "put_then_decide_ms": round(seen_a * 1000, 1),
    }


def _batch(client: httpx.Client, body: bytes) -> float:
    started = time.perf_counter()
    response = client.post("/api/v1/cli/decide/batch", content=body, headers={"Content-Type": "application/json"})
    seconds = time.perf_counter() - started
    if response.status_code != 200:
        raise RuntimeError(f"batch answered {response.status_code}: {response.text[:300]}")
    return seconds


def over_http(engine: Engine, calls: list[Call], *, seconds: float) -> dict[str, Any]:
    secret = _token(engine)
    headers = {"Authorization": f"Bearer {secret}"}
    with serving(engine) as base:
        # TCP_NODELAY, as a switch's client would set: without it a POST's body waits on a delayed ACK.
        transport = httpx.HTTPTransport(socket_options=[(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)])
        with httpx.Client(base_url=base, headers=headers, timeout=600, transport=transport) as client:
            bodies = [_body(call) for call in calls[:50_000]]
            client.get("/healthz")
            client.post("/api/v1/cli/decide", json=bodies[0])
            trivial = _rate(seconds, lambda _i: client.get("/healthz"))
            single = _rate(seconds, lambda i: client.post("/api/v1/cli/decide", json=bodies[i % len(bodies)]))
            # Encoded before the clock starts, as the authorise bench does: what is timed is the server's
            # work and the transfer, not this client's JSON encoder.
            batch_body = json.dumps({"calls": [_body(call) for call in calls]}).encode()
            batch_seconds = [_batch(client, batch_body) for _round in range(BATCH_ROUNDS)]
            change = _change_visible(client, engine, calls)
    return {
        "trivial_healthz_per_second": round(trivial),
        "single_decide_per_second": round(single),
        "single_over_trivial": round(single / trivial, 2),
        "batch_calls": len(calls),
        "batch_seconds": [round(seconds, 2) for seconds in batch_seconds],
        "first_batch_per_second": round(len(calls) / batch_seconds[0]),
        "batch_per_second": round(len(calls) / statistics.median(batch_seconds)),
        "settings_change": change,
    }
