"""A database outage under load: requests get a 503 problem within two seconds, nothing is half-written,
and service resumes without a restart once the database is back.

The test runs its own PostgreSQL (initdb and pg_ctl in a temporary folder, on a free port), so it can
stop and start it; the app runs in a real uvicorn server in a thread, driven by several threads at once.
"""

from __future__ import annotations

import os
import shutil
import socket
import subprocess
import tempfile
import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import httpx
import pytest
import uvicorn
from sqlalchemy import Engine, text
from sqlmodel import Session

from provider.clock import SystemClock
from provider.db.engine import make_engine
from provider.security import tokens
from provider.security.audit import verify_chain
from provider.settings import Settings
from provider.web.app import create_app
from tests.conftest import IN_CI, TESTER, _create_schema, make_user

pytestmark = [pytest.mark.slow, pytest.mark.postgres]
BIN = Path(os.environ.get("PECR_TEST_PG_BIN", "/usr/local/bin"))
ANSWER_WITHIN = 2.0  # seconds: the bound on any answer while the database is down
WORKERS = 6
BREACH = {"title": "Outage test", "circumstance": "loss", "detected_at": "2026-03-09T09:00:00Z"}


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


class Postgres:
    """A throwaway server. As root it runs as the `postgres` user, since initdb refuses root."""

    def __init__(self, folder: Path) -> None:
        self.folder, self.data, self.port = folder, folder / "data", _free_port()
        self.as_user = ["runuser", "-u", "postgres", "--"] if os.geteuid() == 0 else []

    def _run(self, *command: str) -> None:
        subprocess.run([*self.as_user, *command], check=True, capture_output=True, timeout=60)

    def init(self) -> None:
        if self.as_user:
            shutil.chown(self.folder, "postgres")
        self._run(str(BIN / "initdb"), "-D", str(self.data), "-U", "postgres", "-A", "trust", "--no-sync")

    def start(self) -> None:
        options = f"-p {self.port} -c listen_addresses=127.0.0.1 -k {self.folder} -c fsync=off"
        self._run(
            str(BIN / "pg_ctl"), "-D", str(self.data), "-o", options, "-l", str(self.folder / "log"), "-w", "start"
        )

    def stop(self) -> None:
        self._run(str(BIN / "pg_ctl"), "-D", str(self.data), "-m", "fast", "-w", "stop")

    @property
    def url(self) -> str:
        return f"postgresql+psycopg://postgres@127.0.0.1:{self.port}/postgres"


@pytest.fixture
def own_postgres() -> Iterator[Postgres]:
    if not (BIN / "initdb").exists() or not (BIN / "pg_ctl").exists():
        if IN_CI:
            pytest.fail(f"CI=true but initdb/pg_ctl are missing from {BIN}")
        pytest.skip(f"initdb and pg_ctl not found in {BIN} (set PECR_TEST_PG_BIN)")
    folder = Path(tempfile.mkdtemp(prefix="pecr-outage-"))
    server = Postgres(folder)
    try:
        server.init()
        server.start()
        yield server
    finally:
        subprocess.run([*server.as_user, str(BIN / "pg_ctl"), "-D", str(server.data), "-m", "immediate", "stop"],
                       capture_output=True, timeout=60)  # fmt: skip
        shutil.rmtree(folder, ignore_errors=True)


@dataclass
class Outcome:
    started: float
    elapsed: float
    status: int
    problem_type: str = ""
    breach_id: int | None = None


def _load(base: str, secret: str, stop: threading.Event, outcomes: list[Outcome], lock: threading.Lock) -> None:
    with httpx.Client(base_url=base, headers={"Authorization": f"Bearer {secret}"}, timeout=10) as client:
        turn = 0
        while not stop.is_set():
            turn += 1
            started = time.monotonic()
            if turn % 2:
                response = client.post("/api/v1/breaches", json={**BREACH, "aware_at": "2026-03-09T14:20:00Z"})
            else:
                response = client.get("/api/v1/breaches", params={"limit": 5})
            outcome = Outcome(started, time.monotonic() - started, response.status_code)
            if response.headers.get("content-type") == "application/problem+json":
                outcome.problem_type = response.json().get("type", "")
            if response.status_code == 201:
                outcome.breach_id = response.json()["id"]
            with lock:
                outcomes.append(outcome)


def _serve(app) -> tuple[uvicorn.Server, threading.Thread, str]:
    config = uvicorn.Config(app, host="127.0.0.1", port=_free_port(), log_level="critical")
    server = uvicorn.Server(config)
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + 10
    while not server.started and time.monotonic() < deadline:
        time.sleep(0.02)
    return server, thread, f"http://127.0.0.1:{config.port}"


def _wait_for_successes(outcomes: list[Outcome], lock: threading.Lock, *, after: float, count: int) -> None:
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        with lock:
            if len([o for o in outcomes if o.started > after and o.status in (200, 201)]) >= count:
                return
        time.sleep(0.1)


def _prepare(engine: Engine) -> str:
    _create_schema(engine)
    user = make_user(engine, SystemClock(), "breach_manager", "outage")
    with Session(engine, expire_on_commit=False) as session:
        _token, secret = tokens.create_token(session, actor=TESTER, now=SystemClock().now(), user=user, name="load")
        session.commit()
    return secret


def _assert_nothing_half_written(engine: Engine, created: set[int]) -> None:
    with engine.connect() as connection:
        breaches = set(connection.execute(text("SELECT id FROM breach")).scalars())
        audited = set(
            connection.execute(
                text("SELECT CAST(entity_id AS BIGINT) FROM audit_event WHERE action = 'breach.created'")
            ).scalars()
        )
        with_deadlines = set(
            connection.execute(text("SELECT DISTINCT owner_id FROM obligation WHERE owner_kind = 'breach'")).scalars()
        )
    assert created <= breaches, "a 201 was answered for a breach that is not stored"
    assert breaches == audited, "a breach without its audit event, or an event without its breach"
    assert breaches <= with_deadlines, "a breach stored without its deadlines"
    with Session(engine) as session:
        assert verify_chain(session).intact


def test_an_outage_gives_quick_503_problems_and_service_resumes_by_itself(own_postgres):
    engine = make_engine(own_postgres.url, connect_timeout=1)
    secret = _prepare(engine)
    settings = Settings(
        env="test", database_url=own_postgres.url, secret_key="test-secret-key-for-pecr", database_connect_timeout=1
    )
    server, thread, base = _serve(create_app(settings=settings, clock=SystemClock(), engine=engine))
    outcomes: list[Outcome] = []
    lock, stop = threading.Lock(), threading.Event()
    workers = [threading.Thread(target=_load, args=(base, secret, stop, outcomes, lock)) for _ in range(WORKERS)]
    try:
        for worker in workers:
            worker.start()
        _wait_for_successes(outcomes, lock, after=0, count=WORKERS * 3)
        down_at = time.monotonic()
        own_postgres.stop()
        stopped_at = time.monotonic()
        time.sleep(3)
        # pg_ctl start returns a little after the server accepts connections: a request answered in
        # that gap is rightly a 200, so "while down" ends when the restart begins.
        restarting_at = time.monotonic()
        own_postgres.start()
        up_at = time.monotonic()
        _wait_for_successes(outcomes, lock, after=up_at + 1, count=WORKERS * 3)
    finally:
        stop.set()
        for worker in workers:
            worker.join(30)
        server.should_exit = True
        thread.join(10)

    before = [o for o in outcomes if o.started + o.elapsed < down_at]
    during = [o for o in outcomes if o.started >= stopped_at and o.started + o.elapsed < restarting_at]
    after = [o for o in outcomes if o.started > up_at + 1]
    assert before and all(o.status in (200, 201) for o in before), "the load ran before the outage"
    assert during, "requests were made while the database was down"
    assert {o.status for o in during} == {503}, f"while down: {sorted({o.status for o in during})}"
    assert {o.problem_type for o in during} == {"https://pecr.example/problems/unavailable"}
    slowest = max(o.elapsed for o in during)
    assert slowest <= ANSWER_WITHIN, f"a request waited {slowest:.2f} s for the missing database"
    assert not [o for o in outcomes if o.status >= 500 and o.status != 503], "no 500 at any point"
    assert after and all(o.status in (200, 201) for o in after), "service resumed without a restart"
    print(
        f"{len(outcomes)} requests: {len(before)} before, {len(during)} during the outage "
        f"(slowest answer {slowest:.2f} s), {len(after)} after; database down {up_at - down_at:.1f} s"
    )
    _assert_nothing_half_written(engine, {o.breach_id for o in outcomes if o.breach_id is not None})
    engine.dispose()
