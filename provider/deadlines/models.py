"""The deadline tables: obligations any domain owns, the reminders sent about them, and who owns an item.

An obligation names its owner by `owner_kind` (a string the domain registers, e.g. "breach") and
`owner_id` (the item's id in that domain; NULL for an obligation of the domain as a whole, such as the
monthly breach-log submission, which is told apart by `period`). There is deliberately no foreign key to
the owner's table: the core cannot know every domain's tables.

`first_filed_at` and `late_by_seconds` keep the names they had when obligations were breach's: "filed"
means "first met" here, whatever meeting is in the owning domain (a filing, a submission, a decision).
"""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum

from sqlalchemy import JSON, Column, ForeignKey, Index, Text, UniqueConstraint, text
from sqlmodel import Field, SQLModel

from provider.db.types import BIG_INT, MAX_ID, StrEnumType, id_field, utc_field


class ObligationStatus(StrEnum):
    open = "open"
    met = "met"
    not_required = "not_required"


class Obligation(SQLModel, table=True):
    """One deadline: stored so it can be listed, swept and proven; frozen once first met."""

    __tablename__ = "obligation"
    __table_args__ = (
        UniqueConstraint("owner_kind", "owner_id", "kind", "period", name="uq_obligation_owner_kind_period"),
        # NULLs never collide in a unique constraint (SQLite and PostgreSQL alike), so the constraint above
        # cannot stop two schedulers creating the same ownerless obligation for a month twice; this partial
        # index makes "one per owner kind, kind and period" a database fact for rows without an owner id.
        Index(
            "uq_obligation_ownerless_kind_period",
            "owner_kind",
            "kind",
            "period",
            unique=True,
            sqlite_where=text("owner_id IS NULL"),
            postgresql_where=text("owner_id IS NULL"),
        ),
        Index("ix_obligation_owner", "owner_kind", "owner_id"),
    )

    id: int | None = id_field()
    owner_kind: str = Field(max_length=32, description="registered by the owning domain, e.g. breach")
    owner_id: int | None = Field(
        default=None, sa_type=BIG_INT, description="the item in the owning domain; none for the domain"
    )
    kind: str = Field(max_length=32, index=True, description="registered by the owning domain")
    period: str = Field(default="", max_length=7, description="YYYY-MM for monthly obligations")
    recipient: str = Field(max_length=32, description="who is told, e.g. ico, customers or internal")
    statutory: bool = Field(description="false for internal targets, which are labelled as such")
    basis: str = Field(max_length=300, description="the legal basis or the policy it follows")
    anchor_at: datetime | None = utc_field(nullable=True)
    due_at: datetime | None = utc_field(nullable=True, index=True)
    status: ObligationStatus = Field(
        default=ObligationStatus.open, sa_type=StrEnumType(ObligationStatus, 16), index=True
    )
    first_filed_at: datetime | None = utc_field(nullable=True)
    late_by_seconds: int | None = Field(default=None, sa_type=BIG_INT)
    decision: str = Field(default="", max_length=64)
    decided_by: str = Field(default="", max_length=100)
    decided_at: datetime | None = utc_field(nullable=True)
    decision_rationale: str = Field(default="", sa_column=Column(Text, nullable=False, default=""))
    created_at: datetime = utc_field()


class Threshold(StrEnum):
    half = "half"  # 50% of the time between anchor and due has passed (the default fraction)
    three_quarters = "three_quarters"  # 75%
    ninety = "ninety"  # 90%
    overdue = "overdue"  # the due time has passed and the obligation is still open
    escalated = "escalated"  # overdue, told to the deputy and the configured escalation address


class Channel(StrEnum):
    in_app = "in_app"  # shown on /reminders only
    email = "email"  # also e-mailed


class EmailOutcome(StrEnum):
    none = ""  # in-app only: nothing was to be sent
    pending = "pending"  # inserted, e-mail not yet attempted (a crash here loses the e-mail)
    sent = "sent"
    failed = "failed"  # see `email_error`


class Reminder(SQLModel, table=True):
    """One reminder per obligation, threshold and due time, unique by `key`."""

    __tablename__ = "reminder"

    id: int | None = id_field()
    obligation_id: int = Field(
        sa_column=Column(BIG_INT, ForeignKey("obligation.id", ondelete="CASCADE"), nullable=False, index=True)
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


class DeadlineOwner(SQLModel, table=True):
    """The named person who owns an item's deadlines, and their deputy. No row: the kind's fallback roles."""

    __tablename__ = "deadline_owner"
    __table_args__ = (UniqueConstraint("owner_kind", "owner_id", name="uq_deadline_owner_item"),)

    id: int | None = id_field()
    owner_kind: str = Field(max_length=32)
    owner_id: int = Field(sa_type=BIG_INT)
    owner_user_id: int = Field(
        sa_column=Column(BIG_INT, ForeignKey("user_account.id", ondelete="CASCADE"), nullable=False, index=True)
    )
    deputy_user_id: int | None = Field(
        default=None, sa_column=Column(BIG_INT, ForeignKey("user_account.id", ondelete="SET NULL"), index=True)
    )
    updated_at: datetime = utc_field()
    updated_by: str = Field(max_length=100)


# --- API schemas ---------------------------------------------------------------------------------------


class ReminderPublic(SQLModel):
    """A reminder with what it is about; `link` is the page to open, built by the owning domain."""

    id: int
    key: str
    threshold: Threshold
    phrase: str = Field(description="e.g. 'is overdue'")
    description: str = Field(description="what is due, for which item or month; never personal data")
    link: str
    obligation_id: int
    obligation_kind: str
    obligation_status: str = Field(description="open, met or not_required now")
    owner_kind: str = Field(description="the kind of item the obligation belongs to, e.g. breach or breach_log")
    owner_id: int | None = Field(description="the item's id in its domain; null for the domain as a whole")
    owner_reference: str | None = Field(description="the item's short reference, e.g. BR-2026-0001")
    # Kept from when reminders were breach's own, so existing clients keep working; the breach domain fills
    # them for its items (null otherwise). New clients read owner_kind, owner_id and owner_reference.
    breach_id: int | None = None
    breach_reference: str | None = None
    period: str = Field(description="YYYY-MM for monthly obligations, else empty")
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


MAX_USER_ID = MAX_ID


class OwnerUpdate(SQLModel):
    """PUT /api/v1/deadlines/owners/{owner_kind}/{owner_id}: null owner removes the named owner and deputy."""

    owner_user_id: int | None = Field(default=None, ge=1, le=MAX_USER_ID)
    deputy_user_id: int | None = Field(default=None, ge=1, le=MAX_USER_ID)


class OwnerPublic(SQLModel):
    owner_kind: str
    owner_id: int = Field(sa_type=BIG_INT)
    owner_user_id: int | None
    owner_username: str | None
    deputy_user_id: int | None
    deputy_username: str | None
    fallback_roles: list[str] = Field(description="who is reminded while no named owner is set")
    updated_at: datetime | None
    updated_by: str | None
