"""Scheduled work of line identification: erase the callers traces captured, once no longer needed.

A trace (reg 15) captures the identity of callers to the traced line, withheld or not. They are kept
while the trace is active and PECR_CLI_TRACE_CAPTURE_RETENTION_DAYS after its period ends (for the
complaint and any disclosure), then erased. Daily; idempotent: the second run finds nothing to erase.
"""

from __future__ import annotations

from datetime import timedelta

from sqlmodel import Session

from provider.line_identification import requests
from provider.scheduler.registry import JobContext, JobSpec, register
from provider.security.actor import system_actor

JOB_ID = "line_identification.trace_capture_erasure"
ACTOR = system_actor(f"scheduler:{JOB_ID}")


def erase_trace_captures(context: JobContext) -> int:
    """Returns the number of captures erased."""
    retention = timedelta(days=context.settings.cli_trace_capture_retention_days)
    with Session(context.engine) as session:
        erased = requests.erase_captures(session, actor=ACTOR, now=context.clock.now(), retention=retention)
        session.commit()
    return erased


register(
    JobSpec(
        id=JOB_ID,
        func=erase_trace_captures,
        trigger="cron",
        trigger_args={"hour": 3, "minute": 15},
        description="erase the callers captured by traces that ended longer ago than the retention period",
    )
)
