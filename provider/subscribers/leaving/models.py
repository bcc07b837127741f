"""Leaving and erasure: the reasons, what the API accepts, the erasure receipt table and the summary."""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum

from sqlalchemy import JSON, Column
from sqlmodel import Field, SQLModel

from provider.db.types import BIG_INT, StrEnumType, id_field, utc_field
from provider.moments import Moment


class LeaveReason(StrEnum):
    ported_out = "ported_out"
    ceased = "ceased"


class ErasureTrigger(StrEnum):
    """Who erased: a person who asked for it, or the scheduled sweep once nothing needed the subscriber."""

    request = "request"
    sweep = "sweep"


class LeaveCreate(SQLModel):
    reason: LeaveReason
    left_at: Moment | None = Field(default=None, description="when it left; now when omitted; never in the future")


class SubscriberErasureReceipt(SQLModel, table=True):
    """Proof that a subscriber's (or one line's) personal data was erased: counts and a SHA-256 over the
    ids erased, never what the rows held."""

    __tablename__ = "subscriber_erasure_receipt"

    id: int | None = id_field()
    subscriber_id: int = Field(sa_type=BIG_INT, index=True)
    line_id: int | None = Field(default=None, sa_type=BIG_INT, description="set when one line was erased")
    trigger: ErasureTrigger = Field(sa_type=StrEnumType(ErasureTrigger, 16))
    erased_at: datetime = utc_field()
    erased_by: str = Field(max_length=200)
    lines_erased: int = Field(default=0, sa_type=BIG_INT)
    users_erased: int = Field(default=0, sa_type=BIG_INT)
    ids_hash: str = Field(max_length=64)
    counts: dict[str, int] = Field(
        default_factory=dict, sa_column=Column(JSON, nullable=False, server_default="{}"),
        description="rows each domain erased, `<domain>.<what>`, for the batch this erasure was part of",
    )  # fmt: skip


class ReceiptPublic(SQLModel):
    id: int
    subscriber_id: int
    line_id: int | None
    trigger: ErasureTrigger
    erased_at: datetime
    erased_by: str
    lines_erased: int
    users_erased: int
    ids_hash: str
    counts: dict[str, int] = Field(default_factory=dict, description="rows each domain erased, for the batch")


class KeptPublic(SQLModel):
    what: str
    why: str
    records: int
    until: datetime | None
    until_london: str
    reference: str = ""


class LineStatus(SQLModel):
    id: int
    left_at: datetime | None
    left_on_london: str
    left_reason: str
    erased_at: datetime | None


class LeavingSummary(SQLModel):
    """What is kept of a subscriber (or of one line) after leaving, why and until when; whether it can be
    erased now and, if not, why not; and the receipts of erasures done."""

    subscriber_id: int
    left_at: datetime | None
    left_on_london: str
    left_reason: str
    erased_at: datetime | None
    lines: list[LineStatus]
    kept: list[KeptPublic]
    erased_when: str
    can_be_erased: bool
    refusals: list[str]
    receipts: list[ReceiptPublic]
