"""Two real `pecr scheduler` processes on one PostgreSQL database: each scheduled run happens exactly
once, and when the leader is killed (SIGKILL: no chance to release the lease) the standby takes over
within the lease time plus one heartbeat, and runs stay exactly once.

Runs on PostgreSQL only, in a scratch database created and dropped here; it never skips when
PECR_TEST_POSTGRES_URL is set.
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from datetime import UTC, datetime
from pathlib import Path

import pytest
from sqlalchemy import Engine, func, select, text
from sqlalchemy.engine import make_url

from provider.db.engine import make_engine
from provider.db.registry import load_all_models
from provider.scheduler import lease
from provider.scheduler.models import JobRun
from provider.scheduler.selftest import TICK_JOB_ID, create_tick_table, ticks
from tests.conftest import POSTGRES_URL

pytestmark = [pytest.mark.postgres, pytest.mark.slow]
LEASE_SECONDS = 5  # the settings floor
HEARTBEAT_SECONDS = 1
TAKEOVER_BOUND_SECONDS = LEASE_SECONDS + HEARTBEAT_SECONDS + 2  # + process scheduling slack


@pytest.fixture
def scratch_database() -> Iterator[str]:
    if not POSTGRES_URL:
        pytest.skip("needs PostgreSQL: set PECR_TEST_POSTGRES_URL")
    base = make_url(POSTGRES_URL)
    name = f"pecr_scheduler_{os.getpid()}"
    admin = make_engine(base.render_as_string(hide_password=False), isolation_level="AUTOCOMMIT")
    with admin.connect() as connection:
        connection.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        connection.execute(text(f'CREATE DATABASE "{name}"'))
    url = base.set(database=name).render_as_string(hide_password=False)
    try:
        yield url
    finally:
        with admin.connect() as connection:
            connection.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()


def _pecr_command() -> list[str]:
    script = Path(sys.executable).parent / "pecr"
    if script.exists():
        return [str(script), "scheduler"]
    return [sys.executable, "-c", "from provider.console import main; main()", "scheduler"]


def _start(url: str, log_path: Path) -> subprocess.Popen:
    env = {
        **os.environ,
        "PECR_DATABASE_URL": url,
        "PECR_ENV": "test",
        "PECR_SCHEDULER_TEST_JOBS": "1",
        "PECR_SCHEDULER_LEASE_SECONDS": str(LEASE_SECONDS),
        "PECR_SCHEDULER_HEARTBEAT_SECONDS": str(HEARTBEAT_SECONDS),
    }
    log = log_path.open("w")
    return subprocess.Popen(_pecr_command(), env=env, stdout=log, stderr=subprocess.STDOUT)


def _wait_for(condition: Callable[[], object], timeout: float, what: str) -> object:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        value = condition()
        if value:
            return value
        time.sleep(0.1)
    raise AssertionError(f"timed out after {timeout} s waiting for {what}")


def _ticks(engine: Engine) -> list[tuple[datetime, int]]:
    with engine.connect() as connection:
        return [
            (row.scheduled_for, row.pid)
            for row in connection.execute(select(ticks.c.scheduled_for, ticks.c.pid).order_by(ticks.c.scheduled_for))
        ]


def _holder_process(engine: Engine, processes: list[subprocess.Popen]) -> subprocess.Popen | None:
    current = lease.current(engine)
    if current is None or current.expires_at <= datetime.now(UTC):
        return None
    return next((p for p in processes if f":{p.pid}:" in current.holder), None)


def _assert_each_second_ran_once(rows: list[tuple[datetime, int]], pid: int) -> None:
    times = [at for at, _ in rows]
    assert len(times) == len(set(times)), "a scheduled second ran twice"
    assert {runner for _, runner in rows} == {pid}
    span = int((times[-1] - times[0]).total_seconds()) + 1
    assert span - 1 <= len(times) <= span, f"{len(times)} runs over {span} scheduled seconds"


def test_two_schedulers_run_each_scheduled_second_exactly_once_and_the_standby_takes_over(
    scratch_database,
    tmp_path,
):
    engine = make_engine(scratch_database)
    load_all_models().metadata.create_all(engine)
    create_tick_table(engine)
    processes = [_start(scratch_database, tmp_path / f"scheduler-{n}.log") for n in range(2)]
    try:
        leader = _wait_for(lambda: _holder_process(engine, processes), 15, "a leader")
        standby = next(p for p in processes if p is not leader)
        _wait_for(lambda: len(_ticks(engine)) >= 4, 10, "four ticks")
        first_tenure = _ticks(engine)
        _assert_each_second_ran_once(first_tenure, leader.pid)

        leader.send_signal(signal.SIGKILL)
        killed_at = datetime.now(UTC)
        leader.wait(timeout=5)
        taken_over = _wait_for(
            lambda: [at for at, pid in _ticks(engine) if pid == standby.pid],
            TAKEOVER_BOUND_SECONDS + 2,
            "the standby's first run",
        )
        takeover_seconds = (taken_over[0] - killed_at).total_seconds()
        print(f"standby's first run {takeover_seconds:.1f} s after SIGKILL (bound {TAKEOVER_BOUND_SECONDS} s)")
        assert takeover_seconds <= TAKEOVER_BOUND_SECONDS

        _wait_for(lambda: len([1 for _, pid in _ticks(engine) if pid == standby.pid]) >= 3, 10, "three more ticks")
        everything = _ticks(engine)
        second_tenure = [(at, pid) for at, pid in everything if at >= taken_over[0]]
        _assert_each_second_ran_once(second_tenure, standby.pid)
        assert len({at for at, _ in everything}) == len(everything), "a scheduled second ran twice"
        assert max(at for at, pid in everything if pid == leader.pid) < taken_over[0]

        standby.send_signal(signal.SIGTERM)
        assert standby.wait(timeout=15) == 0
        with engine.connect() as connection:
            run_rows = connection.execute(
                select(func.count()).select_from(JobRun).where(JobRun.job_id == TICK_JOB_ID)
            ).scalar_one()
        assert run_rows >= len(everything)  # a run the killed leader claimed but never finished has no tick
        assert run_rows <= len(everything) + 1
        assert lease.describe(engine, datetime.now(UTC))["healthy"] is False  # released on SIGTERM
    except BaseException:
        for log in sorted(tmp_path.glob("scheduler-*.log")):
            print(f"--- {log.name}\n{log.read_text()[-4000:]}")
        raise
    finally:
        for process in processes:
            if process.poll() is None:
                process.kill()
                process.wait(timeout=5)
        engine.dispose()
