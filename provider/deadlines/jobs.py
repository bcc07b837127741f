"""Scheduled work of deadlines: every minute, sweep every domain's open obligations for crossed thresholds."""

from __future__ import annotations

from sqlmodel import Session

from provider.deadlines import reminders
from provider.scheduler.registry import JobContext, JobSpec, register


def sweep_reminders(context: JobContext) -> int:
    """Returns the number of reminders created (each e-mailed at most once)."""
    with Session(context.engine, expire_on_commit=False) as session:
        return reminders.sweep(session, now=context.clock.now(), settings=context.settings)


register(
    JobSpec(
        id=reminders.JOB_ID,
        func=sweep_reminders,
        trigger="interval",
        trigger_args={"minutes": 1},
        description=(
            "remind each deadline's owner at 50%, 75% and 90% of its time, when overdue, and escalate to the deputy"
        ),
    )
)
