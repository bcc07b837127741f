"""Running jobs: the APScheduler BackgroundScheduler built from the registry, and the wrapper every fire
goes through (am I the leader? claim the run; call the job; record how it went).

Choices:
- Jobs live in APScheduler's memory job store, rebuilt from the registry at start. The database is
  the source of truth for every deadline and `job_run` holds the history, so a persistent job store
  would add a second copy of the schedule without adding safety.
- Every job gets coalesce=True, max_instances=1 and a 60-second misfire grace: a scheduler that was
  paused runs a job once, not once per missed slot, and a run later than the grace is recorded as
  skipped; the next run's sweep covers whatever was due.
- The wrapper must know the trigger's scheduled fire time (half the run key). APScheduler 3's
  `run_job` does not pass it, so a small executor subclass hands it over as `scheduled_for`.
- APScheduler runs on real time; the lease and the run records use the injected Clock.
"""

from __future__ import annotations

import importlib
import logging
import os
import threading
import traceback
from collections.abc import Iterable
from datetime import UTC, datetime, timedelta
from typing import Any

from apscheduler.events import EVENT_JOB_MISSED, JobExecutionEvent
from apscheduler.executors.base import run_job
from apscheduler.executors.pool import ThreadPoolExecutor
from apscheduler.schedulers.background import BackgroundScheduler
from sqlalchemy import Engine, select
from sqlalchemy.exc import SQLAlchemyError

from provider.clock import Clock, ensure_utc
from provider.db.session import session_scope
from provider.errors import Conflict, NotFound
from provider.scheduler import catalogue, runs
from provider.scheduler.lease import LEASE_NAME
from provider.scheduler.models import JobRun, RunOutcome
from provider.scheduler.registry import JobContext, JobSpec
from provider.scheduler.triggers import build_trigger
from provider.security import audit
from provider.security.actor import Actor
from provider.settings import Settings

logger = logging.getLogger("pecr.scheduler")
MISFIRE_GRACE_SECONDS = 60
JOB_DEFAULTS = {"coalesce": True, "max_instances": 1, "misfire_grace_time": MISFIRE_GRACE_SECONDS}
TEST_JOBS_ENV = "PECR_SCHEDULER_TEST_JOBS"


class JobSkipped(Exception):
    """Raised by a job that cannot do its work this time (e.g. no SMTP configured): recorded as skipped."""


def load_registered_jobs() -> list[JobSpec]:
    """Every registered job; plus the one-second self-test job when PECR_SCHEDULER_TEST_JOBS=1."""
    if os.environ.get(TEST_JOBS_ENV) == "1":
        importlib.import_module("provider.scheduler.selftest")
    return catalogue.load_jobs()


def find_job(specs: Iterable[JobSpec], job_id: str) -> JobSpec:
    for spec in specs:
        if spec.id == job_id:
            return spec
    raise NotFound(f"there is no job {job_id!r}")


class _FireAt:
    """The view of an APScheduler Job that `run_job` reads, with the scheduled time added to its kwargs."""

    def __init__(self, job: Any, run_time: datetime) -> None:
        self._job = job
        self.id = job.id
        self.func = job.func
        self.args = job.args
        self.kwargs = {**job.kwargs, "scheduled_for": ensure_utc(run_time)}
        self.misfire_grace_time = job.misfire_grace_time

    def __str__(self) -> str:
        return str(self._job)


def _run_at_times(job: Any, jobstore_alias: str, run_times: list[datetime], logger_name: str) -> list[Any]:
    events: list[Any] = []
    for run_time in run_times:
        events.extend(run_job(_FireAt(job, run_time), jobstore_alias, [run_time], logger_name))
    return events


class FireTimeExecutor(ThreadPoolExecutor):
    """A thread pool executor that tells each job the time it was scheduled for."""

    def _do_submit_job(self, job: Any, run_times: list[datetime]) -> None:
        def callback(future: Any) -> None:
            error = future.exception()
            if error is not None:
                self._run_job_error(job.id, error, error.__traceback__)
            else:
                self._run_job_success(job.id, future.result())

        future = self._pool.submit(_run_at_times, job, job._jobstore_alias, run_times, self._logger.name)
        future.add_done_callback(callback)


def execute(spec: JobSpec, context: JobContext) -> tuple[RunOutcome, int | None, str | None]:
    """Call the job; return (outcome, rows touched, error summary without secrets). Never raises Exception."""
    try:
        rows = spec.func(context)
    except JobSkipped as skipped:
        return RunOutcome.skipped, None, runs.safe_error(skipped, context.settings)
    except Exception as error:  # a failing job is recorded, never allowed to stop the scheduler
        summary = runs.safe_error(error, context.settings)
        frames = "".join(traceback.format_tb(error.__traceback__))
        logger.error("job %s failed: %s\n%s", spec.id, summary, frames)
        return RunOutcome.failed, None, summary
    return RunOutcome.success, int(rows) if rows is not None else None, None


def _load_run(engine: Engine, run_id: int) -> JobRun:
    with engine.connect() as connection:
        row = connection.execute(select(runs.RUNS).where(runs.RUNS.c.id == run_id)).mappings().one()
    return JobRun(**row)


def run_now(
    spec: JobSpec,
    *,
    engine: Engine,
    clock: Clock,
    settings: Settings,
    runner: str,
    actor: Actor,
) -> JobRun:
    """Run one job at once in this thread (console or "run now" button), recorded and audited.

    Needs no lease: jobs are idempotent, and the run key is the moment of the request.
    """
    now = clock.now()
    with session_scope(engine) as session:
        run_id = runs.claim(
            session.connection(),
            job_id=spec.id,
            scheduled_for=now,
            now=now,
            runner=runner,
            requested_by=actor.name[:100],
        )
        if run_id is None:
            raise Conflict(f"job {spec.id} was already started for {now.isoformat()}")
        audit.record(
            session,
            actor=actor,
            action="job.run",
            entity_type="job",
            entity_id=spec.id,
            now=now,
            after={"run_id": run_id, "scheduled_for": now},
        )
    outcome, rows, error = execute(spec, JobContext(engine=engine, clock=clock, settings=settings, scheduled_for=now))
    runs.finish(engine, run_id=run_id, now=clock.now(), outcome=outcome, rows_touched=rows, error=error)
    return _load_run(engine, run_id)


class JobRunner:
    """Owns the scheduler's view of leadership and turns each APScheduler fire into at most one run."""

    def __init__(
        self,
        *,
        engine: Engine,
        clock: Clock,
        settings: Settings,
        specs: Iterable[JobSpec],
        holder: str,
        lease_name: str = LEASE_NAME,
    ) -> None:
        self.engine = engine
        self.clock = clock
        self.settings = settings
        self.specs = {spec.id: spec for spec in specs}
        self.holder = holder
        self.lease_name = lease_name
        self._lock = threading.Lock()
        self._leader_until: datetime | None = None

    def note_lease(self, *, held: bool, now: datetime) -> None:
        """Called after each acquire/renew attempt; leadership lapses by itself when renewals stop."""
        with self._lock:
            self._leader_until = now + timedelta(seconds=self.settings.scheduler_lease_seconds) if held else None

    def is_leader(self) -> bool:
        with self._lock:
            return self._leader_until is not None and self.clock.now() < self._leader_until

    def fire(self, job_id: str, *, scheduled_for: datetime | None = None) -> int | None:
        """The APScheduler entry point: run `job_id` for `scheduled_for` here, unless we are not the leader
        or another scheduler already claimed that run. Returns the run id when it ran here."""
        if scheduled_for is None:  # the default keeps APScheduler's signature check happy at add_job
            raise RuntimeError("fire() needs the scheduled time: build the scheduler with FireTimeExecutor")
        if not self.is_leader():
            logger.debug("not the leader: leaving %s at %s", job_id, scheduled_for.isoformat())
            return None
        try:
            return self._claim_and_run(self.specs[job_id], scheduled_for)
        except SQLAlchemyError as error:  # the database is unreachable: the next heartbeat decides leadership
            logger.error(
                "could not run %s for %s: %s", job_id, scheduled_for.isoformat(), runs.safe_error(error, self.settings)
            )
            return None

    def _claim_and_run(self, spec: JobSpec, scheduled_for: datetime) -> int | None:
        run_id = runs.claim(
            self.engine,
            job_id=spec.id,
            scheduled_for=scheduled_for,
            now=self.clock.now(),
            runner=self.holder,
            lease_name=self.lease_name,
        )
        if run_id is None:
            logger.info("%s at %s was claimed elsewhere or the lease moved", spec.id, scheduled_for.isoformat())
            return None
        context = JobContext(engine=self.engine, clock=self.clock, settings=self.settings, scheduled_for=scheduled_for)
        outcome, rows, error = execute(spec, context)
        runs.finish(self.engine, run_id=run_id, now=self.clock.now(), outcome=outcome, rows_touched=rows, error=error)
        logger.info("ran %s for %s: %s, %s row(s)", spec.id, scheduled_for.isoformat(), outcome.value, rows)
        return run_id

    def record_missed(self, event: JobExecutionEvent) -> None:
        """A fire later than the misfire grace is not run; the leader records it as skipped."""
        if not self.is_leader():
            return
        try:
            runs.claim(
                self.engine,
                job_id=event.job_id,
                scheduled_for=ensure_utc(event.scheduled_run_time),
                now=self.clock.now(),
                runner=self.holder,
                lease_name=self.lease_name,
                outcome=RunOutcome.skipped,
                error=f"missed: started more than {MISFIRE_GRACE_SECONDS} s after its time",
            )
        except SQLAlchemyError as error:
            logger.warning("could not record missed run of %s: %s", event.job_id, runs.safe_error(error))

    def build_scheduler(self) -> BackgroundScheduler:
        scheduler = BackgroundScheduler(
            executors={"default": FireTimeExecutor(max_workers=4)}, job_defaults=dict(JOB_DEFAULTS), timezone=UTC
        )
        for spec in self.specs.values():
            scheduler.add_job(
                self.fire,
                trigger=build_trigger(spec, self.settings.zone),
                args=[spec.id],
                id=spec.id,
                name=spec.id,
                replace_existing=True,
            )
        scheduler.add_listener(self.record_missed, EVENT_JOB_MISSED)
        return scheduler
