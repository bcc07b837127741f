"""What the jobs page, the API and `pecr jobs list` show: each job, its next run and its latest runs."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime
from zoneinfo import ZoneInfo

from sqlalchemy import Connection, Engine

from provider.scheduler import runs
from provider.scheduler.models import JobPublic, JobRun
from provider.scheduler.registry import JobSpec
from provider.scheduler.triggers import describe_trigger, next_run_time


@dataclass(frozen=True)
class JobStatus:
    spec: JobSpec
    trigger: str
    next_run_at: datetime | None
    runs: list[JobRun]

    @property
    def last_run(self) -> JobRun | None:
        return self.runs[0] if self.runs else None

    def public(self) -> JobPublic:
        last = self.last_run
        return JobPublic(
            id=self.spec.id,
            description=self.spec.description,
            trigger=self.trigger,
            next_run_at=self.next_run_at,
            last_run=runs.public(last) if last else None,
        )


def overview(
    bind: Engine | Connection,
    specs: Iterable[JobSpec],
    *,
    now: datetime,
    zone: ZoneInfo,
    runs_per_job: int = 5,
) -> list[JobStatus]:
    """Next run times come from each trigger and the injected clock's `now`; history from job_run."""
    specs = list(specs)
    history = runs.recent_by_job(bind, [spec.id for spec in specs], per_job=runs_per_job)
    return [
        JobStatus(
            spec=spec,
            trigger=describe_trigger(spec, zone),
            next_run_at=next_run_time(spec, now, zone),
            runs=history[spec.id],
        )
        for spec in specs
    ]
