"""`pecr bench directory`: a full edition of COUNT lines beside a raw `COPY (SELECT ...) TO STDOUT` of the
same rows, the process's peak memory, and look-ups over HTTP beside a trivial endpoint.

The scratch database gets COUNT subscribers with one line each, made by SQL (so loading costs the
process no memory): about 90% individuals, informed 60 days ago (some 5% ex-directory, 10% with
reverse-search consent), the rest corporate. Both timings read the same eligibility SELECT
(directories.queries.entries) through `COPY (...) TO STDOUT` with the same options, one row at a time
as psycopg gives it: the raw one only counts the bytes and discards them; the edition writes them to a
file, hashes them, stores them as the edition's entries (a COPY FROM on a second connection) and
commits the edition's record and audit event. A delta since the first edition follows (after 1% of
lines are added, 1% removed and 1% changed by SQL), timed on its own: it compares stored entries, so
it has no raw counterpart. Look-ups go through the API's own routes in process
(TestClient), each timed as the median of 30 requests beside /healthz, which touches no table.
"""

from __future__ import annotations

import resource
import statistics
import tempfile
import time
from datetime import timedelta
from pathlib import Path
from typing import Any

from sqlalchemy import Engine, text
from sqlmodel import Session

from directories import queries, rules, service
from directories.editions import bulk
from directories.editions import service as editions
from directories.models import NoticeParts
from provider.clock import SystemClock
from provider.manifest import BenchContext
from provider.security.actor import system_actor

BENCH = system_actor("bench")
NOTICE = NoticeParts(
    what_it_is="Our directory and directory enquiry service.",
    what_it_includes="Name, address or town, number.",
    number_lookup="People who know your name and approximate address can find your number.",
    reverse_search="Reverse search only if you opt in.",
    options="Full listing, enquiries only, ex-directory.",
    opt_out="Tell us within 28 days.",
)
SERIES = {
    "postgresql": "SELECT generate_series(1, :count) AS i",
    "sqlite": "WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < :count) SELECT i FROM n",
}
NUMBER = {"postgresql": "'+4477' || lpad(i::text, 8, '0')", "sqlite": "'+4477' || printf('%08d', i)"}
ROUNDS = 3


def _load(engine: Engine, count: int, now: Any) -> dict[str, Any]:
    started = time.perf_counter()
    dialect = engine.dialect.name
    series, number = SERIES[dialect], NUMBER[dialect]
    kind = "CASE WHEN i % 10 = 0 THEN 'corporate' ELSE 'individual' END"
    name = "'Name' || (i % 1000) || ' Surname' || (i % 997)"
    with Session(engine) as session:
        version = service.save_notice(session, actor=BENCH, now=now, parts=NOTICE)
        session.execute(
            text(
                "INSERT INTO subscriber (id, kind, name, address, email, phone, account_reference, name_key, "
                f"created_at, updated_at) SELECT i, {kind}, {name}, i || ' High Street, Town' || (i % 500) "
                f"|| ' AB1 2CD', '', '', 'BENCH-' || i, lower({name}), :now, :now FROM ({series}) AS s"
            ),
            {"count": count, "now": now},
        )
        session.execute(
            text(
                "INSERT INTO subscriber_line (id, subscriber_id, number, service, created_at, updated_at) "
                f"SELECT i, i, {number}, 'fixed', :now, :now FROM ({series}) AS s"
            ),
            {"count": count, "now": now},
        )
        session.execute(
            text(
                "INSERT INTO wording_served (version_id, person_kind, person_id, person_reference, channel, "
                "served_at, served_in, served_in_id) SELECT :version, 'subscriber', i, '', 'post', :served, "
                f"'bench', NULL FROM ({series}) AS s WHERE i % 10 <> 0"
            ),
            {"count": count, "version": version.id, "served": now - timedelta(days=60)},
        )
        session.execute(
            text(
                "INSERT INTO directory_choice (line_id, subscriber_id, listing, name_form, address_detail, "
                "reverse_search, notice_version_id, channel, chosen_at, updated_at) SELECT i, i, "
                "CASE WHEN i % 20 = 1 THEN 'ex_directory' ELSE 'full' END, 'full', 'locality', i % 20 = 3, "
                f":version, 'web', :now, :now FROM ({series}) AS s WHERE i % 20 IN (1, 3)"
            ),
            {"count": count, "version": version.id, "now": now},
        )
        session.commit()
    if dialect == "postgresql":
        with engine.connect().execution_options(isolation_level="AUTOCOMMIT") as connection:
            for table in ("subscriber", "subscriber_line"):
                connection.execute(text(f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), :n)"), {"n": count})
            connection.execute(text("VACUUM (ANALYZE)"))
    return {"lines": count, "load_seconds": round(time.perf_counter() - started, 1)}


def _raw_copy(engine: Engine, cutoff: Any) -> dict[str, Any]:
    """The baseline: the same SELECT through COPY TO STDOUT, each chunk discarded."""
    sql, params = bulk.compiled(queries.entries(cutoff))
    started = time.perf_counter()
    byte_count = 0
    with engine.connect() as connection:
        cursor = connection.connection.driver_connection.cursor()
        with cursor.copy(f"COPY ({sql}) TO STDOUT WITH (FORMAT csv, HEADER true)", params) as out:
            for chunk in out:
                byte_count += len(chunk)
        rows = cursor.rowcount
        cursor.close()
    seconds = time.perf_counter() - started
    return {"rows": rows, "seconds": round(seconds, 2), "rows_per_second": round(rows / seconds), "bytes": byte_count}


def _edition(engine: Engine, now: Any, folder: Path) -> dict[str, Any]:
    path = folder / "edition.csv"
    started = time.perf_counter()
    with path.open("wb") as handle, Session(engine, expire_on_commit=False) as session:
        edition = editions.produce(session, actor=BENCH, now=now, wait_days=28, sink=handle.write)
        session.commit()
    seconds = time.perf_counter() - started
    rows = edition.entries
    return {
        "edition_id": edition.id,
        "rows": rows,
        "seconds": round(seconds, 2),
        "rows_per_second": round(rows / seconds),
        "bytes": path.stat().st_size,
        "sha256": edition.sha256,
    }


CHANGES = (
    # 1% of lines each: ex-directory individuals who now want to be listed (added), individuals with
    # reverse-search consent who go ex-directory (removed), corporate names that change (changed).
    "UPDATE directory_choice SET listing = 'full' WHERE line_id % 100 = 41",
    "UPDATE directory_choice SET listing = 'ex_directory' WHERE line_id % 100 = 63",
    "UPDATE subscriber SET name = name || ' Jr' WHERE id % 100 = 50",
)


def _delta(engine: Engine, now: Any, folder: Path, since_id: int) -> dict[str, Any]:
    """A delta since an edition after 3% of the lines changed (made by SQL, not timed)."""
    with Session(engine) as session:
        for statement in CHANGES:
            session.execute(text(statement))
        session.commit()
    path = folder / "delta.csv"
    started = time.perf_counter()
    with path.open("wb") as handle, Session(engine, expire_on_commit=False) as session:
        edition = editions.produce(
            session, actor=BENCH, now=now, wait_days=28, since_edition_id=since_id, sink=handle.write
        )
        session.commit()
    return {
        "since_edition_id": since_id,
        "entries": edition.entries,
        "added": edition.added,
        "changed": edition.changed,
        "removed": edition.removed,
        "seconds": round(time.perf_counter() - started, 2),
        "bytes": path.stat().st_size,
    }


def _http(engine: Engine, repeats: int = 30) -> dict[str, Any]:
    # Imported here, and only what the look-ups need: the whole app is the composition root's to build.
    from fastapi import FastAPI
    from fastapi.testclient import TestClient

    from directories import api
    from provider.security import accounts, tokens
    from provider.settings import Settings
    from provider.web import health
    from provider.web.problems import install_handlers

    clock = SystemClock()
    with Session(engine, expire_on_commit=False) as session:
        user = accounts.create_user(
            session, actor=BENCH, now=clock.now(), username="directory-bench", password="bench " * 4, role="auditor"
        )
        _token, secret = tokens.create_token(session, actor=BENCH, now=clock.now(), user=user, name="bench")
        session.commit()
    app = FastAPI()
    app.state.settings = Settings(database_url=engine.url.render_as_string(hide_password=False))
    app.state.clock, app.state.engine = clock, engine
    install_handlers(app)
    app.include_router(health.router)
    app.include_router(api.router)
    cases = {
        "trivial_healthz": ("/healthz", {}),
        "search_name": ("/api/v1/directory/search", {"name": "name123 surname45"}),
        "search_name_and_town": ("/api/v1/directory/search", {"name": "name123", "locality": "town7"}),
        "reverse_with_consent": ("/api/v1/directory/reverse", {"number": "+447700000003"}),
        "reverse_without_consent": ("/api/v1/directory/reverse", {"number": "+447700000002"}),
        "reverse_ex_directory": ("/api/v1/directory/reverse", {"number": "+447700000001"}),
        "reverse_unknown": ("/api/v1/directory/reverse", {"number": "+447799999999"}),
    }
    result: dict[str, Any] = {}
    with TestClient(app, headers={"Authorization": f"Bearer {secret}"}) as client:
        for name, (path, params) in cases.items():
            status = client.get(path, params=params).status_code  # warm once
            samples = []
            for _ in range(repeats):
                started = time.perf_counter()
                client.get(path, params=params)
                samples.append((time.perf_counter() - started) * 1000)
            result[name] = {"status": status, "median_ms": round(statistics.median(samples), 2)}
    return result


def _peak_mb() -> float:
    return round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, 1)


def run(context: BenchContext, *, count: int) -> dict[str, Any]:
    """Load COUNT lines, then time the raw COPY and the edition (ROUNDS of each, best kept), a delta after
    some changes, and the look-ups."""
    engine = context.engine
    now = SystemClock().now()
    result: dict[str, Any] = {"backend": engine.dialect.name, "load": _load(engine, count, now)}
    cutoff = rules.informed_cutoff(now, 28)
    result["peak_rss_mb_after_load"] = _peak_mb()
    raw, runs = [], []
    with tempfile.TemporaryDirectory(prefix="pecr-directory-") as folder:
        # Interleaved, so a burst of load from elsewhere on the machine falls on both sides alike.
        for _ in range(ROUNDS):
            if engine.dialect.name == "postgresql":
                raw.append(_raw_copy(engine, cutoff))
            runs.append(_edition(engine, now, Path(folder)))
        delta = _delta(engine, now, Path(folder), runs[0]["edition_id"])
    if raw:
        result["raw_copy"] = min(raw, key=lambda run: run["seconds"])
        result["raw_copy_seconds_each"] = [run["seconds"] for run in raw]
    result["edition"] = min(runs, key=lambda run: run["seconds"])
    result["edition_seconds_each"] = [run["seconds"] for run in runs]
    if "raw_copy" in result:
        ratio = result["edition"]["rows_per_second"] / result["raw_copy"]["rows_per_second"]
        result["edition_vs_raw_copy"] = round(ratio, 2)
    result["delta"] = delta
    result["peak_rss_mb_after_editions"] = _peak_mb()
    result["http"] = _http(engine)
    result["peak_rss_mb_at_end"] = _peak_mb()
    return result
