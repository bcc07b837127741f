"""Scheduled work of the breach log: keep the monthly submission obligation in the database.

Daily, the previous and the current month each get their `log_submission` obligation (created once;
an open one follows the configured due day), so the reminders sweep sees the monthly deadline like
any other. Running it twice, or on two schedulers, changes nothing the second time.
"""

from __future__ import annotations

from sqlmodel import Session

from breach.log import rules, service
from provider.scheduler.registry import JobContext, JobSpec, register
from provider.security.actor import system_actor

JOB_ID = "breach.log_obligations"
ACTOR = system_actor(f"scheduler:{JOB_ID}")


def ensure_log_obligations(context: JobContext) -> int:
    """Returns the number of obligations created or rescheduled."""
    now = context.clock.now()
    current = rules.period_of(now, context.settings.zone)
    touched = 0
    with Session(context.engine, expire_on_commit=False) as session:
        for period in (rules.previous_period(current), current):
            _obligation, changed = service.ensure_obligation(
                session,
                actor=ACTOR,
                now=now,
                period=period,
                due_day=context.settings.breach_log_due_day,
                zone=context.settings.zone,
            )
            touched += int(changed)
        session.commit()
    return touched


register(
    JobSpec(
        id=JOB_ID,
        func=ensure_log_obligations,
        trigger="cron",
        trigger_args={"hour": 1},
        description="ensure the monthly breach-log submission obligation exists for the previous and current month",
    )
)
