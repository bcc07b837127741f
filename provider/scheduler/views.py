"""The jobs page: every job, its next run and latest runs, the lease holder, and "run now"."""

from __future__ import annotations

from typing import Annotated

from fastapi import Path, Request
from fastapi.responses import Response

from provider.db.session import SessionDep
from provider.errors import Conflict
from provider.scheduler import lease, runner, status
from provider.scheduler.models import RunOutcome
from provider.security.actor import Actor
from provider.security.roles import Permission
from provider.web.csrf import html_router
from provider.web.deps import NowDep, page_permission
from provider.web.rendering import redirect, render

router = html_router(prefix="/admin/jobs")
JobIdPath = Annotated[str, Path(max_length=100, pattern=r"^[A-Za-z0-9_.\-]+$", description="job id")]
ReaderActor = Annotated[Actor, page_permission(Permission.jobs_read)]
RunnerActor = Annotated[Actor, page_permission(Permission.jobs_run)]


@router.get("")
def jobs_page(request: Request, session: SessionDep, now: NowDep, actor: ReaderActor) -> Response:
    """All jobs with next run (from each trigger), last runs and who holds the scheduler lease."""
    connection = session.connection()
    jobs = status.overview(connection, runner.load_registered_jobs(), now=now, zone=request.app.state.settings.zone)
    return render(
        request,
        "scheduler/jobs.html",
        {
            "jobs": jobs,
            "lease": lease.current(connection),
            "lease_status": lease.describe(connection, now),
            "now": now,
            "can_run": actor.can(Permission.jobs_run),
        },
    )


@router.post("/{job_id}/run")
def run_job_now(
    request: Request,
    session: SessionDep,
    job_id: JobIdPath,
    actor: RunnerActor,
) -> Response:
    """Run one job in this request and show how it ended (long sweeps are better run with `pecr jobs run`)."""
    state = request.app.state
    spec = runner.find_job(runner.load_registered_jobs(), job_id)
    session.commit()  # end the sign-in check's transaction: the job opens its own (SQLite allows one writer)
    try:
        run = runner.run_now(
            spec,
            engine=state.engine,
            clock=state.clock,
            settings=state.settings,
            runner=lease.new_holder_id("web"),
            actor=actor,
        )
    except Conflict as conflict:
        return redirect(request, "/admin/jobs", conflict.detail)
    message = f"{spec.id}: {run.outcome}"
    if run.outcome == RunOutcome.success:
        message += f", {run.rows_touched or 0} row(s)"
    elif run.error:
        message += f" — {run.error}"
    return redirect(request, "/admin/jobs", message)
