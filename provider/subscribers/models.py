"""Subscriber, line and line-user tables and their API schemas (Base / table / Create / Update / Public).

A subscriber is the party to the contract (PECR reg 2: "subscriber"); a line is a number the provider
serves to that subscriber; a line user is a named person who uses the line and may differ from the
subscriber (reg 2: "user") — traffic-data and location consents are theirs to give, not the payer's.

Validation (phone numbers to E.164, e-mail shape, account-reference characters) lives on the Create
and Update schemas so the API, the forms and the CSV import share one set of rules. Public schemas do
not re-validate: a stored number that a future metadata update calls invalid must still be readable.
"""

from __future__ import annotations

import re
from datetime import datetime
from enum import StrEnum
from functools import lru_cache

from email_validator import EmailNotValidError, validate_email
from pydantic import field_validator
from pydantic_core import PydanticCustomError
from sqlalchemy import Index, String
from sqlmodel import Field, SQLModel

from provider.db.types import BIG_INT, StrEnumType, id_field, utc_field
from provider.subscribers import phone
from provider.text import Line as OneLine
from provider.text import Lines

# Search keys and words compare byte by byte on PostgreSQL as on SQLite, so the database orders them
# exactly as Python does (keyset pages are merged in Python) whatever the database's own collation:
# under a language collation "smith john" may sort after "smithers", and "ł" next to "l", not after "z".
KEY_TYPE = String(200).with_variant(String(200, collation="C"), "postgresql")

ACCOUNT_REFERENCE_CHARACTERS = set("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_./")


class SubscriberKind(StrEnum):
    """Individuals and corporate subscribers have different rights (e.g. directories, reg 18)."""

    individual = "individual"
    corporate = "corporate"


class LineService(StrEnum):
    fixed = "fixed"
    mobile = "mobile"
    voip = "voip"
    broadband = "broadband"


# --- shared checks (plain functions so each schema can opt in) ---------------------------------


def check_number(value: object) -> object:
    if not isinstance(value, str):
        return value  # None, or a wrong type the field's own type check reports
    try:
        return phone.normalise_number(value)
    except phone.InvalidNumber as error:
        raise PydanticCustomError("phone_number", error.reason) from error


def check_optional_number(value: object) -> object:
    if isinstance(value, str) and not value.strip():
        return ""
    return check_number(value)


def check_email(value: object) -> object:
    if not isinstance(value, str) or not value.strip():
        return value.strip() if isinstance(value, str) else value
    if len(value) > 254:
        return value  # the field's max_length reports it
    normalised = _normalised_email(value.strip())
    if normalised is None:
        raise PydanticCustomError("email", "not a valid e-mail address")
    return normalised


@lru_cache(maxsize=4096)
def _normalised_email(text: str) -> str | None:
    """Cached: an import repeats a subscriber's address on each of its lines."""
    try:
        return validate_email(text, check_deliverability=False).normalized
    except EmailNotValidError:
        return None


def check_account_reference(value: object) -> object:
    if not isinstance(value, str):
        return value
    value = value.strip()
    if not value:
        raise PydanticCustomError("account_reference", "an account reference is required")
    if not set(value) <= ACCOUNT_REFERENCE_CHARACTERS:
        raise PydanticCustomError("account_reference", "letters, digits and - _ . / only, no spaces")
    return value


_CONTROL_CHARACTERS = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")


def has_control_characters(text: str) -> bool:
    """NUL and other control characters (tab and line breaks aside): PostgreSQL refuses NUL outright."""
    return _CONTROL_CHARACTERS.search(text) is not None


def check_text(value: object) -> object:
    """Trim; text that was only spaces then fails the field's min_length."""
    if not isinstance(value, str):
        return value
    if has_control_characters(value):
        raise PydanticCustomError("control_characters", "must not contain control characters")
    return value.strip()


# --- subscribers ----------------------------------------------------------------------------


class SubscriberBase(SQLModel):
    kind: SubscriberKind = Field(sa_type=StrEnumType(SubscriberKind, 16))
    name: OneLine = Field(min_length=1, max_length=200, description="person's or organisation's name")
    address: Lines = Field(min_length=1, max_length=500, description="postal address")
    email: OneLine = Field(default="", max_length=254)
    phone: OneLine = Field(default="", max_length=40, description="contact number; stored in E.164")
    account_reference: OneLine = Field(min_length=1, max_length=64, description="the billing system's reference")


class Subscriber(SubscriberBase, table=True):
    __tablename__ = "subscriber"
    __table_args__ = (Index("ix_subscriber_name_key_id", "name_key", "id"),)

    id: int | None = id_field()
    account_reference: str = Field(max_length=64, unique=True, index=True)
    phone: str = Field(default="", max_length=phone.E164_MAX_LENGTH)
    name_key: str = Field(max_length=200, sa_type=KEY_TYPE, description="search key: see provider.subscribers.search")
    created_at: datetime = utc_field()
    updated_at: datetime = utc_field()
    # Leaving and erasure (provider.subscribers.leaving): set once, never cleared.
    left_at: datetime | None = utc_field(nullable=True)
    left_reason: str = Field(default="", max_length=32, sa_column_kwargs={"server_default": ""})
    left_recorded_by: str = Field(default="", max_length=200, sa_column_kwargs={"server_default": ""})
    erased_at: datetime | None = utc_field(nullable=True)


class SubscriberNameWord(SQLModel, table=True):
    """A word of a subscriber's name after the first, so a search for a surname or any word of a company
    name is an index range (the first word is found through `Subscriber.name_key`; see
    provider.subscribers.search.indexed_words). Derived from `Subscriber.name`: written with the
    subscriber and rewritten when the name changes; erasing the subscriber removes its words.

    `name_key` is copied here so the search index `(word, name_key, subscriber_id)` alone yields the
    matches already in list order: a page is read from the index without visiting subscriber rows.
    """

    __tablename__ = "subscriber_name_word"
    __table_args__ = (
        Index("ix_subscriber_name_word_word", "word", "name_key", "subscriber_id"),
        {"sqlite_with_rowid": False},
    )  # SQLite keeps rows in key order: one b-tree fewer

    subscriber_id: int = Field(sa_type=BIG_INT, foreign_key="subscriber.id", primary_key=True, ondelete="CASCADE")
    word: str = Field(max_length=200, primary_key=True, sa_type=KEY_TYPE)
    name_key: str = Field(max_length=200, sa_type=KEY_TYPE)


class LineBase(SQLModel):
    number: OneLine = Field(min_length=1, max_length=40, description="UK national form or +international")
    service: LineService = Field(sa_type=StrEnumType(LineService, 16))


class LineCreate(LineBase):
    _number = field_validator("number", mode="before")(check_number)


class SubscriberCreate(SubscriberBase):
    lines: list[LineCreate] = Field(default_factory=list, max_length=100, description="optional first lines")

    _text = field_validator("name", "address", mode="before")(check_text)
    _email = field_validator("email", mode="before")(check_email)
    _phone = field_validator("phone", mode="before")(check_optional_number)
    _reference = field_validator("account_reference", mode="before")(check_account_reference)


class SubscriberUpdate(SQLModel):
    kind: SubscriberKind | None = None
    name: OneLine | None = Field(default=None, min_length=1, max_length=200)
    address: Lines | None = Field(default=None, min_length=1, max_length=500)
    email: OneLine | None = Field(default=None, max_length=254)
    phone: OneLine | None = Field(default=None, max_length=40)
    account_reference: OneLine | None = Field(default=None, min_length=1, max_length=64)

    _text = field_validator("name", "address", mode="before")(check_text)
    _email = field_validator("email", mode="before")(check_email)
    _phone = field_validator("phone", mode="before")(check_optional_number)
    _reference = field_validator("account_reference", mode="before")(check_account_reference)


class SubscriberPublic(SubscriberBase):
    id: int
    created_at: datetime
    updated_at: datetime
    left_at: datetime | None = None
    left_reason: str = ""
    erased_at: datetime | None = None


class SubscriberPage(SQLModel):
    """One keyset page; pass `next_cursor` as `after` to get the next (null on the last page)."""

    items: list[SubscriberPublic]
    limit: int
    next_cursor: str | None = None


# --- lines ----------------------------------------------------------------------------------


class Line(SQLModel, table=True):
    __tablename__ = "subscriber_line"

    id: int | None = id_field()
    subscriber_id: int = Field(sa_type=BIG_INT, foreign_key="subscriber.id", index=True)
    number: str = Field(max_length=phone.E164_MAX_LENGTH, unique=True, index=True, description="E.164")
    service: LineService = Field(sa_type=StrEnumType(LineService, 16))
    created_at: datetime = utc_field()
    updated_at: datetime = utc_field()
    left_at: datetime | None = utc_field(nullable=True)
    left_reason: str = Field(default="", max_length=32, sa_column_kwargs={"server_default": ""})
    left_recorded_by: str = Field(default="", max_length=200, sa_column_kwargs={"server_default": ""})
    erased_at: datetime | None = utc_field(nullable=True)


class LineUpdate(SQLModel):
    number: OneLine | None = Field(default=None, min_length=1, max_length=40)
    service: LineService | None = None

    _number = field_validator("number", mode="before")(check_number)


class LinePublic(LineBase):
    id: int
    subscriber_id: int
    created_at: datetime
    updated_at: datetime
    left_at: datetime | None = None
    left_reason: str = ""
    erased_at: datetime | None = None


class SubscriberDetail(SubscriberPublic):
    lines: list[LinePublic]


# --- named users of a line ------------------------------------------------------------------


class LineUserBase(SQLModel):
    name: OneLine = Field(min_length=1, max_length=200, description="the person who uses the line")
    relationship: OneLine = Field(default="", max_length=100, description="e.g. employee, family member")
    contact: OneLine = Field(default="", max_length=254, description="how to reach them: e-mail or phone")


class LineUser(LineUserBase, table=True):
    __tablename__ = "line_user"

    id: int | None = id_field()
    line_id: int = Field(sa_type=BIG_INT, foreign_key="subscriber_line.id", index=True)
    created_at: datetime = utc_field()
    updated_at: datetime = utc_field()
    # A removed user's row stays (its consents and records refer to it by id) until the line is erased.
    removed_at: datetime | None = utc_field(nullable=True)
    removed_by: str = Field(default="", max_length=200, sa_column_kwargs={"server_default": ""})


class LineUserCreate(LineUserBase):
    _text = field_validator("name", "relationship", "contact", mode="before")(check_text)


class LineUserPublic(LineUserBase):
    id: int
    line_id: int
    created_at: datetime
    removed_at: datetime | None = None
