"""JSON routes: the registered jobs with their next run, and the job-run history (jobs:read)."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Query, Request

from provider.db.session import SessionDep
from provider.scheduler import runs, status
from provider.scheduler.models import JobPublic, JobRunPublic, RunOutcome
from provider.scheduler.runner import load_registered_jobs
from provider.security.roles import Permission
from provider.text import Line
from provider.web.deps import NowDep, api_permission
from provider.web.params import PageQuery, PageSizeQuery

router = APIRouter(prefix="/api/v1", tags=["jobs"])
JobIdQuery = Annotated[Line | None, Query(max_length=100, description="only runs of this job")]


@router.get("/jobs", dependencies=[api_permission(Permission.jobs_read)])
def list_jobs(request: Request, session: SessionDep, now: NowDep) -> list[JobPublic]:
    """Every registered job with its trigger, next run time (UTC) and latest run."""
    overview = status.overview(
        session.connection(), load_registered_jobs(), now=now, zone=request.app.state.settings.zone, runs_per_job=1
    )
    return [job.public() for job in overview]


@router.get("/job-runs", dependencies=[api_permission(Permission.jobs_read)])
def list_job_runs(
    session: SessionDep,
    job_id: JobIdQuery = None,
    outcome: RunOutcome | None = None,
    page: PageQuery = 1,
    page_size: PageSizeQuery = 50,
) -> list[JobRunPublic]:
    """Job runs, newest first, optionally for one job or one outcome."""
    found = runs.recent(
        session.connection(), job_id=job_id, outcome=outcome, limit=page_size, offset=(page - 1) * page_size
    )
    return [runs.public(run) for run in found]
