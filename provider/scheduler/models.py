"""Tables for the scheduler leader lease and the record of every job run, and the API's schemas.

Invariants: one `scheduler_lease` row per lease name, held by at most one scheduler until it
expires; one `job_run` row per (job_id, scheduled_for), so a scheduled run happens once even when
two schedulers race for it (the unique key, not the lease, is what guarantees that).
"""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum

from pydantic import BaseModel
from sqlalchemy import UniqueConstraint
from sqlmodel import Field, SQLModel

from provider.db.types import BIG_INT, StrEnumType, id_field, utc_field


class RunOutcome(StrEnum):
    running = "running"  # claimed and started; replaced by one of the others when it ends
    success = "success"
    failed = "failed"
    skipped = "skipped"  # missed its misfire window, or the job said there was nothing it could do


class SchedulerLease(SQLModel, table=True):
    """Who may run jobs: the holder renews `expires_at` every heartbeat; anyone may take an expired lease."""

    __tablename__ = "scheduler_lease"

    id: int | None = id_field()
    name: str = Field(max_length=64, unique=True)
    holder: str = Field(max_length=200)
    acquired_at: datetime = utc_field()
    heartbeat_at: datetime = utc_field()
    expires_at: datetime = utc_field()


class JobRun(SQLModel, table=True):
    """One run of one job for one scheduled time; inserting it is how a scheduler claims that run."""

    __tablename__ = "job_run"
    __table_args__ = (UniqueConstraint("job_id", "scheduled_for", name="uq_job_run_job_scheduled"),)

    id: int | None = id_field()
    job_id: str = Field(max_length=100, index=True)
    scheduled_for: datetime = utc_field()
    started_at: datetime = utc_field(index=True)
    finished_at: datetime | None = utc_field(nullable=True)
    outcome: RunOutcome = Field(sa_type=StrEnumType(RunOutcome, 16), index=True)
    rows_touched: int | None = Field(default=None, sa_type=BIG_INT)
    error: str | None = Field(default=None, max_length=500)
    runner: str = Field(max_length=200, description="holder id of the scheduler or console that ran it")
    requested_by: str | None = Field(default=None, max_length=100, description="who asked for a manual run")


class JobRunPublic(BaseModel):
    id: int
    job_id: str
    scheduled_for: datetime
    started_at: datetime
    finished_at: datetime | None
    duration_seconds: float | None
    outcome: RunOutcome
    rows_touched: int | None
    error: str | None
    runner: str
    requested_by: str | None


class JobPublic(BaseModel):
    id: str
    description: str
    trigger: str
    next_run_at: datetime | None
    last_run: JobRunPublic | None
