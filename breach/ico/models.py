"""What happened to a filing after its document was made: when and how it was really submitted to the ICO,
and what the ICO sent back (its case reference and the copy of the answers it e-mails).

A filing (breach.models.Filing) is the permanent document; it is never updated. Its submission is a row of
its own, entered once by the person who submitted it: the statutory deadline is met by `submitted_at`, not by
the moment the PDF was made. Acknowledgements are append-only too; an uploaded file is kept with its SHA-256.
"""

from __future__ import annotations

import base64
import binascii
from datetime import datetime
from enum import StrEnum

from sqlalchemy import Column, ForeignKey, LargeBinary, Text
from sqlmodel import Field, SQLModel

from provider.db.types import BIG_INT, StrEnumType, UTCDateTime, id_field, utc_field
from provider.errors import FieldError, Invalid
from provider.moments import Moment
from provider.text import Line, Lines

LONG_TEXT = 10_000
MAX_UPLOAD_BYTES = 10 * 1024 * 1024


class SubmissionMethod(StrEnum):
    online_form = "online_form"
    email = "email"
    phone = "phone"


METHOD_LABELS = {
    SubmissionMethod.online_form: "ICO online form",
    SubmissionMethod.email: "E-mail to the ICO",
    SubmissionMethod.phone: "Telephone call to the ICO",
}


class FilingSubmission(SQLModel, table=True):
    """The one record of a filing's submission to the ICO."""

    __tablename__ = "breach_filing_submission"

    id: int | None = id_field()
    filing_id: int = Field(
        sa_column=Column(BIG_INT, ForeignKey("breach_filing.id"), nullable=False, unique=True, index=True)
    )
    submitted_at: datetime = Field(sa_type=UTCDateTime)
    method: SubmissionMethod = Field(sa_type=StrEnumType(SubmissionMethod, 16))
    submitted_by: str = Field(max_length=200)
    late: bool = False
    late_by_seconds: int | None = Field(default=None, sa_type=BIG_INT)
    delay_reasons: str = Field(default="", sa_type=Text)
    recorded_at: datetime = utc_field()
    recorded_by: str = Field(max_length=100)


class FilingAcknowledgement(SQLModel, table=True):
    """What the ICO sent back for a filing: its case reference, and the copy of the responses it e-mails."""

    __tablename__ = "breach_filing_ack"

    id: int | None = id_field()
    filing_id: int = Field(sa_column=Column(BIG_INT, ForeignKey("breach_filing.id"), nullable=False, index=True))
    case_reference: str = Field(default="", max_length=50)
    received_at: datetime | None = utc_field(nullable=True)
    note: str = Field(default="", sa_type=Text)
    file_name: str = Field(default="", max_length=255)
    content_type: str = Field(default="", max_length=100)
    content: bytes | None = Field(default=None, sa_column=Column(LargeBinary, nullable=True))
    content_sha256: str = Field(default="", max_length=64)
    recorded_at: datetime = utc_field()
    recorded_by: str = Field(max_length=100)


# --- API schemas -------------------------------------------------------------------------------------


class SubmissionCreate(SQLModel):
    """POST /api/v1/filings/{id}/submission: when (default now) and how it was submitted, by whom."""

    submitted_at: Moment | None = None
    method: SubmissionMethod
    submitted_by: Line | None = Field(default=None, max_length=200)
    delay_reasons: Lines = Field(default="", max_length=LONG_TEXT)


class SubmissionPublic(SQLModel):
    filing_id: int
    submitted_at: datetime
    method: SubmissionMethod
    submitted_by: str
    late: bool
    late_by_seconds: int | None
    delay_reasons: str
    recorded_at: datetime
    recorded_by: str


class AcknowledgementCreate(SQLModel):
    """POST /api/v1/filings/{id}/acknowledgements: the case reference and/or a file, base64-encoded."""

    case_reference: Line = Field(default="", max_length=50)
    received_at: Moment | None = None
    note: Lines = Field(default="", max_length=LONG_TEXT)
    file_name: Line = Field(default="", max_length=255)
    content_type: Line = Field(default="", max_length=100)
    content_base64: Line = Field(default="", max_length=MAX_UPLOAD_BYTES * 4 // 3 + 4)

    def content_bytes(self) -> bytes | None:
        if not self.content_base64:
            return None
        try:
            return base64.b64decode(self.content_base64, validate=True)
        except (binascii.Error, ValueError) as error:
            raise Invalid(
                "content_base64: is not base64", errors=[FieldError("content_base64", "is not base64")]
            ) from error


class AcknowledgementPublic(SQLModel):
    id: int
    filing_id: int
    case_reference: str
    received_at: datetime | None
    note: str
    file_name: str
    content_sha256: str
    recorded_at: datetime
    recorded_by: str
