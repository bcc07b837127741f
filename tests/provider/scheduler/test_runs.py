"""Claiming a run: exactly once per (job_id, scheduled_for), and only while holding the lease."""

from __future__ import annotations

import threading
from datetime import timedelta

from sqlalchemy import func, select

from provider.scheduler import lease, runs
from provider.scheduler.models import JobRun, RunOutcome
from provider.settings import Settings


def _count(engine) -> int:
    with engine.connect() as connection:
        return connection.execute(select(func.count()).select_from(JobRun)).scalar_one()


def test_a_duplicate_claim_for_the_same_scheduled_time_is_refused(engine, clock):
    at = clock.now()
    first = runs.claim(engine, job_id="demo.job", scheduled_for=at, now=at, runner="alpha")
    second = runs.claim(engine, job_id="demo.job", scheduled_for=at, now=at, runner="beta")
    other_time = runs.claim(engine, job_id="demo.job", scheduled_for=at + timedelta(hours=1), now=at, runner="beta")
    assert first is not None and other_time is not None
    assert second is None
    assert _count(engine) == 2
    assert runs.recent(engine, job_id="demo.job")[-1].runner == "alpha"


def test_many_racing_claims_for_one_run_produce_one_winner(engine, clock):
    at = clock.now()
    contenders = [f"scheduler-{n}" for n in range(8)]
    barrier = threading.Barrier(len(contenders))
    won: list[str] = []

    def contend(runner: str) -> None:
        barrier.wait()
        if runs.claim(engine, job_id="demo.job", scheduled_for=at, now=at, runner=runner) is not None:
            won.append(runner)

    threads = [threading.Thread(target=contend, args=(runner,)) for runner in contenders]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert len(won) == 1
    assert _count(engine) == 1


def test_a_claim_under_the_lease_needs_a_live_lease_held_by_the_claimant(engine, clock):
    at = clock.now()
    assert (
        runs.claim(engine, job_id="demo.job", scheduled_for=at, now=at, runner="alpha", lease_name=lease.LEASE_NAME)
        is None
    )  # nobody holds it yet
    lease.acquire(engine, holder="alpha", now=at, lease_seconds=30)
    assert (
        runs.claim(engine, job_id="demo.job", scheduled_for=at, now=at, runner="beta", lease_name=lease.LEASE_NAME)
        is None
    )
    assert (
        runs.claim(engine, job_id="demo.job", scheduled_for=at, now=at, runner="alpha", lease_name=lease.LEASE_NAME)
        is not None
    )
    later = at + timedelta(seconds=30)
    assert (
        runs.claim(
            engine, job_id="demo.job", scheduled_for=later, now=later, runner="alpha", lease_name=lease.LEASE_NAME
        )
        is None
    )  # expired: alpha may have been replaced
    assert _count(engine) == 1


def test_taking_over_marks_runs_left_running_by_another_runner_as_failed(engine, clock):
    at = clock.now()
    mine = runs.claim(engine, job_id="a", scheduled_for=at, now=at, runner="beta")
    theirs = runs.claim(engine, job_id="b", scheduled_for=at, now=at, runner="alpha")
    finished = runs.claim(engine, job_id="c", scheduled_for=at, now=at, runner="alpha")
    manual = runs.claim(engine, job_id="d", scheduled_for=at, now=at, runner="console:x", requested_by="console")
    runs.finish(engine, run_id=finished, now=at, outcome=RunOutcome.success, rows_touched=3)
    assert runs.mark_abandoned(engine, runner="beta", now=at) == 1
    by_id = {run.id: run for run in runs.recent(engine)}
    assert by_id[theirs].outcome == RunOutcome.failed and "abandoned" in by_id[theirs].error
    assert by_id[mine].outcome == RunOutcome.running
    assert by_id[manual].outcome == RunOutcome.running
    assert by_id[finished].outcome == RunOutcome.success


def test_history_returns_the_newest_runs_of_each_job(engine, clock):
    for minutes in range(7):
        at = clock.now() + timedelta(minutes=minutes)
        for job_id in ("a", "b"):
            runs.claim(engine, job_id=job_id, scheduled_for=at, now=at, runner="alpha")
    history = runs.recent_by_job(engine, ["a", "b", "never"], per_job=3)
    assert [run.scheduled_for for run in history["a"]] == [clock.now() + timedelta(minutes=m) for m in (6, 5, 4)]
    assert len(history["b"]) == 3
    assert history["never"] == []


def test_error_summaries_keep_the_cause_and_drop_secrets():
    settings = Settings(
        env="test",
        database_url="postgresql://pecr:db-pass-9876@db.internal/pecr",
        secret_key="the-real-secret-key",
        master_key="the-real-master-key",
    )
    error = RuntimeError(
        "could not reach postgresql://pecr:db-pass-9876@db.internal/pecr with password=hunter22; "
        "key the-real-secret-key, master the-real-master-key, api_key: abc123456"
    )
    summary = runs.safe_error(error, settings)
    assert summary.startswith("RuntimeError: could not reach postgresql://pecr:***@db.internal/pecr")
    for secret in ("db-pass-9876", "hunter22", "the-real-secret-key", "the-real-master-key", "abc123456"):
        assert secret not in summary
    assert len(runs.safe_error(RuntimeError("x" * 5000))) <= runs.ERROR_LIMIT
