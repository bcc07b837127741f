"""Versioned wording tables: a text, its versions (frozen once used) and each time one was served.

A text is one piece of wording a domain keeps for one purpose and owner: the customer notice of
breach 7 ("breach.customer_notice", owner breach 7), or a provider-wide text (no owner). Its versions
hold the named parts as JSON with their SHA-256; a served record says which version reached which
person, by what channel, when, and in what (a notice batch). Owners and people are named by kind and
id, not by foreign key: the core cannot know every domain's tables.

Guard: a version with `first_used_at` set refuses any change or deletion through the ORM (see
`refuse_changes_to_used_versions`); the set-based paths in provider.wording only ever set
`first_used_at` where it is still empty.
"""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum
from typing import Any

from sqlalchemy import JSON, Column, Index, Text, UniqueConstraint, event, inspect, select, text
from sqlmodel import Field, SQLModel

from provider.db.types import BIG_INT, StrEnumType, id_field, utc_field
from provider.errors import Conflict
from provider.wording.rules import HashScheme

FROZEN_COLUMNS = (
    "text_id",
    "version",
    "parts",
    "content_sha256",
    "hash_scheme",
    "material_change",
    "material_change_note",
    "created_by",
    "created_at",
    "updated_at",
    "first_used_at",
)


class ServedChannel(StrEnum):
    """How a version reached a person (stored as a string: adding a member needs no migration)."""

    email = "email"
    post = "post"
    web = "web"
    sms = "sms"
    telephone = "telephone"
    in_person = "in_person"


class PersonKind(StrEnum):
    """Who was served: a subscriber (provider.subscribers Subscriber) or a named user of a line (LineUser)."""

    subscriber = "subscriber"
    line_user = "line_user"


class WordingText(SQLModel, table=True):
    __tablename__ = "wording_text"
    __table_args__ = (
        UniqueConstraint("purpose", "owner_kind", "owner_id", name="uq_wording_text_owner"),
        # NULLs never clash in a unique constraint, so provider-wide texts get an index of their own.
        Index(
            "uq_wording_text_provider_wide",
            "purpose",
            unique=True,
            sqlite_where=text("owner_kind IS NULL"),
            postgresql_where=text("owner_kind IS NULL"),
        ),
    )

    id: int | None = id_field()
    purpose: str = Field(max_length=100, description="registered by the domain, e.g. breach.customer_notice")
    owner_kind: str | None = Field(default=None, max_length=50, description="e.g. breach; null: provider-wide")
    owner_id: int | None = Field(default=None, sa_type=BIG_INT)
    created_at: datetime = utc_field()


class WordingVersion(SQLModel, table=True):
    __tablename__ = "wording_version"
    __table_args__ = (UniqueConstraint("text_id", "version", name="uq_wording_version_number"),)

    id: int | None = id_field()
    text_id: int = Field(sa_type=BIG_INT, foreign_key="wording_text.id", index=True)
    version: int = Field(sa_type=BIG_INT, description="1, 2, 3… per text")
    parts: dict[str, Any] = Field(default_factory=dict, sa_column=Column(JSON, nullable=False))
    content_sha256: str = Field(max_length=64)
    hash_scheme: HashScheme = Field(default=HashScheme.canonical_json, sa_type=StrEnumType(HashScheme, 32))
    material_change: bool = Field(default=False, description="people shown an earlier version must be told again")
    material_change_note: str = Field(default="", sa_column=Column(Text, nullable=False, default=""))
    created_by: str = Field(max_length=100)
    created_at: datetime = utc_field()
    updated_at: datetime = utc_field()
    first_used_at: datetime | None = utc_field(nullable=True)


class WordingServed(SQLModel, table=True):
    """One version reaching one person; written in bulk (provider.wording.bulk), never updated."""

    __tablename__ = "wording_served"
    __table_args__ = (Index("ix_wording_served_person", "person_kind", "person_id"),)

    id: int | None = id_field()
    version_id: int = Field(sa_type=BIG_INT, foreign_key="wording_version.id", index=True)
    person_kind: PersonKind = Field(sa_type=StrEnumType(PersonKind, 32))
    person_id: int | None = Field(default=None, sa_type=BIG_INT, description="null once the person is erased")
    person_reference: str = Field(default="", max_length=100, description="non-personal, e.g. a notice reference")
    channel: ServedChannel = Field(sa_type=StrEnumType(ServedChannel, 16))
    served_at: datetime = utc_field()
    served_in: str = Field(default="", max_length=64, description="what carried it, e.g. breach_notice_batch")
    served_in_id: int | None = Field(default=None, sa_type=BIG_INT)


@event.listens_for(WordingVersion, "before_update")
def refuse_changes_to_used_versions(_mapper: Any, connection: Any, version: WordingVersion) -> None:
    """A version some person may have been shown is evidence: no code path may rewrite it. The stored
    row is read, not the object, which may be stale or expired."""
    table = WordingVersion.__table__  # type: ignore[attr-defined]
    used_at = connection.execute(select(table.c.first_used_at).where(table.c.id == version.id)).scalar()
    state = inspect(version)
    if used_at is not None and any(state.attrs[name].history.has_changes() for name in FROZEN_COLUMNS):
        raise Conflict(f"wording version {version.id} has been used and cannot change: save a new version")


@event.listens_for(WordingVersion, "before_delete")
def refuse_deleting_used_versions(_mapper: Any, connection: Any, version: WordingVersion) -> None:
    table = WordingVersion.__table__  # type: ignore[attr-defined]
    if connection.execute(select(table.c.first_used_at).where(table.c.id == version.id)).scalar() is not None:
        raise Conflict(f"wording version {version.id} has been used and cannot be deleted")
