"""A one-second job that proves each scheduled run happens exactly once across real processes.

Registered only when PECR_SCHEDULER_TEST_JOBS=1 (the two-process test and deployment checks set it).
Each run appends a row to `scheduler_selftest_tick`, a table with no unique key of its own, so a
run that happened twice would show up as two rows for one scheduled time. The table belongs to a
private MetaData, so migrations and `create_all` for the product never see it.
"""

from __future__ import annotations

import os

from sqlalchemy import Column, Engine, Integer, MetaData, Table, insert

from provider.db.types import UTCDateTime
from provider.scheduler.registry import JobContext, JobSpec, register

TICK_JOB_ID = "selftest.tick"
metadata = MetaData()
ticks = Table(
    "scheduler_selftest_tick",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("scheduled_for", UTCDateTime, nullable=False),
    Column("pid", Integer, nullable=False),
    Column("ran_at", UTCDateTime, nullable=False),
)


def create_tick_table(engine: Engine) -> None:
    metadata.create_all(engine)


def tick(context: JobContext) -> int:
    with context.engine.begin() as connection:
        connection.execute(
            insert(ticks).values(scheduled_for=context.scheduled_for, pid=os.getpid(), ran_at=context.clock.now())
        )
    return 1


register(
    JobSpec(
        id=TICK_JOB_ID,
        func=tick,
        trigger="interval",
        trigger_args={"seconds": 1},
        description="Self-test: records one row per scheduled second",
    )
)
