"""Consent tables and the API's schemas: consent events (append-only), privacy switches, the register
of processors and value-added service partners, and the value-added services themselves.

A consent event names the person the data is about (the subscriber, or a named user of one of its
lines: PECR reg 2 "user"), the data kind and the purpose, and either gives or withdraws. Events are
never updated; the current state of a (person, data kind, purpose, service) is the last event recorded
for it (see `traffic.consent.queries`). A given consent points at the wording version the person was
served (provider.wording), so what they agreed to can be proved byte for byte.
"""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum

from pydantic import StrictBool
from sqlalchemy import Column, Index, Text
from sqlmodel import Field, SQLModel

from provider.db.types import BIG_INT, MAX_ID, StrEnumType, id_field, utc_field
from provider.moments import Day, Moment
from provider.text import Line, Lines
from provider.wording.models import PersonKind, ServedChannel


class DataKind(StrEnum):
    traffic = "traffic"
    location = "location"


class ConsentPurpose(StrEnum):
    """The purposes PECR lets only consent open (reg 7(3)(b)-(c), 7(4), 14(2))."""

    marketing = "marketing"
    vas = "vas"


class ProcessingPurpose(StrEnum):
    """What the provider's systems ask to use data for (`POST /api/v1/traffic/authorise`)."""

    billing = "billing"
    traffic_management = "traffic_management"
    customer_enquiry = "customer_enquiry"
    fraud = "fraud"
    dispute_resolution = "dispute_resolution"
    marketing = "marketing"
    vas = "vas"
    emergency = "emergency"


class ConsentAction(StrEnum):
    given = "given"
    withdrawn = "withdrawn"


class ConsentMethod(StrEnum):
    """Ways a person can really agree; a bill or a privacy policy is not one (see rules.method_errors)."""

    web = "web"
    call_centre = "call_centre"
    shop = "shop"
    signed_form = "signed_form"


class NoticeKind(StrEnum):
    billing = "billing"
    marketing = "marketing"
    vas = "vas"
    location = "location"


class PartnerRole(StrEnum):
    processor = "processor"
    vas_partner = "vas_partner"


# --- consent events ------------------------------------------------------------------------------


class ConsentEvent(SQLModel, table=True):
    """One consent given or withdrawn; never updated, never deleted while the person exists."""

    __tablename__ = "traffic_consent"
    __table_args__ = (
        Index(
            "ix_traffic_consent_key",
            *("subscriber_id", "person_kind", "person_id", "data_kind", "purpose", "service_id", "id"),
        ),
    )

    id: int | None = id_field()
    subscriber_id: int = Field(foreign_key="subscriber.id", sa_type=BIG_INT)
    person_kind: PersonKind = Field(sa_type=StrEnumType(PersonKind, 16))
    person_id: int = Field(sa_type=BIG_INT, description="the subscriber's id, or the line user's")
    data_kind: DataKind = Field(sa_type=StrEnumType(DataKind, 16))
    purpose: ConsentPurpose = Field(sa_type=StrEnumType(ConsentPurpose, 16))
    service_id: int | None = Field(default=None, foreign_key="traffic_vas.id", sa_type=BIG_INT)
    action: ConsentAction = Field(sa_type=StrEnumType(ConsentAction, 16))
    version_id: int | None = Field(default=None, foreign_key="wording_version.id", sa_type=BIG_INT)
    method: ConsentMethod = Field(sa_type=StrEnumType(ConsentMethod, 16))
    agent_name: str = Field(default="", max_length=100)
    script_version: str = Field(default="", max_length=50)
    evidence_reference: str = Field(default="", max_length=200)
    representative_name: str = Field(default="", max_length=200)
    representative_role: str = Field(default="", max_length=100)
    occurred_at: datetime = utc_field()
    recorded_at: datetime = utc_field()
    recorded_by: str = Field(max_length=100)


class ConsentCreate(SQLModel):
    """A consent captured through an assisted channel or the web; `method` is text so a bill or a
    privacy policy is refused in words rather than as an unknown choice."""

    user_id: int | None = Field(default=None, ge=1, le=MAX_ID, description="a named line user; empty: the subscriber")
    data_kind: DataKind
    purpose: ConsentPurpose
    service_name: Line = Field(default="", max_length=100, description="the value-added service, for vas")
    version_id: int = Field(ge=1, le=MAX_ID, description="the notice version served to this person")
    method: Line = Field(max_length=40, description="web, call_centre, shop or signed_form")
    agent_name: Line = Field(default="", max_length=100)
    script_version: Line = Field(default="", max_length=50)
    evidence_reference: Line = Field(default="", max_length=200)
    representative_name: Line = Field(default="", max_length=200)
    representative_role: Line = Field(default="", max_length=100)
    given_at: Moment | None = Field(default=None, description="when it was given; empty: now")


class WithdrawalCreate(SQLModel):
    user_id: int | None = Field(default=None, ge=1, le=MAX_ID)
    data_kind: DataKind
    purpose: ConsentPurpose
    service_name: Line = Field(default="", max_length=100)
    method: Line = Field(max_length=40)
    agent_name: Line = Field(default="", max_length=100)
    evidence_reference: Line = Field(default="", max_length=200)


class ConsentPublic(SQLModel):
    id: int
    subscriber_id: int
    person_kind: PersonKind
    person_id: int
    data_kind: DataKind
    purpose: ConsentPurpose
    service_name: str
    action: ConsentAction
    version_id: int | None
    method: ConsentMethod
    agent_name: str
    script_version: str
    evidence_reference: str
    representative_name: str
    occurred_at: datetime
    recorded_at: datetime
    recorded_by: str


class ConsentOverview(SQLModel):
    current: list[ConsentPublic]
    history: list[ConsentPublic]


# --- notices served ----------------------------------------------------------------------------


class NoticeServe(SQLModel):
    user_id: int | None = Field(default=None, ge=1, le=MAX_ID)
    notice: NoticeKind
    service_name: Line = Field(default="", max_length=100)
    channel: ServedChannel


class NoticeServed(SQLModel):
    version_id: int
    version: int
    person_kind: PersonKind
    person_id: int
    channel: ServedChannel
    served_at: datetime


class NoticeWording(SQLModel):
    service_name: Line = Field(default="", max_length=100)
    parts: dict[str, Lines]
    material_change: StrictBool = False
    material_change_note: Lines = Field(default="", max_length=2000)


# --- the location privacy switch ---------------------------------------------------------------


class PrivacySwitch(SQLModel, table=True):
    """A line's temporary refusal of location processing (reg 14(3)); ended early by `ended_at`."""

    __tablename__ = "traffic_privacy_switch"
    __table_args__ = (Index("ix_traffic_privacy_switch_line", "line_id", "ends_at"),)

    id: int | None = id_field()
    line_id: int = Field(foreign_key="subscriber_line.id", sa_type=BIG_INT)
    starts_at: datetime = utc_field()
    ends_at: datetime = utc_field()
    ended_at: datetime | None = utc_field(nullable=True)
    set_by: str = Field(max_length=100)
    created_at: datetime = utc_field()


class PrivacySwitchCreate(SQLModel):
    line_id: int = Field(ge=1, le=MAX_ID)
    starts_at: Moment | None = Field(default=None, description="empty: now")
    ends_at: Moment


class PrivacySwitchPublic(SQLModel):
    id: int
    line_id: int
    starts_at: datetime
    ends_at: datetime
    ended_at: datetime | None


# --- the register of processors and partners ---------------------------------------------------


class PartnerBase(SQLModel):
    name: Line = Field(min_length=1, max_length=200)
    role: PartnerRole = Field(sa_type=StrEnumType(PartnerRole, 16))
    scope: Lines = Field(min_length=1, max_length=2000, description="what it does with which data")
    contract_start: Day
    contract_end: Day | None = None


class Partner(PartnerBase, table=True):
    __tablename__ = "traffic_partner"

    id: int | None = id_field()
    name: str = Field(max_length=200)
    scope: str = Field(sa_column=Column(Text, nullable=False))
    created_at: datetime = utc_field()


class PartnerCreate(PartnerBase):
    pass


class PartnerPublic(PartnerBase):
    id: int


class ServiceBase(SQLModel):
    name: Line = Field(min_length=1, max_length=100, description="as the provider's systems name it")
    description: Lines = Field(default="", max_length=2000)
    partner_id: int | None = Field(default=None, ge=1, le=MAX_ID, description="the third party that provides it")


class ValueAddedService(ServiceBase, table=True):
    __tablename__ = "traffic_vas"

    id: int | None = id_field()
    name: str = Field(max_length=100, unique=True)
    description: str = Field(default="", sa_column=Column(Text, nullable=False, default=""))
    partner_id: int | None = Field(default=None, foreign_key="traffic_partner.id", sa_type=BIG_INT)
    created_at: datetime = utc_field()


class ServiceCreate(ServiceBase):
    pass


class ServicePublic(ServiceBase):
    id: int


# --- purpose checks ----------------------------------------------------------------------------


class AuthoriseRequest(SQLModel):
    """May this person's data of this kind be used for this purpose now? Name the subscriber or the line."""

    subscriber_id: int | None = Field(default=None, ge=1, le=MAX_ID)
    line_number: Line | None = Field(default=None, max_length=40)
    user_id: int | None = Field(
        default=None, ge=1, le=MAX_ID, description="a named user of the line, when it is theirs"
    )
    data_kind: DataKind
    purpose: ProcessingPurpose
    service_name: Line = Field(default="", max_length=100, description="the value-added service, for vas")
    anonymous: StrictBool = Field(default=False, description="location data that identifies nobody")
    called_number: Line = Field(default="", max_length=40, description="for emergency: 999 or 112")


class AuthoriseAnswer(SQLModel):
    allowed: bool
    reason: str
    basis: str
