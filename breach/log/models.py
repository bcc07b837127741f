"""The breach log's tables and schemas: one recorded submission per month, and the log as data.

A submission keeps the exact CSV and PDF that were sent (bytes and SHA-256) and the snapshot they were
rendered from, so what the ICO received can be proven later even after the breaches' facts change.
"""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum
from typing import Any

from sqlalchemy import JSON, Column, ForeignKey, LargeBinary, Text
from sqlmodel import Field, SQLModel

from provider.db.types import BIG_INT, StrEnumType, id_field, utc_field
from provider.moments import Moment
from provider.text import Line, Lines


class SubmissionMethod(StrEnum):
    ico_online_form = "ico_online_form"  # the ICO's "report a breach (PECR)" form, monthly log option
    email = "email"  # nil returns may simply be e-mailed
    other = "other"


class LogSubmission(SQLModel, table=True):
    """A month's log (or nil return) as sent to the ICO. Never updated after insert."""

    __tablename__ = "breach_log_submission"

    id: int | None = id_field()
    period: str = Field(max_length=7, unique=True, index=True, description="YYYY-MM, London months")
    obligation_id: int | None = Field(
        default=None, sa_column=Column(BIG_INT, ForeignKey("obligation.id", ondelete="SET NULL"))
    )
    sent_at: datetime = utc_field()
    sent_by: str = Field(max_length=100)
    method: SubmissionMethod = Field(sa_type=StrEnumType(SubmissionMethod, 32))
    recipient: str = Field(max_length=254)
    note: str = Field(default="", sa_column=Column(Text, nullable=False, default=""))
    nil_return: bool
    breach_count: int = Field(ge=0, sa_type=BIG_INT)
    due_at: datetime = utc_field()
    late_by_seconds: int = Field(ge=0, sa_type=BIG_INT, description="frozen when recorded")
    recorded_at: datetime = utc_field()
    csv_sha256: str = Field(max_length=64)
    csv_bytes: bytes = Field(sa_column=Column(LargeBinary, nullable=False))
    pdf_sha256: str = Field(max_length=64)
    pdf_bytes: bytes = Field(sa_column=Column(LargeBinary, nullable=False))
    snapshot: dict[str, Any] = Field(default_factory=dict, sa_column=Column(JSON, nullable=False))


# --- the log as data (what documents render and the API returns) --------------------------------------


class LogRow(SQLModel):
    """One breach as the log shows it: the facts, the effects and the remedial action (reg 5A(8)),
    plus when the ICO was told and what was decided about telling customers."""

    breach_id: int
    reference: str
    title: str
    status: str
    ico_reference: str | None = None
    occurred_at: datetime | None = None
    occurred_is_estimate: bool = False
    detected_at: datetime
    aware_at: datetime
    regime: str
    circumstance: str
    circumstance_detail: str = ""
    summary: str = ""
    location_and_media: str = ""
    data_categories: list[str] = Field(default_factory=list)
    data_description: str = ""
    individuals_affected: int | None = None
    individuals_is_estimate: bool = False
    likely_consequences: str = ""
    mitigation_measures: str = ""
    protection_measures: str = ""
    other_providers: str = ""
    cross_border: str = ""
    ico_due_at: datetime | None = None
    ico_original_due_at: datetime | None = None  # before an approved correction of the breach's times
    ico_deadline_statutory: bool = True
    initial_notified_at: datetime | None = None
    second_notified_at: datetime | None = None
    follow_up_notified_at: datetime | None = None
    notified_late_by_seconds: int | None = None
    delay_reasons: str = ""
    customer_notice_decision: str = ""
    customer_notice_status: str = ""
    customer_notice_decided_at: datetime | None = None
    customer_notice_rationale: str = ""
    customer_notification_summary: str = ""
    customers_total: int = 0  # recipients selected for a notice
    customers_sent: int = 0  # of them, those whose notice actually went out
    customers_first_sent_at: datetime | None = None
    customers_last_sent_at: datetime | None = None


class BreachLog(SQLModel):
    """The log for one month. `provider` is the profile as it stood when the log was built."""

    period: str
    label: str
    period_start: datetime
    period_end: datetime
    provider: dict[str, str] = Field(default_factory=dict)
    rows: list[LogRow] = Field(default_factory=list)
    provisional: bool = Field(default=False, description="the month had not ended when the log was built")
    produced_at: datetime | None = None
    produced_by: str = ""


class LogObligationPublic(SQLModel):
    id: int
    status: str
    statutory: bool
    basis: str
    anchor_at: datetime | None
    due_at: datetime | None
    first_filed_at: datetime | None
    late_by_seconds: int | None


class LogSubmissionPublic(SQLModel):
    id: int
    period: str
    sent_at: datetime
    sent_by: str
    method: SubmissionMethod
    recipient: str
    note: str
    nil_return: bool
    breach_count: int
    due_at: datetime
    late_by_seconds: int
    recorded_at: datetime
    csv_sha256: str
    pdf_sha256: str


class BreachLogPublic(BreachLog):
    """GET /api/v1/breach-log?format=json: the rows, the month's due time and whether it was sent."""

    nil_return: bool
    due_at: datetime
    needs_resubmission: bool = Field(default=False, description="the log changed after it was recorded as sent")
    changes_since_sent: list[str] = Field(default_factory=list, description="what changed since it was sent")
    obligation: LogObligationPublic | None = None
    submission: LogSubmissionPublic | None = None


class LogSubmissionCreate(SQLModel):
    """POST /api/v1/breach-log/{month}/submissions: record that the month's log was sent."""

    sent_at: Moment = Field(description="when it was sent (with a zone offset)")
    method: SubmissionMethod = SubmissionMethod.ico_online_form
    recipient: Line = Field(default="ICO", min_length=1, max_length=254)
    note: Lines = Field(default="", max_length=2000)
    expected_pdf_sha256: str | None = Field(
        default=None,
        min_length=64,
        max_length=64,
        schema_extra={"pattern": r"^[0-9a-f]{64}$"},
        description="the SHA-256 of the PDF that was sent; refused if the log has changed since",
    )
    confirm_incomplete: bool = Field(
        default=False, description="send although some breaches lack an ICO notification or remedial action"
    )
    incomplete_reason: Lines = Field(default="", max_length=2000, description="why, when confirm_incomplete")
