"""The daily job that keeps the monthly log obligation in the database."""

from __future__ import annotations

import threading
from datetime import UTC, datetime

from sqlalchemy import select
from sqlmodel import Session

from breach.log import jobs
from breach.models import ObligationKind
from provider.deadlines.models import Obligation
from provider.scheduler import registry
from provider.scheduler.catalogue import load_jobs
from provider.scheduler.registry import JobContext


def _periods(engine) -> dict[str, datetime]:
    with Session(engine) as session:
        rows = session.execute(select(Obligation).where(Obligation.kind == ObligationKind.log_submission)).scalars()
        return {row.period: row.due_at for row in rows}


def test_the_job_is_registered_daily_under_a_stable_id():
    spec = registry.get("breach.log_obligations")
    assert spec.func is jobs.ensure_log_obligations
    assert spec.trigger == "cron" and spec.trigger_args == {"hour": 1}  # daily at 01:00, minute defaults to 0
    assert "breach.log_obligations" in {job.id for job in load_jobs()}


def test_the_job_ensures_the_previous_and_current_month_and_is_idempotent(engine, clock, settings):
    clock.set(datetime(2026, 3, 31, 23, 30, tzinfo=UTC))  # already April in London
    context = JobContext(engine=engine, clock=clock, settings=settings)
    assert jobs.ensure_log_obligations(context) == 2
    assert jobs.ensure_log_obligations(context) == 0
    assert _periods(engine) == {
        "2026-03": datetime(2026, 4, 7, 23, 0, tzinfo=UTC),
        "2026-04": datetime(2026, 5, 7, 23, 0, tzinfo=UTC),
    }


def test_the_job_moves_open_obligations_to_a_new_due_day(engine, clock, settings):
    context = JobContext(engine=engine, clock=clock, settings=settings)
    jobs.ensure_log_obligations(context)
    moved = JobContext(engine=engine, clock=clock, settings=settings.model_copy(update={"breach_log_due_day": 3}))
    assert jobs.ensure_log_obligations(moved) == 2
    assert _periods(engine)["2026-02"] == datetime(2026, 3, 4, 0, 0, tzinfo=UTC)


def test_two_schedulers_running_the_job_at_once_create_each_obligation_once(engine, clock, settings):
    context = JobContext(engine=engine, clock=clock, settings=settings)
    barrier = threading.Barrier(3)
    results: list[int] = []
    errors: list[BaseException] = []

    def run() -> None:
        try:
            barrier.wait(timeout=10)
            results.append(jobs.ensure_log_obligations(context))
        except BaseException as error:
            errors.append(error)

    threads = [threading.Thread(target=run) for _ in range(3)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert errors == []
    assert sum(results) == 2
    assert sorted(_periods(engine)) == ["2026-02", "2026-03"]
