"""The reminder table: one row per obligation, threshold and due time, unique by `key`."""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum

from sqlalchemy import JSON, Column, ForeignKey, Integer
from sqlmodel import Field, SQLModel

from provider.db.types import StrEnumType, utc_field


class Threshold(StrEnum):
    half = "half"  # 50% of the time between anchor and due has passed
    three_quarters = "three_quarters"  # 75%
    ninety = "ninety"  # 90%
    overdue = "overdue"  # the due time has passed and the obligation is still open
    escalated = "escalated"  # overdue, told to the deputy (settings.breach_escalation_email)


class Channel(StrEnum):
    in_app = "in_app"  # shown on /reminders only
    email = "email"  # also e-mailed


class EmailOutcome(StrEnum):
    none = ""  # in-app only: nothing was to be sent
    pending = "pending"  # inserted, e-mail not yet attempted (a crash here loses the e-mail)
    sent = "sent"
    failed = "failed"  # see `email_error`


class Reminder(SQLModel, table=True):
    __tablename__ = "breach_reminder"

    id: int | None = Field(default=None, primary_key=True)
    obligation_id: int = Field(
        sa_column=Column(Integer, ForeignKey("breach_obligation.id", ondelete="CASCADE"), nullable=False, index=True)
    )
    key: str = Field(max_length=64, unique=True, description="obligation:threshold:due epoch")
    threshold: Threshold = Field(sa_type=StrEnumType(Threshold, 16))
    due_at: datetime = utc_field()  # the obligation's due time this reminder was about
    created_at: datetime = utc_field(index=True)
    recipients: list[str] = Field(default_factory=list, sa_column=Column(JSON, nullable=False))
    channel: Channel = Field(sa_type=StrEnumType(Channel, 16))
    email_outcome: EmailOutcome = Field(default=EmailOutcome.none, sa_type=StrEnumType(EmailOutcome, 16))
    email_error: str = Field(default="", max_length=300)
    emailed_at: datetime | None = utc_field(nullable=True)
    acknowledged_at: datetime | None = utc_field(nullable=True)
    acknowledged_by: str = Field(default="", max_length=100)


# --- API schemas ---------------------------------------------------------------------------------------


class ReminderPublic(SQLModel):
    """A reminder with what it is about; `link` is the page to open (the breach, or the month's log)."""

    id: int
    key: str
    threshold: Threshold
    phrase: str = Field(description="e.g. 'is overdue'")
    description: str = Field(description="what is due, for which breach or month; never personal data")
    link: str
    obligation_id: int
    obligation_kind: str
    obligation_status: str = Field(description="open, met or not_required now")
    breach_id: int | None
    breach_reference: str | None
    period: str = Field(description="YYYY-MM for the monthly log, else empty")
    due_at: datetime
    created_at: datetime
    channel: Channel
    email_outcome: EmailOutcome
    email_error: str
    emailed_at: datetime | None
    recipients: list[str]
    acknowledged_at: datetime | None
    acknowledged_by: str


class ReminderPage(SQLModel):
    """Newest first; pass `next_after` as `after` for the next page (null on the last page)."""

    items: list[ReminderPublic]
    limit: int
    next_after: int | None = None
