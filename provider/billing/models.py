"""The itemised-bill choice (a history per subscriber), the imported call list, its data keys and the bill's schemas."""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum
from typing import Annotated

from pydantic import StrictBool, StringConstraints, field_validator
from sqlalchemy import LargeBinary, UniqueConstraint
from sqlmodel import Field, SQLModel

from provider.db.types import BIG_INT, MAX_ID, StrEnumType, id_field, utc_field
from provider.moments import Moment
from provider.subscribers.models import check_number
from provider.text import Line, Lines

CalledNumber = Annotated[str, StringConstraints(pattern=r"^\+?[0-9]{3,31}$")]


class RequestChannel(StrEnum):
    """How the subscriber asked: the evidence a compliance officer is asked for."""

    phone = "phone"
    web = "web"
    email = "email"
    letter = "letter"
    shop = "shop"
    api = "api"


class CallCategory(StrEnum):
    voice = "voice"
    sms = "sms"
    mms = "mms"
    data = "data"
    other = "other"


class BillSource(StrEnum):
    """What a bill was made from."""

    traffic_records = "traffic_records"  # what the network carried, from the traffic module
    call_list = "call_list"  # the billing system's call list, imported through the API


class ItemisedBillChoice(SQLModel, table=True):
    """One request about itemisation; never updated, so the history is the evidence."""

    __tablename__ = "billing_itemised_choice"

    id: int | None = id_field()
    subscriber_id: int = Field(sa_type=BIG_INT, foreign_key="subscriber.id", index=True, ondelete="CASCADE")
    itemised: bool
    channel: RequestChannel = Field(sa_type=StrEnumType(RequestChannel, 16))
    requested_at: datetime = utc_field()
    recorded_at: datetime = utc_field()
    recorded_by: str = Field(max_length=200)
    note: str = Field(default="", max_length=1000)


class BillCall(SQLModel, table=True):
    """A call, message or session from the billing system's call list for one of the subscriber's lines.

    The number called is traffic data (PECR reg 7): stored only sealed under its bill period's data key
    (`provider.billing.keys`), never in plain text. `period` is the London month the call is billed in (and
    names that key); `retain_until` is when the call list no longer needs it (`rules.call_list_retain_until`),
    after which the nightly job erases it."""

    __tablename__ = "billing_call"
    __table_args__ = (UniqueConstraint("subscriber_id", "source_ref", name="uq_billing_call_source"),)

    id: int | None = id_field()
    subscriber_id: int = Field(sa_type=BIG_INT, foreign_key="subscriber.id", index=True, ondelete="CASCADE")
    line_number: str = Field(max_length=16, description="the subscriber's line, E.164")
    source_ref: str = Field(max_length=100, description="the billing system's id of the record")
    started_at: datetime = utc_field(index=True)
    period: str = Field(max_length=7, index=True, description="the bill period, London month YYYY-MM")
    called_number_enc: bytes = Field(sa_type=LargeBinary, description="AES-GCM under the period's data key")
    duration_seconds: int = Field(sa_type=BIG_INT, default=0)
    charge_pence: int = Field(sa_type=BIG_INT, default=0)
    category: CallCategory = Field(sa_type=StrEnumType(CallCategory, 16))
    free_to_caller: bool = False
    retain_until: datetime = utc_field(index=True)


class ChoiceUpdate(SQLModel):
    itemised: StrictBool = Field(description="true: itemised bills; false: totals only")
    channel: RequestChannel = RequestChannel.api
    requested_at: Moment | None = Field(default=None, description="when the subscriber asked; default now")
    note: Lines = Field(default="", max_length=1000)


class ChoicePublic(SQLModel):
    itemised: bool
    channel: RequestChannel
    requested_at: datetime
    recorded_at: datetime
    recorded_by: str
    note: str


class BillingPublic(SQLModel):
    subscriber_id: int
    itemised: bool
    default: bool = Field(description="true while the subscriber has never asked: the provider's default applies")
    history: list[ChoicePublic]


class CallCreate(SQLModel):
    source_ref: Line = Field(min_length=1, max_length=100)
    line_number: Line = Field(min_length=1, max_length=40)
    started_at: Moment
    called_number: CalledNumber = Field(min_length=1, max_length=32, description="digits, + for international")
    duration_seconds: int = Field(default=0, ge=0, le=7 * 24 * 3600)
    charge_pence: int = Field(default=0, ge=0, le=MAX_ID)
    category: CallCategory = CallCategory.voice
    free_to_caller: StrictBool = Field(default=False, description="the billing system zero-rates this number")

    _number = field_validator("line_number", mode="before")(check_number)


class CallBatch(SQLModel):
    calls: list[CallCreate] = Field(min_length=1, max_length=10_000)


class CallImportResult(SQLModel):
    added: int
    already_present: int


class BillLine(SQLModel):
    started_at: datetime
    line_number: str
    called_number: str
    category: CallCategory
    duration_seconds: int
    charge_pence: int


class BillTotal(SQLModel):
    category: CallCategory
    count: int
    duration_seconds: int
    charge_pence: int


class BillPublic(SQLModel):
    subscriber_id: int
    account_reference: str
    period: str = Field(description="the London month, YYYY-MM")
    itemised: bool
    lines: list[BillLine] = Field(description="empty when the subscriber asked for bills without itemisation")
    totals: list[BillTotal]
    total_charge_pence: int
    unreadable_calls: int = Field(
        0, description="calls counted in the totals but not listed: their number's key is gone from the key store"
    )
    source: BillSource = Field(
        description="traffic_records when the traffic module holds the period's records, else call_list"
    )
    produced_at: datetime
