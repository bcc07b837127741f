"""Directory tables and API schemas: each line's choice and its history, subscriber requests
(verify, correct, withdraw), editions and what each contained, recipients and deliveries.

`DirectoryChoice` is the current state of one line (none yet: the defaults of directories.rules);
`DirectoryChoiceEvent` is append-only and keeps every choice with the notice version, the channel and
the moment. An edition's entries are a plain table without a primary key, written by one COPY from the
same SELECT that produced the edition file, so storing what an edition contained costs little per row.
"""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum
from typing import Any

from pydantic import StrictBool
from sqlalchemy import DDL, JSON, BigInteger, Boolean, Column, ForeignKey, Index, String, Table, Text, event
from sqlmodel import Field, SQLModel

from provider.db.types import BIG_INT, StrEnumType, id_field, utc_field
from provider.moments import Moment
from provider.text import Line, Lines
from provider.wording.models import ServedChannel


class Listing(StrEnum):
    full = "full"  # printed and electronic directories and directory enquiries
    enquiries_only = "enquiries_only"  # directory enquiry services only, never printed
    ex_directory = "ex_directory"  # in no directory and no enquiry service


class NameForm(StrEnum):
    full = "full"  # the name as the subscriber gave it
    initials = "initials"  # first initial and surname: "J. Smith"


class AddressDetail(StrEnum):
    full = "full"
    locality = "locality"  # the part after the last comma: town and postcode
    none = "none"


class ChoiceEventKind(StrEnum):
    choice = "choice"  # the subscriber's choice, recorded
    correction = "correction"  # a correction request applied
    withdrawal = "withdrawal"  # a withdrawal request applied


class RequestKind(StrEnum):
    verify = "verify"
    correct = "correct"
    withdraw = "withdraw"


class EditionKind(StrEnum):
    full = "full"
    delta = "delta"


class EditionFormat(StrEnum):
    csv = "csv"
    jsonl = "jsonl"


class RecipientKind(StrEnum):
    publisher = "publisher"  # a directory publisher (printed or electronic)
    enquiry_service = "enquiry_service"


# --- choices ---------------------------------------------------------------------------------------


class ChoiceFields(SQLModel):
    listing: Listing = Field(sa_type=StrEnumType(Listing, 16))
    name_form: NameForm = Field(default=NameForm.full, sa_type=StrEnumType(NameForm, 16))
    address_detail: AddressDetail = Field(default=AddressDetail.full, sa_type=StrEnumType(AddressDetail, 16))
    reverse_search: StrictBool = Field(description="individuals: express opt-in; corporate: allowed unless false")


class EntryData(SQLModel):
    """What a correction may change; null: the subscriber's own name and address."""

    listed_name: str | None = Field(default=None, max_length=200)
    listed_address: str | None = Field(default=None, max_length=500)
    listed_locality: str | None = Field(default=None, max_length=200)


class DirectoryChoice(ChoiceFields, EntryData, table=True):
    __tablename__ = "directory_choice"

    id: int | None = id_field()
    line_id: int = Field(
        sa_column=Column(BIG_INT, ForeignKey("subscriber_line.id", ondelete="CASCADE"), unique=True, nullable=False)
    )
    subscriber_id: int = Field(sa_type=BIG_INT, index=True)
    notice_version_id: int | None = Field(default=None, sa_type=BIG_INT, description="wording_version shown")
    channel: ServedChannel = Field(sa_type=StrEnumType(ServedChannel, 16))
    chosen_at: datetime = utc_field()
    updated_at: datetime = utc_field()


class DirectoryChoiceEvent(ChoiceFields, EntryData, table=True):
    """Append-only history: every choice, correction and withdrawal, with what it was made under."""

    __tablename__ = "directory_choice_event"

    id: int | None = id_field()
    line_id: int = Field(sa_type=BIG_INT, index=True)
    subscriber_id: int = Field(sa_type=BIG_INT)
    kind: ChoiceEventKind = Field(sa_type=StrEnumType(ChoiceEventKind, 16))
    notice_version_id: int | None = Field(default=None, sa_type=BIG_INT)
    channel: ServedChannel = Field(sa_type=StrEnumType(ServedChannel, 16))
    chosen_at: datetime = utc_field()
    recorded_at: datetime = utc_field()
    recorded_by: str = Field(max_length=100)
    request_id: int | None = Field(default=None, sa_type=BIG_INT)


class ChoiceUpdate(SQLModel):
    """PUT /api/v1/lines/{id}/directory. An omitted field takes the default of directories.rules for the
    subscriber kind, never a fixed value: an individual's approximate address is the default the notice
    told them of."""

    listing: Listing
    name_form: NameForm | None = Field(default=None, description="omitted: the name in full")
    address_detail: AddressDetail | None = Field(
        default=None,
        description="omitted: individuals the locality only (town and postcode); corporate the full address",
    )
    reverse_search: StrictBool | None = Field(
        default=None,
        description="individuals: express opt-in, omitted is no; corporate: allowed unless false, omitted is yes",
    )
    channel: ServedChannel = Field(description="how the subscriber told us (and was shown the notice)")
    notice_version_id: int | None = Field(
        default=None,
        ge=1,
        le=2**63 - 1,
        description="the directory information notice version the subscriber was shown: required for an "
        "individual's choice (except going ex-directory), never assumed; corporate subscribers get no notice",
    )
    chosen_at: Moment | None = Field(default=None, description="when they chose; default now")


class ChoicePublic(SQLModel):
    line_id: int
    number: str
    subscriber_id: int
    subscriber_kind: str
    recorded: bool = Field(description="false: no choice recorded, the defaults apply")
    listing: Listing
    name_form: NameForm
    address_detail: AddressDetail
    reverse_search: bool
    notice_version_id: int | None
    channel: ServedChannel | None
    chosen_at: datetime | None
    first_informed_at: datetime | None = Field(description="when the directory notice was first served")
    listed: bool = Field(description="in editions and enquiry look-ups now")
    reverse_allowed: bool
    reason: str = Field(description="why it is or is not listed, in words")
    history: list[dict[str, Any]] = Field(default_factory=list)


# --- requests --------------------------------------------------------------------------------------


class DirectoryRequest(SQLModel, table=True):
    """A subscriber's request to verify, correct or withdraw an entry: free, recorded when received."""

    __tablename__ = "directory_request"

    id: int | None = id_field()
    line_id: int = Field(sa_type=BIG_INT, index=True)
    kind: RequestKind = Field(sa_type=StrEnumType(RequestKind, 16))
    received_at: datetime = utc_field()
    recorded_at: datetime = utc_field()
    recorded_by: str = Field(max_length=100)
    channel: ServedChannel = Field(sa_type=StrEnumType(ServedChannel, 16))
    note: str = Field(default="", sa_column=Column(Text, nullable=False, default=""))
    before: dict[str, Any] = Field(default_factory=dict, sa_column=Column(JSON, nullable=False))
    after: dict[str, Any] = Field(default_factory=dict, sa_column=Column(JSON, nullable=False))
    old_data_editions: list[int] = Field(default_factory=list, sa_column=Column(JSON, nullable=False))


class RequestCreate(SQLModel):
    kind: RequestKind
    received_at: Moment
    channel: ServedChannel
    note: Lines = Field(default="", max_length=2000)
    listed_name: Line | None = Field(default=None, min_length=1, max_length=200)
    listed_address: Line | None = Field(default=None, min_length=1, max_length=500)
    listed_locality: Line | None = Field(default=None, min_length=1, max_length=200)


class RequestPublic(SQLModel):
    id: int
    line_id: int
    kind: RequestKind
    received_at: datetime
    recorded_at: datetime
    recorded_by: str
    channel: ServedChannel
    note: str
    before: dict[str, Any]
    after: dict[str, Any]
    old_data_editions: list[int] = Field(description="editions produced before the request that carried this line")


# --- editions --------------------------------------------------------------------------------------


class DirectoryEdition(SQLModel, table=True):
    __tablename__ = "directory_edition"

    id: int | None = id_field()
    kind: EditionKind = Field(sa_type=StrEnumType(EditionKind, 16))
    format: EditionFormat = Field(sa_type=StrEnumType(EditionFormat, 16))
    since_edition_id: int | None = Field(default=None, sa_type=BIG_INT)
    produced_at: datetime = utc_field(index=True)
    produced_by: str = Field(max_length=100)
    entries: int = Field(default=0, sa_type=BIG_INT, description="eligible entries at this edition")
    added: int = Field(default=0, sa_type=BIG_INT)
    changed: int = Field(default=0, sa_type=BIG_INT)
    removed: int = Field(default=0, sa_type=BIG_INT)
    rows: int = Field(default=0, sa_type=BIG_INT, description="rows in the file")
    byte_count: int = Field(default=0, sa_type=BIG_INT)
    sha256: str = Field(default="", max_length=64, description="of the file's bytes")


# Every eligible entry at each edition: no primary key and, on PostgreSQL, only a BRIN index (rows are
# appended edition by edition in line order), so one COPY stores a million rows at nearly its raw speed.
# On PostgreSQL `edition_id` defaults to the session setting pecr.edition_id (see directories.bulk).
EDITION_ENTRY = Table(
    "directory_edition_entry",
    SQLModel.metadata,
    Column("edition_id", BigInteger, nullable=False),
    Column("line_id", BigInteger, nullable=False),
    Column("number", String(32), nullable=False),
    Column("listing", String(16), nullable=False),
    Column("name", String(200), nullable=False),
    Column("address", String(500), nullable=False),
    Column("reverse_search", Boolean, nullable=False),
    Index("ix_directory_edition_entry", "edition_id", "line_id", postgresql_using="brin"),
)
ENTRY_COLUMNS = ("line_id", "number", "listing", "name", "address", "reverse_search")


class EditionCreate(SQLModel):
    since_edition_id: int | None = Field(default=None, ge=1, le=2**63 - 1, description="a delta since this one")
    format: EditionFormat = EditionFormat.csv


class EditionPublic(SQLModel):
    id: int
    kind: EditionKind
    format: EditionFormat
    since_edition_id: int | None
    produced_at: datetime
    produced_by: str
    entries: int
    added: int
    changed: int
    removed: int
    rows: int
    byte_count: int
    sha256: str


# --- recipients and deliveries ---------------------------------------------------------------------


class DirectoryRecipient(SQLModel, table=True):
    __tablename__ = "directory_recipient"

    id: int | None = id_field()
    name: str = Field(max_length=200, unique=True)
    kind: RecipientKind = Field(sa_type=StrEnumType(RecipientKind, 32))
    email: str = Field(default="", max_length=254)
    acknowledgement_days: int = Field(default=14, sa_type=BIG_INT)
    created_at: datetime = utc_field()


class RecipientCreate(SQLModel):
    name: Line = Field(min_length=1, max_length=200)
    kind: RecipientKind
    email: Line = Field(default="", max_length=254)
    acknowledgement_days: int = Field(default=14, ge=1, le=365)


class RecipientPublic(SQLModel):
    id: int
    name: str
    kind: RecipientKind
    email: str
    acknowledgement_days: int
    created_at: datetime


class DirectoryDelivery(SQLModel, table=True):
    __tablename__ = "directory_delivery"

    id: int | None = id_field()
    edition_id: int = Field(sa_column=Column(BIG_INT, ForeignKey("directory_edition.id"), nullable=False, index=True))
    recipient_id: int = Field(sa_column=Column(BIG_INT, ForeignKey("directory_recipient.id"), nullable=False))
    delivered_at: datetime = utc_field()
    recorded_by: str = Field(max_length=100)
    acknowledged_at: datetime | None = utc_field(nullable=True)
    acknowledged_by: str = Field(default="", max_length=100)


class DeliveryCreate(SQLModel):
    recipient_id: int = Field(ge=1, le=2**63 - 1)
    delivered_at: Moment | None = None


class AcknowledgementCreate(SQLModel):
    acknowledged_at: Moment | None = None


class DeliveryPublic(SQLModel):
    id: int
    edition_id: int
    recipient_id: int
    delivered_at: datetime
    recorded_by: str
    acknowledged_at: datetime | None
    acknowledged_by: str


# --- notice batches --------------------------------------------------------------------------------


class DirectoryNoticeBatch(SQLModel, table=True):
    """One run of directory information notices to individuals not yet informed."""

    __tablename__ = "directory_notice_batch"

    id: int | None = id_field()
    version_id: int = Field(sa_type=BIG_INT)
    created_at: datetime = utc_field()
    created_by: str = Field(max_length=100)
    letters: int = Field(default=0, sa_type=BIG_INT)
    emails: int = Field(default=0, sa_type=BIG_INT)
    documents: list[dict[str, Any]] = Field(default_factory=list, sa_column=Column(JSON, nullable=False))
    posted_at: datetime | None = utc_field(nullable=True)  # when staff confirmed its letters went in the post
    posted_by: str = Field(default="", max_length=100)


class DirectoryNoticeLetter(SQLModel, table=True):
    """A letter in a batch's PDF: not a serving until staff confirm it was posted (directories.notices)."""

    __tablename__ = "directory_notice_letter"

    batch_id: int = Field(
        sa_column=Column(BIG_INT, ForeignKey("directory_notice_batch.id", ondelete="CASCADE"), primary_key=True)
    )
    subscriber_id: int = Field(sa_column=Column(BIG_INT, primary_key=True, index=True))
    reference: str = Field(max_length=100)
    posted_at: datetime | None = utc_field(nullable=True)


class NoticeParts(SQLModel):
    """PUT /api/v1/directory/notice: the directory information notice, versioned on the wording core."""

    what_it_is: Lines = Field(min_length=1, max_length=4000)
    what_it_includes: Lines = Field(min_length=1, max_length=4000)
    number_lookup: Lines = Field(min_length=1, max_length=4000)
    reverse_search: Lines = Field(min_length=1, max_length=4000)
    options: Lines = Field(min_length=1, max_length=4000)
    opt_out: Lines = Field(min_length=1, max_length=4000)


# COPY into the entries names every column but the edition's id, taken from the session's setting, so
# the rows of the SELECT that made the edition file can be copied in as they are.
event.listen(
    EDITION_ENTRY,
    "after_create",
    DDL(
        "ALTER TABLE directory_edition_entry ALTER COLUMN edition_id "
        "SET DEFAULT current_setting('pecr.edition_id')::bigint"
    ).execute_if(dialect="postgresql"),
)
