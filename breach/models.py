"""Breach tables: the breach record and its immutable ICO filings. Its obligations (stored deadlines) are
rows of the core's obligation table (provider.deadlines), owned by the breach (breach.deadlines).

API request/response schemas live beside the tables (SQLModel family: Base / table / Create / Update /
Public). Enums are stored as plain strings so adding a member never needs a database type change.
"""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum
from typing import Annotated, Any

from pydantic import StringConstraints
from sqlalchemy import JSON, Column, ForeignKey, LargeBinary, Text, UniqueConstraint
from sqlmodel import Field, SQLModel

from provider.db.schemas import all_optional, unbounded
from provider.db.types import BIG_INT, MAX_ID, StrEnumType, UTCDateTime, id_field, utc_field
from provider.deadlines.models import ObligationStatus
from provider.moments import Day, Moment
from provider.text import Line, Lines


class Circumstance(StrEnum):
    loss = "loss"
    theft = "theft"
    copying = "copying"
    unauthorised_access = "unauthorised_access"
    misdirection = "misdirection"
    alteration = "alteration"
    destruction = "destruction"
    other = "other"


class DataCategory(StrEnum):
    """Kinds of personal data; the first six are those 611/2013 Art 3(2) names as aggravating."""

    traffic_data = "traffic_data"
    location_data = "location_data"
    itemised_call_lists = "itemised_call_lists"
    internet_logs = "internet_logs"
    email_data = "email_data"
    financial = "financial"
    special_category = "special_category"
    contact_details = "contact_details"
    account_credentials = "account_credentials"
    identity_documents = "identity_documents"
    other = "other"


class BreachStatus(StrEnum):
    open = "open"
    contained = "contained"
    closed = "closed"


class Regime(StrEnum):
    """The rule set chosen by the moment of awareness (rules.md §1)."""

    eu_611_2013 = "611/2013"
    duaa = "DUAA"


class ObligationKind(StrEnum):
    ico_notification = "ico_notification"  # statutory deadline of the regime
    ico_initial_target = "ico_initial_target"  # 24 hours: statutory before DUAA, internal target after
    ico_second_target = "ico_second_target"  # 3 days after the initial filing
    customer_notice_decision = "customer_notice_decision"  # no statutory hours; internal target only
    log_inclusion = "log_inclusion"  # the breach appears in its month's log
    log_submission = "log_submission"  # the monthly log (or nil return) sent to the ICO


class FilingStage(StrEnum):
    initial = "initial"
    second = "second"
    follow_up = "follow_up"


# Bounds on every input so no request can reach the database with an absurd value (never a 500).
# Datetimes are `Moment` (aware, years 1900..2200): a naive time is a 422 naming the field, never guessed as
# UTC or London, and so is one outside the range.
LONG_TEXT = 10_000
MAX_INDIVIDUALS = 10_000_000_000


def _long_text(description: str | None = None) -> Any:
    """Free text: TEXT in the database, at most LONG_TEXT characters from a form or the API."""
    return Field(default="", max_length=LONG_TEXT, sa_type=Text, description=description)


class BreachFacts(SQLModel):
    """The editable facts of a breach (everything the staff record; not the derived fields): declared once
    for the table, the create and update schemas and the public answer."""

    title: Line = Field(min_length=1, max_length=200)
    circumstance: Circumstance = Field(sa_type=StrEnumType(Circumstance, 32))
    circumstance_detail: Lines = _long_text()
    occurred_at: Moment | None = utc_field(nullable=True)
    occurred_is_estimate: bool = False
    detected_at: Moment = Field(sa_type=UTCDateTime)
    aware_at: Moment = Field(
        sa_type=UTCDateTime,
        index=True,
        description="the legal anchor: enough awareness for a meaningful notification",
    )
    aware_recorded_by: Line = Field(default="", max_length=200)
    aware_evidence: Lines = _long_text()
    awareness_justification: Lines = _long_text()
    data_categories: list[DataCategory] = Field(default_factory=list, max_length=len(DataCategory), sa_type=JSON)
    data_description: Lines = _long_text()
    individuals_affected: int | None = Field(default=None, ge=0, le=MAX_INDIVIDUALS, sa_type=BIG_INT)
    individuals_is_estimate: bool = False
    summary: Lines = _long_text()
    location_and_media: Lines = _long_text()
    protection_measures: Lines = _long_text()
    encryption_details: Lines = _long_text()
    mitigation_measures: Lines = _long_text()
    likely_consequences: Lines = _long_text()
    other_providers: Lines = _long_text('relevant use of other providers, or "none"')
    cross_border: Lines = _long_text("older single answer for Annex I items 16 and 17; now asked separately")
    other_countries: Lines = _long_text("Annex I item 16: subscribers or individuals in other countries")
    other_authorities: Lines = _long_text("Annex I item 17: other competent authorities notified")
    customer_notification_summary: Lines = _long_text()


class BreachRecord(SQLModel):
    """What the service sets on a breach, never the staff: reference, regime, status, ICO case, who and when."""

    reference: str = Field(max_length=20, unique=True, index=True)
    regime: Regime = Field(sa_type=StrEnumType(Regime, 16))
    status: BreachStatus = Field(default=BreachStatus.open, sa_type=StrEnumType(BreachStatus, 16), index=True)
    ico_reference: str | None = Field(default=None, max_length=50)
    created_at: datetime = utc_field()
    created_by: str = Field(max_length=100)
    updated_at: datetime = utc_field()


class Breach(BreachFacts, BreachRecord, table=True):
    __tablename__ = "breach"

    id: int | None = id_field()


class FilingBase(SQLModel):
    """What a filing is asked for: the stage, the reasons for any delay, the filing it amends."""

    stage: FilingStage = Field(sa_type=StrEnumType(FilingStage, 16))
    delay_reasons: Lines = _long_text()
    supersedes_id: int | None = Field(default=None, ge=1, le=MAX_ID, sa_type=BIG_INT, foreign_key="breach_filing.id")


class FilingRecord(SQLModel):
    """What the service records on a filing: its number, when and by whom, lateness, the ICO's case."""

    sequence: int = Field(sa_type=BIG_INT, description="1, 2, 3… per breach")
    filed_at: datetime = utc_field()
    filed_by: str = Field(max_length=100)
    late: bool = False
    late_by_seconds: int | None = Field(default=None, sa_type=BIG_INT)
    ico_reference: str | None = Field(default=None, max_length=50)


class Filing(FilingBase, FilingRecord, table=True):
    """A notification as sent to the ICO: exact PDF bytes, their SHA-256 and the data they were made from.

    Never updated after insert; an amendment is a new filing whose `supersedes_id` names the old one.
    """

    __tablename__ = "breach_filing"
    __table_args__ = (UniqueConstraint("breach_id", "sequence", name="uq_filing_breach_sequence"),)

    id: int | None = id_field()
    breach_id: int = Field(sa_column=Column(BIG_INT, ForeignKey("breach.id"), nullable=False, index=True))
    snapshot: dict[str, Any] = Field(default_factory=dict, sa_column=Column(JSON, nullable=False))
    pdf_sha256: str = Field(max_length=64)
    pdf_bytes: bytes = Field(sa_column=Column(LargeBinary, nullable=False))


# --- API schemas -------------------------------------------------------------------------------------

IcoReference = Annotated[
    str,
    StringConstraints(strip_whitespace=True, min_length=1, max_length=50, pattern=r"^[A-Za-z0-9][A-Za-z0-9/ ._-]*$"),
]


class BreachCreate(BreachFacts):
    """What POST /api/v1/breaches (and the create form) accepts; reference, regime and deadlines are derived."""


class BreachUpdate(all_optional(BreachFacts)):
    """A partial change: only the fields sent are changed (`exclude_unset`). `null` clears a nullable field."""

    status: BreachStatus | None = None


class ObligationPublic(SQLModel):
    id: int
    kind: ObligationKind
    recipient: str
    statutory: bool
    basis: str
    period: str
    anchor_at: datetime | None
    due_at: datetime | None
    status: ObligationStatus
    first_filed_at: datetime | None
    late_by_seconds: int | None
    decision: str
    decided_by: str
    decided_at: datetime | None
    decision_rationale: str


class BreachPublic(unbounded(BreachFacts), unbounded(BreachRecord)):
    id: int
    data_categories: list[str]
    obligations: list[ObligationPublic] = Field(default_factory=list)


class BreachPage(SQLModel):
    items: list[BreachPublic]
    total: int
    limit: int
    offset: int


class FilingGap(SQLModel):
    """A Section 2 item not yet available at a second or follow-up filing: why, and when it is expected."""

    reason: str = Field(max_length=2000)
    expected: Day | None = None


class FilingCreate(FilingBase):
    """POST /api/v1/breaches/{id}/filings: which stage, and reasons when the statutory deadline has passed;
    `gaps` names Section 2 items filed as not yet known (each with a reason and expected date)."""

    ico_reference: IcoReference | None = None
    gaps: dict[Annotated[str, StringConstraints(max_length=40)], FilingGap] = Field(default_factory=dict, max_length=12)


class FilingPublic(unbounded(FilingBase), unbounded(FilingRecord)):
    id: int
    breach_id: int
    sha256: str
    pdf_url: str
    submission: Any = Field(default=None, description="when and how it was submitted to the ICO; null until recorded")


class IcoReferenceUpdate(SQLModel):
    """PUT /api/v1/breaches/{id}/ico-reference: the case reference the ICO gave, carried onto later filings."""

    ico_reference: IcoReference


class CorrectionStatus(StrEnum):
    pending = "pending"
    approved = "approved"
    rejected = "rejected"


class BreachCorrection(SQLModel, table=True):
    """A correction of `aware_at`/`detected_at` made after the statutory deadline passed: it waits for a
    second person's approval, and keeps the deadlines as they stood before (shown on the breach for good)."""

    __tablename__ = "breach_correction"

    id: int | None = id_field()
    breach_id: int = Field(sa_column=Column(BIG_INT, ForeignKey("breach.id"), nullable=False, index=True))
    changes: dict[str, Any] = Field(default_factory=dict, sa_column=Column(JSON, nullable=False))
    before: dict[str, Any] = Field(default_factory=dict, sa_column=Column(JSON, nullable=False))
    original_due: dict[str, Any] = Field(default_factory=dict, sa_column=Column(JSON, nullable=False))
    justification: str = Field(sa_type=Text)
    status: CorrectionStatus = Field(default=CorrectionStatus.pending, sa_type=StrEnumType(CorrectionStatus, 16))
    requested_by: str = Field(max_length=100)
    requested_at: datetime = utc_field()
    decided_by: str = Field(default="", max_length=100)
    decided_at: datetime | None = utc_field(nullable=True)
    decision_note: str = Field(default="", sa_type=Text)


class CorrectionCreate(SQLModel):
    """POST /api/v1/breaches/{id}/corrections: the corrected times and why; applied only once a second
    person approves."""

    # Left out means unchanged; null is refused (422), since neither time nor the justification may be cleared.
    aware_at: Moment = Field(default=None)
    detected_at: Moment = Field(default=None)
    awareness_justification: Lines = Field(default=None, max_length=LONG_TEXT)
    justification: Lines = Field(max_length=LONG_TEXT, description="why the recorded times were wrong")


class CorrectionDecision(SQLModel):
    """POST …/corrections/{id}/approve or …/reject: an optional note with the decision."""

    note: Lines = Field(default="", max_length=2000)


class CorrectionPublic(SQLModel):
    id: int
    breach_id: int
    status: CorrectionStatus
    changes: dict[str, Any]
    before: dict[str, Any]
    original_due: dict[str, Any] = Field(description="statutory deadlines (kind -> due time) before the correction")
    justification: str
    requested_by: str
    requested_at: datetime
    decided_by: str
    decided_at: datetime | None
    decision_note: str
