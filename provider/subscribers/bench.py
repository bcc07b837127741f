"""Benchmark of the subscriber list page at scale (for `pecr bench` and tests/benchmarks).

`bench_list(engine, count)` tops the database up to `count` subscribers with demo data (timing the
load), then requests GET /subscribers through the real app — first page, name searches (word
prefixes: a surname, a first name with a surname prefix, one letter, two initials), exact look-ups and a page deep
in the list by cursor — and returns milliseconds per request (median and 95th percentile), plus the
time the dashboard's volumes panel takes to count (exact GROUP BY and what the panel really runs).
It signs in as a read-only account `pecr-bench` (created if missing, with a random password), so run
it against a scratch database.
"""

from __future__ import annotations

import secrets
import statistics
import time
from collections.abc import Callable
from typing import Any

from sqlalchemy import Engine, func, text
from sqlmodel import Session, select

from provider.clock import Clock, SystemClock
from provider.manifest import BenchContext
from provider.security.actor import system_actor
from provider.subscribers import dashboard, demo
from provider.subscribers.models import Line, Subscriber
from provider.subscribers.search import Cursor, encode_cursor

BENCH = system_actor("bench")
BENCH_USER = "pecr-bench"


def ensure_subscribers(
    engine: Engine, count: int, clock: Clock, progress: Callable[[int], None] | None = None
) -> dict[str, float]:
    """Add demo subscribers until there are `count`; report how long the load took.

    `progress(done)` is told how many subscribers have been loaded so far (a running total).
    """
    with Session(engine) as session:
        existing = session.exec(select(func.count()).select_from(Subscriber)).one()
    missing = max(0, count - existing)
    if not missing:
        return {"existing": existing, "loaded": 0}
    loaded = 0

    def advance(rows: int) -> None:
        nonlocal loaded
        loaded += rows
        if progress:
            progress(loaded)

    started = time.perf_counter()
    with Session(engine) as session:
        written = demo.load_demo(session, actor=BENCH, now=clock.now(), count=missing, progress=advance)
        session.commit()
    seconds = time.perf_counter() - started
    return {
        "existing": existing,
        "loaded": written.subscribers,
        "lines": written.lines,
        "name_words": written.words,
        "load_seconds": round(seconds, 1),
        "rows_per_second": round((written.subscribers + written.lines + written.users) / seconds),
    }


def vacuum(engine: Engine) -> float | None:
    """PostgreSQL: VACUUM (ANALYZE) the subscriber tables after a load, as autovacuum soon would, so the
    timings are of the steady state (index-only scans need the visibility map a vacuum sets). Seconds."""
    if engine.dialect.name != "postgresql":
        return None
    started = time.perf_counter()
    with engine.connect().execution_options(isolation_level="AUTOCOMMIT") as connection:
        connection.execute(text("VACUUM (ANALYZE) subscriber, subscriber_line, line_user, subscriber_name_word"))
    return round(time.perf_counter() - started, 1)


def _signed_in_client(engine: Engine, clock: Clock) -> Any:
    # Imported here: the benchmark drives the whole app, which only composition roots may build.
    from fastapi.testclient import TestClient

    from provider.security import accounts, web_sessions
    from provider.security.models import User
    from provider.settings import Settings
    from provider.web.app import create_app
    from provider.web.deps import SESSION_COOKIE

    with Session(engine, expire_on_commit=False) as session:
        user = session.exec(select(User).where(User.username == BENCH_USER)).first()
        if user is None:
            user = accounts.create_user(
                session,
                actor=BENCH,
                now=clock.now(),
                username=BENCH_USER,
                password=secrets.token_urlsafe(24),
                role="auditor",
            )
        secret = web_sessions.start_session(session, user=user, now=clock.now(), hours=2, mfa_passed=True)
        session.commit()
    settings = Settings(database_url=engine.url.render_as_string(hide_password=False))
    client = TestClient(create_app(settings=settings, clock=clock, engine=engine), follow_redirects=False)
    client.cookies.set(SESSION_COOKIE, secret)
    return client


def _deep_cursor(engine: Engine, fraction: float = 0.9) -> str:
    """A cursor about `fraction` of the way down the list (found once, with OFFSET, outside the timing)."""
    with Session(engine) as session:
        total = session.exec(select(func.count()).select_from(Subscriber)).one()
        row = session.execute(
            text("SELECT name_key, id FROM subscriber ORDER BY name_key, id LIMIT 1 OFFSET :n"),
            {"n": max(0, int(total * fraction) - 1)},
        ).first()
    return encode_cursor(Cursor(row[0], row[1])) if row else ""


def _sample_lookups(engine: Engine) -> tuple[str, str]:
    with Session(engine) as session:
        reference = session.exec(select(Subscriber.account_reference).order_by(Subscriber.id.desc()).limit(1)).first()
        number = session.exec(select(Line.number).order_by(Line.id.desc()).limit(1)).first()
    return reference or "NONE", number or "+447700900000"


def _time(client: Any, params: dict[str, str], repeats: int) -> dict[str, float]:
    client.get("/subscribers", params=params)  # warm caches once
    samples = []
    for _ in range(repeats):
        started = time.perf_counter()
        response = client.get("/subscribers", params=params)
        samples.append((time.perf_counter() - started) * 1000)
        if response.status_code != 200:
            raise RuntimeError(f"GET /subscribers {params} answered {response.status_code}")
    samples.sort()
    return {
        "median_ms": round(statistics.median(samples), 1),
        "p95_ms": round(samples[min(len(samples) - 1, int(len(samples) * 0.95))], 1),
    }


def bench_list(
    engine: Engine,
    count: int,
    *,
    repeats: int = 20,
    clock: Clock | None = None,
    progress: Callable[[int], None] | None = None,
) -> dict[str, Any]:
    """Timings of the subscriber list page at `count` subscribers (loading demo data if needed)."""
    clock = clock or SystemClock()
    result: dict[str, Any] = {
        "backend": engine.dialect.name,
        "subscribers": count,
        "load": ensure_subscribers(engine, count, clock, progress),
    }
    result["vacuum_seconds"] = vacuum(engine)
    reference, number = _sample_lookups(engine)
    cases = {
        "first_page": {},
        "search_common_prefix": {"q": "smi"},
        "search_rare_prefix": {"q": "zainab k"},
        "search_surname": {"q": "smith"},
        "search_first_name_and_surname_prefix": {"q": "oliver smi"},
        "search_single_letter": {"q": "s"},
        "search_initials": {"q": "j s"},
        "search_no_match": {"q": "qqqq"},
        "search_account_reference": {"q": reference},
        "search_line_number": {"q": number},
        "deep_page_by_cursor": {"after": _deep_cursor(engine)},
    }
    with _signed_in_client(engine, clock) as client:
        result["pages"] = {name: _time(client, params, repeats) for name, params in cases.items()}
        deep = client.get("/subscribers", params=cases["deep_page_by_cursor"])
        result["deep_page_ok"] = deep.status_code == 200 and 'rel="next"' in deep.text
        surname = client.get("/subscribers", params=cases["search_surname"])
        result["search_surname_finds_surnames"] = surname.status_code == 200 and " Smith</a>" in surname.text
    result["volumes_panel"] = bench_volumes(engine, repeats=max(3, repeats // 4))
    return result


def _median_ms(action: Callable[[], object], repeats: int) -> float:
    action()  # warm caches once
    samples = []
    for _ in range(repeats):
        started = time.perf_counter()
        action()
        samples.append((time.perf_counter() - started) * 1000)
    return round(statistics.median(samples), 1)


def bench_volumes(engine: Engine, repeats: int = 5) -> dict[str, Any]:
    """Milliseconds to count lines by service and subscribers by kind: exactly, and as the panel does."""
    with Session(engine) as session:
        exact = _median_ms(
            lambda: (dashboard._exact(session, Line.service), dashboard._exact(session, Subscriber.kind)), repeats
        )
        panel = _median_ms(lambda: dashboard.count_volumes(session), repeats)
        approximate = dashboard.count_volumes(session).approximate
    return {"exact_group_by_ms": exact, "panel_ms": panel, "panel_approximate": approximate}


def run(context: BenchContext, *, count: int, repeats: int) -> dict[str, Any]:
    """`pecr bench subscribers`: top up to `count` subscribers (with a progress bar), then bench_list."""
    with context.progress("loading subscribers", count) as advance:
        return bench_list(context.engine, count, repeats=repeats, progress=advance)
