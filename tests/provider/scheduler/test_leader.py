"""The heartbeat: leadership follows the lease, a takeover closes the old leader's unfinished runs."""

from __future__ import annotations

from datetime import timedelta

from provider.scheduler import lease, runs
from provider.scheduler.leader import SchedulerService
from provider.scheduler.models import RunOutcome
from provider.scheduler.registry import JobSpec


def _service(engine, clock, settings, holder: str) -> SchedulerService:
    spec = JobSpec(id="demo.job", func=lambda _context: 0, trigger="interval", trigger_args={"minutes": 1})
    return SchedulerService(engine=engine, clock=clock, settings=settings, specs=[spec], holder=holder)


def test_standby_takes_over_after_the_leader_stops_renewing_and_closes_its_unfinished_run(engine, clock, settings):
    alpha, beta = _service(engine, clock, settings, "alpha"), _service(engine, clock, settings, "beta")
    assert alpha.heartbeat() and alpha.runner.is_leader()
    assert not beta.heartbeat() and not beta.runner.is_leader()
    unfinished = alpha.runner.specs["demo.job"]
    run_id = runs.claim(
        engine,
        job_id=unfinished.id,
        scheduled_for=clock.now(),
        now=clock.now(),
        runner="alpha",
        lease_name=lease.LEASE_NAME,
    )
    clock.advance(seconds=settings.scheduler_lease_seconds)  # alpha died: no more renewals
    assert not alpha.runner.is_leader()
    assert beta.heartbeat() and beta.runner.is_leader()
    [run] = runs.recent(engine)
    assert (run.id, run.outcome) == (run_id, RunOutcome.failed)
    assert not alpha.heartbeat()  # it came back: it must now stand by


def test_stopping_releases_the_lease_so_the_standby_need_not_wait(engine, clock, settings):
    alpha, beta = _service(engine, clock, settings, "alpha"), _service(engine, clock, settings, "beta")
    alpha.heartbeat()
    alpha.stop()
    assert not alpha.runner.is_leader()
    clock.advance(timedelta(seconds=1))
    assert beta.heartbeat()
