"""`pecr jobs list`, `pecr jobs run ID` and `pecr scheduler`."""

from __future__ import annotations

import logging
from typing import Annotated

import typer
from rich.table import Table

from provider.clock import format_local
from provider.console import context
from provider.errors import DomainError
from provider.scheduler import lease, runner, status
from provider.scheduler.models import RunOutcome
from provider.security.actor import system_actor

jobs_app = typer.Typer(help="Scheduled jobs.", no_args_is_help=True)
OPERATOR = system_actor("console")


@jobs_app.command("list")
def list_jobs() -> None:
    """Every registered job with its trigger, next run (local time) and last outcome."""
    settings = context.settings()
    jobs = status.overview(
        context.engine(), runner.load_registered_jobs(), now=context.clock().now(), zone=settings.zone, runs_per_job=1
    )
    rows = []
    for job in jobs:
        last = job.last_run
        outcome = (
            (
                f"{last.outcome} {format_local(last.started_at, settings.zone)}"
                + (f" ({last.rows_touched} rows)" if last.rows_touched is not None else "")
            )
            if last
            else "never run"
        )
        rows.append((job.spec.id, job.trigger, format_local(job.next_run_at, settings.zone) or "never", outcome))
    header = ("job", "runs", "next run", "last outcome")
    if not context.out.is_terminal:
        # Scripts get one tab-separated line per job, never a table wrapped to the terminal width.
        for row in (header, *rows):
            typer.echo("\t".join(row))
        return
    table = Table(*header)
    for column in table.columns[:3]:
        column.no_wrap = True
    for row in rows:
        table.add_row(*row)
    context.out.print(table)


@jobs_app.command("run")
def run_job(job_id: Annotated[str, typer.Argument(help="job id, as `pecr jobs list` shows it")]) -> None:
    """Run one job now in the foreground and record the run; exits 1 if the job failed."""
    try:
        spec = runner.find_job(runner.load_registered_jobs(), job_id)
        run = runner.run_now(
            spec,
            engine=context.engine(),
            clock=context.clock(),
            settings=context.settings(),
            runner=lease.new_holder_id("console"),
            actor=OPERATOR,
        )
    except DomainError as error:
        context.err.print(f"[red]error:[/red] {error.detail}")
        raise typer.Exit(2) from None
    rows = f", {run.rows_touched} row(s)" if run.rows_touched is not None else ""
    context.out.print(f"{run.job_id}: {run.outcome}{rows}", markup=False, highlight=False)
    if run.error:
        context.err.print(run.error, markup=False, highlight=False)
    if run.outcome == RunOutcome.failed:
        raise typer.Exit(1)


def scheduler_command() -> None:
    """Run the scheduler alone (for multi-replica deployments); stops cleanly on SIGTERM."""
    from provider.scheduler import standalone

    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(levelname)s %(name)s: %(message)s")
    # APScheduler logs every fire at INFO, including the standby's no-op fires; pecr.scheduler logs real runs.
    logging.getLogger("apscheduler").setLevel(logging.WARNING)
    settings = context.settings()
    context.err.print(
        f"scheduler: lease {settings.scheduler_lease_seconds} s, heartbeat {settings.scheduler_heartbeat_seconds} s"
    )
    standalone.run(engine=context.engine(), clock=context.clock(), settings=settings)
