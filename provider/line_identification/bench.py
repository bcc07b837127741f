"""`pecr bench cli`: CLI decisions per second with COUNT lines configured and a full numbering file loaded.

On the scratch database: COUNT subscribers, lines (020 0000 0000 upwards) and CLI settings are bulk
inserted (a third withhold, a fifth reject anonymous calls, ...), a numbering file of RANGES allocation
prefixes and a DNO list are written as CSV and imported through `pecr numbering import`'s code. Then:
- in process: single decisions (each reads the state row, as every HTTP decision does) and one batch of
  100,000 calls (one state read), and the rules alone;
- over HTTP: the real server in its own process (`provider.bench_server`), one keep-alive client,
  `POST /api/v1/cli/decide` beside `GET /healthz` (the trivial endpoint of the same server: one
  database read) for SECONDS each, and a batch of 100,000 calls in one `POST /api/v1/cli/decide/batch`;
- a settings change through one replica (the HTTP server) seen by the very next decision there and on
  a second replica (another engine with its own cache, as another process would have).

Measured on 3 Dec 2026 on PostgreSQL with the defaults, on a 2-core machine at load average 5 to 13 (so
only ratios within one run mean much): batch over HTTP 7,300-10,200 decisions/s before the batch
reading changes (0.17-0.36 of the in-process batch of the same run), 19,900-27,600 after (0.44-0.69).
Server CPU per 100,000-call batch fell from about 4 s to about 1.1 s, of which the decisions themselves
are 0.7 s; a settings change was seen by the next decision on both replicas every time.
"""

from __future__ import annotations

import random
import tempfile
import time
from pathlib import Path
from typing import Any

from sqlalchemy import Engine
from sqlmodel import Session

from provider.clock import SystemClock
from provider.db.bulk import insert_rows, move_id_sequences
from provider.line_identification import cache, numbering, rules, service
from provider.line_identification.models import LineCliSetting, NumberingList
from provider.line_identification.rules import Call, Origin, Prefixes
from provider.manifest import BenchContext
from provider.security.actor import system_actor
from provider.subscribers.models import Line, Subscriber

BENCH = system_actor("bench")
BATCH = 100_000


def number_of(index: int) -> str:
    return f"+4420{index:08d}"


def _rows(count: int, now) -> tuple[Any, Any, Any]:
    subscribers = (
        {
            "id": i + 1,
            "kind": "individual",
            "name": f"Bench {i}",
            "address": "1 Bench Street",
            "email": "",
            "phone": "",
            "account_reference": f"B{i}",
            "name_key": f"bench {i}",
            "created_at": now,
            "updated_at": now,
        }
        for i in range(count)
    )
    lines = (
        {
            "id": i + 1,
            "subscriber_id": i + 1,
            "number": number_of(i),
            "service": "fixed",
            "created_at": now,
            "updated_at": now,
        }
        for i in range(count)
    )
    settings = (
        {
            "line_id": i + 1,
            "withhold_all": i % 3 == 0,
            "hide_incoming": i % 7 == 0,
            "reject_anonymous": i % 5 == 0,
            "rejection_method": "network" if i % 10 else "device",
            "rejection_charge": "",
            "withhold_connected": i % 11 == 0,
            "requested_by": "bench",
            "channel": "provisioning",
            "requested_at": now,
            "recorded_by": "bench",
            "changed_at": now,
            "version": 0,
        }
        for i in range(count)
    )
    return subscribers, lines, settings


def load_lines(engine: Engine, count: int) -> float:
    now = SystemClock().now()
    started = time.perf_counter()
    subscribers, lines, settings = _rows(count, now)
    with Session(engine) as session:
        insert_rows(session, Subscriber.__table__, subscribers)
        insert_rows(session, Line.__table__, lines)
        insert_rows(session, LineCliSetting.__table__, settings)
        move_id_sequences(session, [Subscriber.__table__, Line.__table__])
        cache.bump(session, now)
        session.commit()
    return round(time.perf_counter() - started, 1)


def load_numbering(engine: Engine, ranges: int, folder: Path) -> dict[str, Any]:
    """An allocation file of `ranges` prefixes of 8 digits (every 50th not in use) and a DNO list."""
    allocation, dno = folder / "allocation.csv", folder / "dno.csv"
    with allocation.open("w") as handle:
        handle.write("prefix,status\n")
        for i in range(ranges):
            handle.write(f"02{i:06d},{'free' if i % 50 == 49 else 'allocated'}\n")
    with dno.open("w") as handle:
        handle.write("number\n")
        for i in range(10_000):
            handle.write(f"0800{i:06d}\n")
    started = time.perf_counter()
    for kind, path in ((NumberingList.allocation, allocation), (NumberingList.dno, dno)):
        with Session(engine) as session:
            numbering.import_file(session, actor=BENCH, now=SystemClock().now(), kind=kind, path=path)
            session.commit()
    return {
        "allocation_prefixes": ranges,
        "dno_numbers": 10_000,
        "import_seconds": round(time.perf_counter() - started, 1),
    }


def sample_calls(count: int, lines: int, seed: int = 7) -> list[Call]:
    """A mix: our subscribers calling each other (some with 141/1470), UK interconnect, abroad, 999."""
    chooser = random.Random(seed)
    calls = []
    for i in range(count):
        caller, called = number_of(chooser.randrange(lines)), number_of(chooser.randrange(lines))
        kind = i % 10
        dialled = "0" + called[3:]
        if kind == 1:
            dialled = "141" + dialled
        elif kind == 2:
            dialled = "1470" + dialled
        elif kind == 3:
            dialled = "999"
        origin = Origin.own_subscriber if kind < 6 else Origin.uk_interconnect if kind < 8 else Origin.international
        network = caller if kind != 9 else "+33142685300"
        calls.append(Call(network_number=network, origin=origin, dialled=dialled, called=called))
    return calls


def _in_process(engine: Engine, calls: list[Call]) -> dict[str, Any]:
    prefixes, now = Prefixes(), SystemClock().now()
    with Session(engine) as session:
        started = time.perf_counter()
        service.decide_plain(session, prefixes=prefixes, now=now, calls=calls[:1])  # the first load
        load = time.perf_counter() - started
        single = calls[: min(20_000, len(calls))]
        started = time.perf_counter()
        for call in single:
            service.decide_plain(session, prefixes=prefixes, now=now, calls=[call])
        single_rate = len(single) / (time.perf_counter() - started)
        started = time.perf_counter()
        decisions = service.decide_plain(session, prefixes=prefixes, now=now, calls=calls)
        batch_rate = len(calls) / (time.perf_counter() - started)
        snapshot = cache.for_engine(engine).current(session)
    started = time.perf_counter()
    for call in calls:
        rules.decide(
            call, rules.Context(snapshot.lines.get(call.network_number), None, None, snapshot.numbering, prefixes, now)
        )
    return {
        "cache_load_seconds": round(load, 2),
        "single_per_second": round(single_rate),
        "batch_per_second": round(batch_rate),
        "rules_only_per_second": round(len(calls) / (time.perf_counter() - started)),
        "blocked_share": round(sum(d.blocked for d in decisions) / len(decisions), 3),
    }


def run(context: BenchContext, *, count: int, ranges: int, seconds: int, batch: int = BATCH) -> dict[str, Any]:
    from provider.line_identification.bench_http import over_http  # httpx: only when the bench runs

    engine = context.engine
    with context.progress("lines", 1) as advance:
        load_seconds = load_lines(engine, count)
        advance(1)
    with tempfile.TemporaryDirectory() as folder:
        loaded = load_numbering(engine, ranges, Path(folder))
    calls = sample_calls(batch, count)
    result: dict[str, Any] = {
        "database": engine.dialect.name,
        "lines": count,
        "lines_load_seconds": load_seconds,
        "numbering": loaded,
        "in_process": _in_process(engine, calls),
    }
    result["http"] = over_http(engine, calls, seconds=seconds)
    return result
