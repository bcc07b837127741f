"""The reminder table: one row per obligation, threshold and due time, unique by `key`."""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum

from sqlalchemy import JSON, Column, ForeignKey, Integer
from sqlmodel import Field, SQLModel

from provider.db.types import StrEnumType, utc_field


class Threshold(StrEnum):
    half = "half"                      # 50% of the time between anchor and due has passed
    three_quarters = "three_quarters"  # 75%
    ninety = "ninety"                  # 90%
    overdue = "overdue"                # the due time has passed and the obligation is still open
    escalated = "escalated"            # overdue, told to the deputy (settings.breach_escalation_email)


class Channel(StrEnum):
    in_app = "in_app"   # shown on /reminders only
    email = "email"     # also e-mailed


class EmailOutcome(StrEnum):
    none = ""                          # in-app only: nothing was to be sent
    pending = "pending"                # inserted, e-mail not yet attempted (a crash here loses the e-mail)
    sent = "sent"
    failed = "failed"                  # see `email_error`


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
