"""Scheduled work of the reminders: every minute, sweep the open obligations for crossed thresholds."""

from __future__ import annotations

from sqlmodel import Session

from breach.reminders import service
from provider.scheduler.registry import JobContext, JobSpec, register

JOB_ID = "breach.reminders"


def sweep_reminders(context: JobContext) -> int:
    """Returns the number of reminders created (each e-mailed at most once)."""
    with Session(context.engine, expire_on_commit=False) as session:
        return service.sweep(session, now=context.clock.now(), settings=context.settings)


register(
    JobSpec(
        id=JOB_ID,
        func=sweep_reminders,
        trigger="interval",
        trigger_args={"minutes": 1},
        description=(
            "remind breach staff at 50%, 75% and 90% of each deadline, when overdue, and escalate to the deputy"
        ),
    )
)
