"""The reminders job: registered under a stable id, every minute, and idempotent."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from breach.models import ObligationKind
from provider.deadlines import jobs
from provider.scheduler import registry
from provider.scheduler.catalogue import load_jobs
from provider.scheduler.registry import JobContext
from tests.breach.log.factories import add_breach, add_obligation


def test_the_job_is_registered_every_minute_under_a_stable_id():
    spec = registry.get("breach.reminders")
    assert spec.func is jobs.sweep_reminders
    assert spec.trigger == "interval" and spec.trigger_args == {"minutes": 1}
    assert "breach.reminders" in {job.id for job in load_jobs()}


def test_the_job_sweeps_with_the_contexts_clock_and_returns_the_rows_created(engine, clock, settings):
    anchor = datetime(2026, 3, 10, 14, 0, tzinfo=UTC)
    breach = add_breach(engine, aware_at=anchor, now=clock.now())
    add_obligation(
        engine,
        breach_id=breach.id,
        kind=ObligationKind.ico_notification,
        anchor_at=anchor,
        due_at=anchor + timedelta(hours=73),
        now=clock.now(),
    )
    clock.set(anchor + timedelta(hours=73))
    context = JobContext(engine=engine, clock=clock, settings=settings)
    assert jobs.sweep_reminders(context) == 2
    assert jobs.sweep_reminders(context) == 0
