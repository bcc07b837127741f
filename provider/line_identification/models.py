"""Tables and API schemas of line identification: each line's CLI settings and their history, the
numbering data (Ofcom allocations and the Do Not Originate list) and its imports, the version counter
that invalidates every replica's cache, the decision's request and answer, malicious-call traces
(reg 15) with every disclosure of a caller's identity, and requests to stop call forwarding (reg 17).
"""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum

from pydantic import BaseModel, StrictBool
from pydantic import Field as PydanticField
from sqlalchemy import Index, UniqueConstraint
from sqlmodel import Field, SQLModel

from provider.db.types import BIG_INT, StrEnumType, id_field, utc_field
from provider.line_identification.rules import Origin, Privacy
from provider.moments import Moment
from provider.text import Line, Lines

MAX_BATCH = 200_000


class Channel(StrEnum):
    """How the subscriber asked."""

    phone = "phone"
    web = "web"
    email = "email"
    letter = "letter"
    in_person = "in_person"
    provisioning = "provisioning"


class RejectionMethod(StrEnum):
    """Anonymous-call rejection at the network, or only a device option (ICO: network-level where feasible)."""

    network = "network"
    device = "device"


class NumberingList(StrEnum):
    allocation = "allocation"
    dno = "dno"


# --- per-line settings --------------------------------------------------------------------------


class CliOptions(SQLModel):
    withhold_all: StrictBool = Field(default=False, description="withhold our number on every call (reg 10(2))")
    hide_incoming: StrictBool = Field(default=False, description="do not display callers' numbers (reg 11(2))")
    reject_anonymous: StrictBool = Field(default=False, description="reject calls whose number is withheld (reg 11(3))")
    rejection_method: RejectionMethod = Field(default=RejectionMethod.network, sa_type=StrEnumType(RejectionMethod, 16))
    rejection_charge: str = Field(default="", max_length=200, description="what the subscriber pays for rejection")
    withhold_connected: StrictBool = Field(
        default=False, description="withhold the connected line's number (reg 11(4))"
    )


class LineCliSetting(CliOptions, table=True):
    """The current settings of one line (one row per line that has any)."""

    __tablename__ = "line_cli_setting"
    __table_args__ = (Index("ix_line_cli_setting_version", "version"),)

    id: int | None = id_field()
    line_id: int = Field(sa_type=BIG_INT, foreign_key="subscriber_line.id", unique=True, ondelete="CASCADE")
    requested_by: str = Field(max_length=200)
    channel: Channel = Field(sa_type=StrEnumType(Channel, 16))
    requested_at: datetime = utc_field()
    recorded_by: str = Field(max_length=200)
    changed_at: datetime = utc_field()
    version: int = Field(default=0, sa_type=BIG_INT, description="the state version of the last change")


class LineCliChange(CliOptions, table=True):
    """Every change, as it was asked for: the settings after it, who asked, how and when."""

    __tablename__ = "line_cli_change"

    id: int | None = id_field()
    line_id: int = Field(sa_type=BIG_INT, foreign_key="subscriber_line.id", index=True, ondelete="CASCADE")
    requested_by: str = Field(max_length=200)
    channel: Channel = Field(sa_type=StrEnumType(Channel, 16))
    requested_at: datetime = utc_field()
    recorded_by: str = Field(max_length=200)
    recorded_at: datetime = utc_field()


class CliSettingsUpdate(SQLModel):
    withhold_all: StrictBool = False
    hide_incoming: StrictBool = False
    reject_anonymous: StrictBool = False
    rejection_method: RejectionMethod = RejectionMethod.network
    rejection_charge: Line = PydanticField(default="", max_length=200)
    withhold_connected: StrictBool = False
    requested_by: Line = PydanticField(min_length=1, max_length=200, description="who asked for the change")
    channel: Channel
    requested_at: Moment | None = PydanticField(default=None, description="when they asked; now if omitted")


class CliChangePublic(SQLModel):
    withhold_all: bool
    hide_incoming: bool
    reject_anonymous: bool
    rejection_method: RejectionMethod
    rejection_charge: str
    withhold_connected: bool
    requested_by: str
    channel: Channel
    requested_at: datetime
    recorded_by: str
    recorded_at: datetime


class CliSettingsPublic(SQLModel):
    line_id: int
    number: str
    withhold_all: bool
    hide_incoming: bool
    reject_anonymous: bool
    rejection_method: RejectionMethod
    rejection_charge: str
    withhold_connected: bool
    requested_by: str | None
    channel: Channel | None
    requested_at: datetime | None
    history: list[CliChangePublic]


# --- cache invalidation and numbering data -------------------------------------------------------


class LineIdentificationState(SQLModel, table=True):
    """One row: bumped in the transaction of every change a decision reads, so each replica's cache
    sees at its next decision that it is stale. `epoch` changes when the row is made afresh."""

    __tablename__ = "line_identification_state"

    id: int | None = id_field()
    epoch: str = Field(max_length=40)
    version: int = Field(default=0, sa_type=BIG_INT)
    changed_at: datetime = utc_field()


class NumberingImport(SQLModel, table=True):
    __tablename__ = "numbering_import"

    id: int | None = id_field()
    list: NumberingList = Field(sa_type=StrEnumType(NumberingList, 16), index=True)
    filename: str = Field(max_length=300)
    sha256: str = Field(max_length=64)
    rows: int = Field(sa_type=BIG_INT)
    imported_by: str = Field(max_length=200)
    imported_at: datetime = utc_field()


class NumberingRange(SQLModel, table=True):
    """A prefix of national numbers ("01632960") in one list: allocated or not, or on the DNO list."""

    __tablename__ = "numbering_range"
    __table_args__ = (UniqueConstraint("list", "prefix", name="uq_numbering_range_list_prefix"),)

    id: int | None = id_field()
    list: NumberingList = Field(sa_type=StrEnumType(NumberingList, 16))
    prefix: str = Field(max_length=20)
    allocated: bool = True


class NumberingImportPublic(SQLModel):
    id: int
    list: NumberingList
    filename: str
    sha256: str
    rows: int
    imported_by: str
    imported_at: datetime


# --- the decision --------------------------------------------------------------------------------


class CallIn(BaseModel):
    """Plain pydantic (not SQLModel): a batch validates a hundred thousand of these per request."""

    network_number: Line = PydanticField(min_length=1, max_length=32, description="the caller's network number")
    presentation_number: Line | None = PydanticField(default=None, max_length=32)
    privacy: Privacy = Privacy.allowed
    origin: Origin
    dialled: Line = PydanticField(min_length=1, max_length=40, description="the digits as dialled")
    called: Line | None = PydanticField(
        default=None, max_length=32, description="the called number; the dialled digits when omitted"
    )
    uk_origin_shown: StrictBool = PydanticField(
        default=False, description="a UK customer is shown to have originated it"
    )
    roaming: StrictBool | None = PydanticField(
        default=None,
        description="on a call from abroad presenting a UK mobile number (+447): true if the caller is verified"
        " roaming, false if not; left out, the provider's setting decides (cli_unverified_uk_mobile_roaming)",
    )


class ReasonOut(SQLModel):
    rule: str
    text: str


class DecisionOut(SQLModel):
    blocked: bool
    block_reason: str | None
    caller_number_shown: bool
    shown_number: str | None
    withheld: bool
    dialled_number: str
    connected_number_shown: bool
    traced: bool
    reasons: list[ReasonOut]


class BatchIn(BaseModel):
    calls: list[CallIn] = PydanticField(max_length=MAX_BATCH)


class BatchOut(SQLModel):
    decisions: list[DecisionOut]


# --- malicious and nuisance call tracing (reg 15) ------------------------------------------------


class TraceStatus(StrEnum):
    requested = "requested"
    approved = "approved"  # found necessary and expedient: active from active_from to active_until
    refused = "refused"


class TraceRequest(SQLModel, table=True):
    __tablename__ = "line_trace_request"

    id: int | None = id_field()
    line_id: int = Field(sa_type=BIG_INT, foreign_key="subscriber_line.id", index=True, ondelete="CASCADE")
    requested_by: str = Field(max_length=200)
    channel: Channel = Field(sa_type=StrEnumType(Channel, 16))
    requested_at: datetime = utc_field()
    description: str = Field(max_length=4000, description="the calls complained of")
    status: TraceStatus = Field(default=TraceStatus.requested, sa_type=StrEnumType(TraceStatus, 16))
    decided_by: str = Field(default="", max_length=200)
    decided_at: datetime | None = utc_field(nullable=True)
    reasons: str = Field(default="", max_length=4000, description="why tracing is, or is not, necessary and expedient")
    active_from: datetime | None = utc_field(nullable=True)
    active_until: datetime | None = utc_field(nullable=True)
    recorded_by: str = Field(max_length=200)
    created_at: datetime = utc_field()


class TraceCapture(SQLModel, table=True):
    """A caller's identity captured by an active trace at decision time, never shown to the called party."""

    __tablename__ = "line_trace_capture"

    id: int | None = id_field()
    trace_id: int = Field(sa_type=BIG_INT, foreign_key="line_trace_request.id", index=True, ondelete="CASCADE")
    caller_number: str = Field(max_length=32)
    withheld: bool
    captured_at: datetime = utc_field()


class TraceDisclosure(SQLModel, table=True):
    __tablename__ = "line_trace_disclosure"

    id: int | None = id_field()
    trace_id: int = Field(sa_type=BIG_INT, foreign_key="line_trace_request.id", index=True, ondelete="CASCADE")
    recipient: str = Field(max_length=200)
    legitimate_interest: str = Field(max_length=2000)
    disclosed: str = Field(max_length=2000, description="what was disclosed")
    disclosed_at: datetime = utc_field()
    disclosed_by: str = Field(max_length=200)


class TraceCreate(SQLModel):
    requested_by: Line = PydanticField(min_length=1, max_length=200)
    channel: Channel
    requested_at: Moment | None = None
    description: Lines = PydanticField(min_length=1, max_length=4000)


class TraceDecision(SQLModel):
    necessary_and_expedient: StrictBool
    reasons: Lines = PydanticField(min_length=1, max_length=4000)
    active_from: Moment | None = None
    active_until: Moment | None = None


class DisclosureCreate(SQLModel):
    recipient: Line = PydanticField(min_length=1, max_length=200)
    legitimate_interest: Lines = PydanticField(min_length=1, max_length=2000)
    disclosed: Lines = PydanticField(min_length=1, max_length=2000)
    disclosed_at: Moment | None = None


class DisclosurePublic(SQLModel):
    id: int
    recipient: str
    legitimate_interest: str
    disclosed: str
    disclosed_at: datetime
    disclosed_by: str


class TracePublic(SQLModel):
    id: int
    line_id: int
    requested_by: str
    channel: Channel
    requested_at: datetime
    description: str
    status: TraceStatus
    decided_by: str
    decided_at: datetime | None
    reasons: str
    active_from: datetime | None
    active_until: datetime | None
    captures: int
    disclosures: list[DisclosurePublic]


# --- unwanted call forwarding (reg 17) ------------------------------------------------------------


class ForwardingRequest(SQLModel, table=True):
    __tablename__ = "line_forwarding_request"

    id: int | None = id_field()
    line_id: int = Field(sa_type=BIG_INT, foreign_key="subscriber_line.id", index=True, ondelete="CASCADE")
    forwarded_from: str = Field(max_length=40, description="the third party's number forwarding to the line")
    requested_by: str = Field(max_length=200)
    channel: Channel = Field(sa_type=StrEnumType(Channel, 16))
    requested_at: datetime = utc_field()
    due_at: datetime = utc_field()
    completed_at: datetime | None = utc_field(nullable=True)
    completed_by: str = Field(default="", max_length=200)
    notes: str = Field(default="", max_length=4000)
    recorded_by: str = Field(max_length=200)


class ForwardingCreate(SQLModel):
    forwarded_from: Line = PydanticField(min_length=1, max_length=40)
    requested_by: Line = PydanticField(min_length=1, max_length=200)
    channel: Channel
    requested_at: Moment | None = None


class ForwardingComplete(SQLModel):
    notes: Lines = PydanticField(default="", max_length=4000)
    completed_at: Moment | None = None


class ForwardingPublic(SQLModel):
    id: int
    line_id: int
    forwarded_from: str
    requested_by: str
    channel: Channel
    requested_at: datetime
    due_at: datetime
    completed_at: datetime | None
    completed_by: str
    notes: str
    overdue: bool
