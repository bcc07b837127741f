"""Traffic and location records (PECR regs 7, 8, 14); their day keys live outside the database
(`provider.security.keystore`).

A record carries the subscriber's and line's ids (no foreign key: a record outlives nothing it names, and
a check per row would halve ingest), its retention class and `retain_until`, computed at ingest by
`traffic.rules`. The other party's number, the cell id and the coordinates are stored only as AES-GCM
ciphertext under the key of the record's UTC day (`traffic.keys`); the other party's number also as a
keyed hash so a record can be found by number without decrypting.

On PostgreSQL both record tables are partitioned by `day` (migration 0013): the primary key there is
(id, day) and every unique index includes `day`, as PostgreSQL requires. `source_record_id` is unique per
day, which is unique per record: the day is the UTC date of the record's own start time.
"""

from __future__ import annotations

from datetime import date, datetime
from enum import StrEnum
from typing import Annotated

from pydantic import ConfigDict, StringConstraints
from sqlalchemy import Index, LargeBinary, UniqueConstraint, text
from sqlmodel import Field, SQLModel

from provider.db.types import BIG_INT, StrEnumType, id_field, utc_field
from provider.text import Line


class RecordKind(StrEnum):
    call = "call"
    sms = "sms"
    mms = "mms"
    data = "data"
    messaging = "messaging"


class Direction(StrEnum):
    outgoing = "outgoing"
    incoming = "incoming"


class RetentionClass(StrEnum):
    """Why a record is still kept (rules.md §3): to transmit it, to bill it, for a consented marketing or
    value-added service, because a retention hold covers it, or for an emergency alert (reg 16A)."""

    transmission = "transmission"
    billing = "billing"
    consented = "consented"
    held = "held"
    emergency_alert = "emergency_alert"


class LocationSource(StrEnum):
    network = "network"  # cell of attachment, as the network sees it
    emergency_call = "emergency_call"  # 999/112: reg 14's restriction does not apply
    emergency_alert = "emergency_alert"  # reg 16A: erased within 7 days (48 h for a test alert)


# A withdrawal finds the person's consented records through this partial index: only consented records
# are in it, so it costs plain ingest nothing and a withdrawal no scan of the tables.
CONSENTED = text("retention_class = 'consented'")


class TrafficRecord(SQLModel, table=True):
    __tablename__ = "traffic_record"
    __table_args__ = (
        UniqueConstraint("day", "source_record_id", name="uq_traffic_record_day_source"),
        Index("ix_traffic_record_retain_until", "retain_until"),
        Index("ix_traffic_record_bill_ref", "bill_ref"),
        Index("ix_traffic_record_other_party_hash", "other_party_hash"),
        Index("ix_traffic_record_consented", "subscriber_id", sqlite_where=CONSENTED, postgresql_where=CONSENTED),
    )

    id: int | None = id_field()
    day: date = Field(description="UTC date of start_at: the partition and the data key")
    source_record_id: str = Field(max_length=64)
    kind: RecordKind = Field(sa_type=StrEnumType(RecordKind, 16))
    direction: Direction = Field(sa_type=StrEnumType(Direction, 16))
    line_id: int = Field(sa_type=BIG_INT)
    subscriber_id: int = Field(sa_type=BIG_INT)
    user_id: int | None = Field(default=None, sa_type=BIG_INT)
    start_at: datetime = utc_field()
    end_at: datetime | None = utc_field(nullable=True)
    duration_seconds: int | None = Field(default=None, sa_type=BIG_INT)
    other_party_enc: bytes | None = Field(default=None, sa_type=LargeBinary)
    other_party_hash: str | None = Field(default=None, max_length=64)
    trunk: str | None = Field(default=None, max_length=64)
    cell_enc: bytes | None = Field(default=None, sa_type=LargeBinary)
    volume_bytes: int | None = Field(default=None, sa_type=BIG_INT)
    charge_pence: int | None = Field(default=None, sa_type=BIG_INT)
    bill_ref: str | None = Field(default=None, max_length=64)
    ended: bool = True
    consented_service: str | None = Field(default=None, max_length=100)
    retention_class: RetentionClass = Field(sa_type=StrEnumType(RetentionClass, 16))
    retain_until: datetime = utc_field()
    ingested_at: datetime = utc_field()


class LocationRecord(SQLModel, table=True):
    __tablename__ = "location_record"
    __table_args__ = (
        UniqueConstraint("day", "source_record_id", name="uq_location_record_day_source"),
        Index("ix_location_record_retain_until", "retain_until"),
        Index("ix_location_record_consented", "subscriber_id", sqlite_where=CONSENTED, postgresql_where=CONSENTED),
    )

    id: int | None = id_field()
    day: date
    source_record_id: str = Field(max_length=64)
    line_id: int = Field(sa_type=BIG_INT)
    subscriber_id: int = Field(sa_type=BIG_INT)
    observed_at: datetime = utc_field()
    cell_enc: bytes | None = Field(default=None, sa_type=LargeBinary)
    coordinates_enc: bytes | None = Field(default=None, sa_type=LargeBinary)
    accuracy_m: int | None = Field(default=None, sa_type=BIG_INT)
    source: LocationSource = Field(sa_type=StrEnumType(LocationSource, 16))
    anonymous: bool = False
    alert_ref: str | None = Field(default=None, max_length=64)
    consented_service: str | None = Field(default=None, max_length=100)
    retention_class: RetentionClass = Field(sa_type=StrEnumType(RetentionClass, 16))
    retain_until: datetime = utc_field()
    ingested_at: datetime = utc_field()


class BillStatus(StrEnum):
    unpaid = "unpaid"
    paid = "paid"
    disputed = "disputed"
    resolved = "resolved"


class Bill(SQLModel, table=True):
    """A bill's status as the billing system reports it: billing-class records of the bill are kept
    `billing_months` after it, or while it is unpaid or disputed until resolution plus the appeal window."""

    __tablename__ = "traffic_bill"

    id: int | None = id_field()
    bill_ref: str = Field(max_length=64, unique=True)
    status: BillStatus = Field(sa_type=StrEnumType(BillStatus, 16))
    issued_at: datetime | None = utc_field(nullable=True)
    resolved_at: datetime | None = utc_field(nullable=True)
    updated_at: datetime = utc_field()


class HoldBasis(StrEnum):
    """rules.md §3 and §9: the enactments that may require keeping data past its retention."""

    ipa_retention_notice = "ipa_retention_notice"  # Investigatory Powers Act 2016: ≤ 12 months from the communication
    court_order = "court_order"
    national_security = "national_security"  # reg 28, ministerial certificate
    crime = "crime"  # reg 29


class RetentionHold(SQLModel, table=True):
    """A hold suspends erasure of what it covers (a subscriber, a line, a date range of communications)
    from `starts_at` until `ends_at`, or until released; an IPA notice never beyond 12 months from the
    communication."""

    __tablename__ = "traffic_retention_hold"

    id: int | None = id_field()
    basis: HoldBasis = Field(sa_type=StrEnumType(HoldBasis, 32))
    reference: str = Field(max_length=100)
    subscriber_id: int | None = Field(default=None, sa_type=BIG_INT)
    line_id: int | None = Field(default=None, sa_type=BIG_INT)
    date_from: date | None = None
    date_to: date | None = None
    starts_at: datetime = utc_field()
    ends_at: datetime = utc_field(index=True)
    released_at: datetime | None = utc_field(nullable=True)
    created_at: datetime = utc_field()


class EmergencyAlert(SQLModel, table=True):
    """An emergency alert (reg 16A): location data processed for it goes 7 days after its period ends,
    48 hours for a ministerial test."""

    __tablename__ = "traffic_emergency_alert"

    id: int | None = id_field()
    alert_ref: str = Field(max_length=64, unique=True)
    test: bool = False
    period_end: datetime = utc_field()
    created_at: datetime = utc_field()


class ErasureReceipt(SQLModel, table=True):
    """What one sweep erased: counts per class, partitions dropped, keys destroyed and a hash of the
    affected ids, never their content. Updated in the transaction of each batch, so an interrupted
    sweep's receipt still tells exactly what it erased."""

    __tablename__ = "traffic_erasure_receipt"

    id: int | None = id_field()
    started_at: datetime = utc_field()
    finished_at: datetime | None = utc_field(nullable=True)
    cutoff: datetime = utc_field()
    status: str = Field(max_length=16, description="running, complete or interrupted")
    counts: str = Field(default="{}", max_length=2000, description='JSON: {"traffic.billing": 12, ...}')
    rows_erased: int = Field(default=0, sa_type=BIG_INT)
    rows_anonymised: int = Field(default=0, sa_type=BIG_INT)
    partitions_dropped: int = Field(default=0, sa_type=BIG_INT)
    keys_destroyed: int = Field(default=0, sa_type=BIG_INT)
    ids_hash: str = Field(default="", max_length=64, description="SHA-256 chained over each batch's ids")


class TrafficAggregate(SQLModel, table=True):
    """What stays of erased traffic records: counts per day, kind and direction (anonymous, rules.md §3)."""

    __tablename__ = "traffic_aggregate"
    __table_args__ = (UniqueConstraint("day", "kind", "direction", name="uq_traffic_aggregate_key"),)

    id: int | None = id_field()
    day: date
    kind: RecordKind = Field(sa_type=StrEnumType(RecordKind, 16))
    direction: Direction = Field(sa_type=StrEnumType(Direction, 16))
    records: int = Field(default=0, sa_type=BIG_INT)
    seconds: int = Field(default=0, sa_type=BIG_INT)
    volume_bytes: int = Field(default=0, sa_type=BIG_INT)


MAX_SEARCH_DAYS = 93  # a quarter: a look-up by number reads each day's partition of the range
SEARCH_PAGE_MAX = 500


CursorText = Annotated[str, StringConstraints(max_length=100, pattern=r"^[A-Za-z0-9_-]*$")]


class RecordSearch(SQLModel):
    """A look-up of traffic records by the other party's number, in a range of UTC days (both included).
    The number travels in the body, never the URL: it is personal data, and URLs end up in logs."""

    model_config = ConfigDict(populate_by_name=True, extra="forbid")

    number: Line = Field(min_length=1, max_length=40, description="national (07700 900123) or E.164 form")
    from_day: date = Field(alias="from", description="first UTC day searched")
    to_day: date = Field(alias="to", description=f"last UTC day searched, at most {MAX_SEARCH_DAYS} days on")
    cursor: CursorText | None = Field(default=None, description="next_cursor of the previous page")
    limit: int = Field(default=100, ge=1, le=SEARCH_PAGE_MAX)


class RecordReadability(StrEnum):
    readable = "readable"
    erased = "erased"  # the day's key was destroyed: the identifying fields are gone for good
    unreadable = "unreadable"  # written under a key that is no longer the day's (or altered)


class RecordFound(SQLModel):
    id: int
    day: date
    kind: RecordKind
    direction: Direction
    line_id: int
    subscriber_id: int
    start_at: datetime
    end_at: datetime | None
    duration_seconds: int | None
    status: RecordReadability
    other_party: str | None = Field(description="null when erased or unreadable")
    cell_id: str | None


class RecordSearchPage(SQLModel):
    records: list[RecordFound]
    next_cursor: str | None
