"""Column types that keep the project's time and JSON conventions on every backend."""

from __future__ import annotations

from datetime import UTC, datetime
from enum import StrEnum
from typing import Any

from sqlalchemy import BigInteger, DateTime, Integer, String
from sqlalchemy.types import TypeDecorator
from sqlmodel import Field


class UTCDateTime(TypeDecorator[datetime]):
    """Timezone-aware UTC in, timezone-aware UTC out.

    SQLite stores no offset and hands back naive values; PostgreSQL hands back the session zone.
    Both come back as UTC here, and a naive value is refused on the way in so no code can store
    local wall time by accident.
    """

    impl = DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value: datetime | None, dialect: Any) -> datetime | None:
        if value is None:
            return None
        if value.tzinfo is None or value.utcoffset() is None:
            raise ValueError("naive datetime refused: store timezone-aware UTC")
        value = value.astimezone(UTC)
        if dialect.name == "sqlite":
            return value.replace(tzinfo=None)
        return value

    def process_result_value(self, value: datetime | None, _dialect: Any) -> datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            return value.replace(tzinfo=UTC)
        return value.astimezone(UTC)


def utc_field(*, nullable: bool = False, index: bool = False, default: Any = None) -> Any:
    """A SQLModel field holding an aware UTC datetime."""
    return Field(default=default, sa_type=UTCDateTime, nullable=nullable, index=index)


class StrEnumType(TypeDecorator[StrEnum]):
    """A StrEnum stored as its plain string value (VARCHAR, so adding a member needs no migration),
    handed back as the enum member so API schemas and comparisons see the declared type."""

    impl = String
    cache_ok = True

    def __init__(self, enum_class: type[StrEnum], length: int = 32) -> None:
        super().__init__(length)
        self.enum_class = enum_class

    def process_bind_param(self, value: StrEnum | str | None, _dialect: Any) -> str | None:
        if value is None:
            return None
        return self.enum_class(value).value

    def process_result_value(self, value: str | None, _dialect: Any) -> StrEnum | None:
        return None if value is None else self.enum_class(value)


# Identifiers and counts are 64-bit everywhere: the API accepts ids up to 2**63-1, so a 32-bit column on
# PostgreSQL would turn a large but valid id into a database error. SQLite keeps INTEGER so a primary key
# stays the rowid alias (a BIGINT primary key there would not autoincrement).
BIG_INT = BigInteger().with_variant(Integer, "sqlite")
MAX_ID = 2**63 - 1


def id_field() -> Any:
    """A 64-bit autoincrementing primary key."""
    return Field(default=None, primary_key=True, sa_type=BIG_INT)
