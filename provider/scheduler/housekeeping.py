"""The platform's own housekeeping jobs: expired web sessions and old job-run records.

Both are set-based single statements computed from the database at run time, so running them twice,
late, or on two schedulers deletes nothing extra.
"""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import delete, or_

from provider.scheduler import runs
from provider.scheduler.registry import JobContext, JobSpec, register
from provider.security.models import WebSession

JOB_RUN_RETENTION_DAYS = 90


def delete_expired_sessions(context: JobContext) -> int:
    """Remove web sessions that were signed out or have expired: they can never be used again, and the
    table should hold only live sessions (each row is a credential digest and a user id)."""
    now = context.clock.now()
    statement = delete(WebSession).where(or_(WebSession.ended_at.is_not(None), WebSession.expires_at <= now))
    with context.engine.begin() as connection:
        return connection.execute(statement).rowcount


def delete_old_job_runs(context: JobContext) -> int:
    """Keep job-run history for a bounded time; deadlines and reminders keep their own records."""
    cutoff = context.clock.now() - timedelta(days=JOB_RUN_RETENTION_DAYS)
    return runs.delete_older_than(context.engine, cutoff=cutoff)


register(
    JobSpec(
        id="provider.expired_sessions",
        func=delete_expired_sessions,
        trigger="interval",
        trigger_args={"hours": 1},
        description="Delete signed-out and expired web sessions",
    )
)
register(
    JobSpec(
        id="provider.job_run_retention",
        func=delete_old_job_runs,
        trigger="cron",
        trigger_args={"hour": 3, "minute": 15},
        description=f"Delete job-run records older than {JOB_RUN_RETENTION_DAYS} days",
    )
)
