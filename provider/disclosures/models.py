"""The register of disclosure requests and its API schemas."""

from __future__ import annotations

from datetime import date, datetime
from enum import StrEnum

from pydantic import StrictBool, computed_field
from sqlmodel import Field, SQLModel

from provider.db.types import BIG_INT, MAX_ID, StrEnumType, id_field, utc_field
from provider.moments import Moment
from provider.text import Line, Lines


class LegalBasis(StrEnum):
    """What the requesting body relies on; each maps to the regulation that exempts the disclosure."""

    ipa_authorisation = "ipa_authorisation"  # Investigatory Powers Act 2016 Part 3 authorisation
    ipa_warrant = "ipa_warrant"
    court_order = "court_order"
    national_security_certificate = "national_security_certificate"  # reg 28
    crime_prevention = "crime_prevention"  # reg 29(1)(b), e.g. a DPA 2018 Sch 2 para 2 request
    legal_proceedings = "legal_proceedings"  # reg 29(1)(c)
    other_enactment = "other_enactment"  # reg 29(1)(a)


class Decision(StrEnum):
    pending = "pending"
    disclosed = "disclosed"
    partly_disclosed = "partly_disclosed"
    refused = "refused"


class DisclosureRequest(SQLModel, table=True):
    __tablename__ = "disclosure_request"

    id: int | None = id_field()
    received_at: datetime = utc_field(index=True)
    requesting_body: str = Field(max_length=200)
    legal_basis: LegalBasis = Field(sa_type=StrEnumType(LegalBasis, 40))
    legal_reference: str = Field(max_length=200)
    data_requested: str = Field(max_length=4000)
    subscriber_id: int | None = Field(default=None, sa_type=BIG_INT, foreign_key="subscriber.id", ondelete="SET NULL")
    procedure_version_id: int | None = Field(default=None, sa_type=BIG_INT, foreign_key="wording_version.id")
    decision: Decision = Field(default=Decision.pending, sa_type=StrEnumType(Decision, 20))
    decision_reasons: str = Field(default="", max_length=4000)
    decided_at: datetime | None = utc_field(nullable=True)
    decided_by: str = Field(default="", max_length=200)
    disclosed_summary: str = Field(default="", max_length=4000)
    disclosed_at: datetime | None = utc_field(nullable=True)
    disclosed_by: str = Field(default="", max_length=200)
    recorded_at: datetime = utc_field()
    recorded_by: str = Field(max_length=200)


class RequestCreate(SQLModel):
    received_at: Moment
    requesting_body: Line = Field(min_length=1, max_length=200, description="e.g. West Yorkshire Police")
    legal_basis: LegalBasis
    legal_reference: Line = Field(min_length=1, max_length=200, description="the authorisation or order reference")
    data_requested: Lines = Field(min_length=1, max_length=4000)
    subscriber_id: int | None = Field(default=None, ge=1, le=MAX_ID)


class DecisionCreate(SQLModel):
    decision: Decision
    reasons: Lines = Field(min_length=1, max_length=4000)
    decided_at: Moment | None = Field(default=None, description="default now")


class DisclosureCreate(SQLModel):
    summary: Lines = Field(min_length=1, max_length=4000, description="what was disclosed (not the data itself)")
    disclosed_at: Moment | None = Field(default=None, description="default now")


class RequestPublic(SQLModel):
    id: int
    received_at: datetime
    requesting_body: str
    legal_basis: LegalBasis
    legal_reference: str
    data_requested: str
    subscriber_id: int | None
    procedure_version_id: int | None
    decision: Decision
    decision_reasons: str
    decided_at: datetime | None
    decided_by: str
    disclosed_summary: str
    disclosed_at: datetime | None
    disclosed_by: str
    recorded_at: datetime
    recorded_by: str

    @computed_field
    @property
    def reference(self) -> str:
        """The register's reference, as staff quote it: DR-000042."""
        return f"DR-{self.id:06d}"


class ProcedureUpdate(SQLModel):
    title: Line = Field(min_length=1, max_length=200)
    body: Lines = Field(min_length=1, max_length=20000)
    material_change: StrictBool = False
    material_change_note: Lines = Field(default="", max_length=1000)


class ProcedurePublic(SQLModel):
    version_id: int
    version: int
    title: str
    body: str
    sha256: str
    created_at: datetime
    created_by: str


class CountRow(SQLModel):
    name: str
    count: int


class ReportPublic(SQLModel):
    date_from: date
    date_to: date
    produced_at: datetime
    produced_by: str
    total: int
    by_legal_basis: list[CountRow]
    by_decision: list[CountRow]
    procedures: list[ProcedurePublic]
    requests: list[RequestPublic]
