"""Scheduled work of itemised bills: the nightly erasure of the call list past its retention.

Calls of the imported call list are kept PECR_BILLING_CALL_LIST_MONTHS after their bill period (reg 7(3)),
then erased (`provider.billing.bulk`), with the keys of the periods left empty. 02:45 in the scheduler's
zone, after traffic's sweep. Idempotent: a second run finds nothing to erase.
"""

from __future__ import annotations

from provider.billing import bulk
from provider.scheduler.registry import JobContext, JobSpec, register
from provider.security.actor import system_actor

JOB_ID = "billing.call_list_erasure"
ACTOR = system_actor(f"scheduler:{JOB_ID}")


def erase_call_list(context: JobContext) -> int:
    """Returns the number of calls erased."""
    return bulk.erase_expired_calls(
        context.engine, actor=ACTOR, now=context.clock.now(), settings=context.settings
    ).rows


register(
    JobSpec(
        id=JOB_ID,
        func=erase_call_list,
        trigger="cron",
        trigger_args={"hour": 2, "minute": 45},
        description="erase the imported call list's calls past their retention, and their periods' keys",
    )
)
