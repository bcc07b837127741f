"""API schemas of bills, retention holds and emergency alerts (the tables are in `traffic.models`)."""

from __future__ import annotations

from datetime import date, datetime

from pydantic import Field, StrictBool
from sqlmodel import SQLModel

from provider.moments import Day, Moment
from provider.text import Line
from traffic.models import BillStatus, HoldBasis


class BillUpdate(SQLModel):
    status: BillStatus
    issued_at: Moment | None = Field(default=None, description="when the bill was issued")
    resolved_at: Moment | None = Field(default=None, description="for resolved: when the dispute or debt ended")


class BillPublic(SQLModel):
    bill_ref: str
    status: BillStatus
    issued_at: datetime | None
    resolved_at: datetime | None
    updated_at: datetime
    records_updated: int = 0
    retain_until: datetime | None = None


class HoldCreate(SQLModel):
    # Times are AwareDatetime: a naive time is a 422 naming the field, never guessed as UTC.
    basis: HoldBasis
    reference: Line = Field(min_length=1, max_length=100, description="the notice's, order's or certificate's")
    subscriber_id: int | None = Field(default=None, ge=1, le=2**63 - 1)
    line_id: int | None = Field(default=None, ge=1, le=2**63 - 1)
    date_from: Day | None = Field(default=None, description="first day of the communications covered (UTC)")
    date_to: Day | None = Field(default=None, description="last day of the communications covered (UTC)")
    starts_at: Moment | None = Field(default=None, description="default now")
    ends_at: Moment


class HoldPublic(SQLModel):
    id: int
    basis: HoldBasis
    reference: str
    subscriber_id: int | None
    line_id: int | None
    date_from: date | None
    date_to: date | None
    starts_at: datetime
    ends_at: datetime
    released_at: datetime | None


class AlertUpdate(SQLModel):
    test: StrictBool = Field(default=False, description="a ministerial test alert: erased 48 hours after its period")
    period_end: Moment


class AlertPublic(SQLModel):
    alert_ref: str
    test: bool
    period_end: datetime
    records_updated: int = 0
    erase_by: datetime
