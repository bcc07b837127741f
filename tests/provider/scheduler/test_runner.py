"""The fire wrapper, manual runs, triggers and the executor that hands over the scheduled time."""

from __future__ import annotations

import time
from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from apscheduler.events import EVENT_JOB_MISSED, JobExecutionEvent
from sqlalchemy import func, select, text

from provider.errors import Conflict
from provider.scheduler import lease, runs
from provider.scheduler.models import JobRun, RunOutcome
from provider.scheduler.registry import JobContext, JobSpec
from provider.scheduler.runner import JobRunner, JobSkipped, run_now
from provider.scheduler.triggers import build_trigger, describe_trigger, next_run_time
from provider.security.actor import system_actor
from provider.security.models import AuditEvent
from provider.settings import Settings

LONDON = ZoneInfo("Europe/London")


class Recorder:
    """A job that remembers each scheduled time it was called for."""

    def __init__(self) -> None:
        self.calls: list[datetime] = []

    def __call__(self, context: JobContext) -> int:
        self.calls.append(context.scheduled_for)
        return 7


def _runner(engine, clock, settings, spec: JobSpec, holder: str = "alpha") -> JobRunner:
    return JobRunner(engine=engine, clock=clock, settings=settings, specs=[spec], holder=holder)


def _lead(runner: JobRunner) -> None:
    assert lease.acquire(runner.engine, holder=runner.holder, now=runner.clock.now(), lease_seconds=30)
    runner.note_lease(held=True, now=runner.clock.now())


def _only_run(engine) -> JobRun:
    found = runs.recent(engine)
    assert len(found) == 1
    return found[0]


def test_the_leader_runs_a_fire_once_and_records_rows_even_when_it_fires_twice(engine, clock, settings):
    job = Recorder()
    runner = _runner(
        engine, clock, settings, JobSpec(id="demo.job", func=job, trigger="interval", trigger_args={"minutes": 5})
    )
    _lead(runner)
    at = clock.now()
    assert runner.fire("demo.job", scheduled_for=at) is not None
    clock.advance(seconds=2)
    assert runner.fire("demo.job", scheduled_for=at) is None
    assert job.calls == [at]
    run = _only_run(engine)
    assert (run.outcome, run.rows_touched, run.runner, run.scheduled_for) == ("success", 7, "alpha", at)
    assert run.finished_at == at  # the second fire changed nothing


def test_a_standby_does_not_run_and_a_scheduler_that_believes_it_leads_cannot_claim_without_the_lease(
    engine,
    clock,
    settings,
):
    job = Recorder()
    spec = JobSpec(id="demo.job", func=job, trigger="interval", trigger_args={"minutes": 5})
    leader, impostor = _runner(engine, clock, settings, spec, "alpha"), _runner(engine, clock, settings, spec, "beta")
    _lead(leader)
    assert impostor.fire("demo.job", scheduled_for=clock.now()) is None  # knows it is not the leader
    impostor.note_lease(held=True, now=clock.now())  # a stale belief: the database still says alpha
    assert impostor.fire("demo.job", scheduled_for=clock.now()) is None
    assert job.calls == []
    assert runs.recent(engine) == []


def test_leadership_lapses_when_renewals_stop(engine, clock, settings):
    runner = _runner(engine, clock, settings, JobSpec(id="demo.job", func=Recorder(), trigger="interval"))
    _lead(runner)
    assert runner.is_leader()
    clock.advance(seconds=settings.scheduler_lease_seconds)
    assert not runner.is_leader()


def test_a_failing_job_records_failed_with_the_cause_but_no_secrets(engine, clock, settings):
    def broken(context: JobContext) -> int:
        raise RuntimeError(
            f"cannot log in to smtp://mailer:hunter22@mail.example with token=abc123xyz "
            f"(secret {context.settings.secret_key.get_secret_value()})"
        )

    runner = _runner(engine, clock, settings, JobSpec(id="demo.broken", func=broken, trigger="interval"))
    _lead(runner)
    runner.fire("demo.broken", scheduled_for=clock.now())
    run = _only_run(engine)
    assert run.outcome == RunOutcome.failed
    assert run.error.startswith("RuntimeError: cannot log in to smtp://mailer:***@mail.example")
    for secret in ("hunter22", "abc123xyz", settings.secret_key.get_secret_value()):
        assert secret not in run.error


def test_a_database_error_is_recorded_without_its_bound_parameters(engine, clock, settings):
    def bad_sql(context: JobContext) -> int:
        with context.engine.begin() as connection:
            connection.execute(text("SELECT * FROM no_such_table WHERE name = :name"), {"name": "subscriber-42-data"})
        return 0

    runner = _runner(engine, clock, settings, JobSpec(id="demo.sql", func=bad_sql, trigger="interval"))
    _lead(runner)
    runner.fire("demo.sql", scheduled_for=clock.now())
    run = _only_run(engine)
    assert run.outcome == RunOutcome.failed and "no_such_table" in run.error
    assert "subscriber-42-data" not in run.error


def test_a_job_that_cannot_work_this_time_is_recorded_as_skipped(engine, clock, settings):
    def needs_smtp(context: JobContext) -> int:
        raise JobSkipped("no SMTP server is configured")

    runner = _runner(engine, clock, settings, JobSpec(id="demo.mail", func=needs_smtp, trigger="interval"))
    _lead(runner)
    runner.fire("demo.mail", scheduled_for=clock.now())
    run = _only_run(engine)
    assert run.outcome == RunOutcome.skipped and "no SMTP server" in run.error


def test_a_run_missed_beyond_the_grace_is_recorded_as_skipped_by_the_leader(engine, clock, settings):
    runner = _runner(engine, clock, settings, JobSpec(id="demo.job", func=Recorder(), trigger="interval"))
    _lead(runner)
    missed_time = clock.now() - timedelta(minutes=5)
    runner.record_missed(JobExecutionEvent(EVENT_JOB_MISSED, "demo.job", "default", missed_time))
    run = _only_run(engine)
    assert (run.outcome, run.scheduled_for) == (RunOutcome.skipped, missed_time)
    assert "missed" in run.error


def test_a_manual_run_is_recorded_audited_and_not_repeated_for_the_same_moment(engine, clock, settings):
    job = Recorder()
    spec = JobSpec(id="demo.job", func=job, trigger="interval")
    actor = system_actor("console")
    run = run_now(spec, engine=engine, clock=clock, settings=settings, runner="console:test", actor=actor)
    assert (run.outcome, run.rows_touched, run.requested_by, run.scheduled_for) == (
        "success",
        7,
        "console",
        clock.now(),
    )
    with pytest.raises(Conflict):
        run_now(spec, engine=engine, clock=clock, settings=settings, runner="console:test", actor=actor)
    assert job.calls == [clock.now()]
    with engine.connect() as connection:
        actions = connection.execute(select(AuditEvent.action, AuditEvent.entity_id)).all()
    assert actions == [("job.run", "demo.job")]


def test_interval_fire_times_are_anchored_so_every_scheduler_agrees():
    spec = JobSpec(id="demo.hourly", func=Recorder(), trigger="interval", trigger_args={"hours": 1})
    at_twenty_past = datetime(2026, 3, 10, 12, 20, 13, tzinfo=UTC)
    assert next_run_time(spec, at_twenty_past, LONDON) == datetime(2026, 3, 10, 13, 0, tzinfo=UTC)
    # Two triggers built at different moments (as two processes would) agree on the next fire.
    first = build_trigger(spec, LONDON)
    time.sleep(0.05)
    second = build_trigger(spec, LONDON)
    assert first.get_next_fire_time(None, at_twenty_past) == second.get_next_fire_time(None, at_twenty_past)
    assert describe_trigger(spec, LONDON) == "every 1 hour"


def test_cron_wall_times_mean_london_time_across_the_clock_change():
    spec = JobSpec(id="demo.morning", func=Recorder(), trigger="cron", trigger_args={"hour": 9, "minute": 0})
    winter = next_run_time(spec, datetime(2026, 3, 28, 10, 0, tzinfo=UTC), LONDON)
    summer = next_run_time(spec, datetime(2026, 3, 29, 10, 0, tzinfo=UTC), LONDON)
    assert winter == datetime(2026, 3, 29, 8, 0, tzinfo=UTC)  # clocks went forward overnight: 09:00 BST
    assert summer == datetime(2026, 3, 30, 8, 0, tzinfo=UTC)
    assert describe_trigger(spec, LONDON) == "cron hour=9 minute=0 (Europe/London)"


def test_jitter_is_refused_because_it_would_split_the_run_key():
    spec = JobSpec(id="demo.jitter", func=Recorder(), trigger="interval", trigger_args={"seconds": 5, "jitter": 2})
    with pytest.raises(ValueError, match="jitter"):
        build_trigger(spec, LONDON)


@pytest.mark.slow
def test_apscheduler_hands_each_fire_its_trigger_time(sqlite_engine, clock):
    job = Recorder()
    runner = _runner(
        sqlite_engine,
        clock,
        Settings(env="test"),
        JobSpec(id="demo.tick", func=job, trigger="interval", trigger_args={"seconds": 1}),
    )
    _lead(runner)
    scheduler = runner.build_scheduler()
    scheduler.start()
    try:
        deadline = time.monotonic() + 5
        while len(job.calls) < 2 and time.monotonic() < deadline:
            time.sleep(0.05)
    finally:
        scheduler.shutdown(wait=True)
    assert len(job.calls) >= 2
    assert all(call.microsecond == 0 and call.tzinfo is not None for call in job.calls)
    assert job.calls[1] - job.calls[0] == timedelta(seconds=1)
    with sqlite_engine.connect() as connection:
        assert connection.execute(select(func.count()).select_from(JobRun)).scalar_one() == len(job.calls)
