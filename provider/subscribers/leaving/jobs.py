"""The erasure sweep of leavers: nightly, erase every left subscriber that no domain needs any more.

Runs after the traffic sweep (02:30 by default), so records erased tonight no longer hold it back.
Idempotent: an erased subscriber is never a candidate again.
"""

from __future__ import annotations

from sqlmodel import Session

from provider.scheduler.registry import JobContext, JobSpec, register
from provider.security.actor import system_actor
from provider.subscribers.leaving import erasure

ACTOR = system_actor("scheduler:subscribers.leaver_erasure")


def erase_leavers(context: JobContext) -> int:
    with Session(context.engine) as session:
        erased = erasure.sweep(session, actor=ACTOR, now=context.clock.now())
        session.commit()
    return erased


register(
    JobSpec(
        id="subscribers.leaver_erasure",
        func=erase_leavers,
        trigger="cron",
        trigger_args={"hour": 4, "minute": 15},
        description="erase left subscribers whose kept data and holds have all lapsed; write a receipt each",
    )
)
