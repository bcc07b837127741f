"""Recording that a wording version was served, set-based: one notice batch serves 100,000 people.

No ORM object per person: rows are written in batches, with COPY on PostgreSQL (psycopg's
`cursor.copy`) and one DBAPI executemany per batch on SQLite, as provider.subscribers.writer does, so
memory stays flat however many people are given. The rows join the caller's transaction: the caller
records what else happened (a notice marked sent) and commits both, or rolls back and neither stays.
Serving a version uses it: its `first_used_at` is set if it was still empty.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from datetime import datetime
from typing import Any, NamedTuple

from sqlmodel import Session

from provider.wording.models import PersonKind, ServedChannel, WordingServed
from provider.wording.service import mark_used

BATCH_SIZE = 5000
SERVED = WordingServed.__table__  # type: ignore[attr-defined]
COLUMNS = (
    "version_id",
    "person_kind",
    "person_id",
    "person_reference",
    "channel",
    "served_at",
    "served_in",
    "served_in_id",
)
MAX_REFERENCE = SERVED.c.person_reference.type.length


class Person(NamedTuple):
    """Who was served: their kind and id, and a reference that identifies the notice, not the person."""

    kind: PersonKind
    id: int | None
    reference: str = ""


def record_served(
    session: Session,
    *,
    version_id: int,
    channel: ServedChannel,
    served_at: datetime,
    people: Iterable[Person],
    served_in: str = "",
    served_in_id: int | None = None,
    batch_size: int = BATCH_SIZE,
) -> int:
    """Write one served record per person (in the caller's transaction); returns how many."""
    write = _writer(session)
    stamp = _stamp(session, served_at)
    shared = (ServedChannel(channel).value, stamp, served_in, served_in_id)
    rows: list[tuple[Any, ...]] = []
    written = 0
    for person in people:
        if len(person.reference) > MAX_REFERENCE:
            raise ValueError(f"a served record's reference is at most {MAX_REFERENCE} characters")
        rows.append((version_id, PersonKind(person.kind).value, person.id, person.reference, *shared))
        if len(rows) == batch_size:
            write(rows)
            written, rows = written + len(rows), []
    if rows:
        write(rows)
        written += len(rows)
    if written:
        mark_used(session, version_id=version_id, now=served_at)
    return written


def _writer(session: Session) -> Callable[[list[tuple[Any, ...]]], None]:
    connection = session.connection()
    if connection.dialect.name == "postgresql":

        def copy(rows: list[tuple[Any, ...]]) -> None:
            with connection.connection.driver_connection.cursor() as cursor:
                with cursor.copy(f"COPY {SERVED.name} ({', '.join(COLUMNS)}) FROM STDIN") as stream:
                    for row in rows:
                        stream.write_row(row)

        return copy
    statement = f"INSERT INTO {SERVED.name} ({', '.join(COLUMNS)}) VALUES ({', '.join('?' * len(COLUMNS))})"
    return lambda rows: connection.exec_driver_sql(statement, rows)


def _stamp(session: Session, moment: datetime) -> Any:
    """`moment` as the driver stores it: COPY takes aware datetimes; SQLite needs the column's own form."""
    dialect = session.get_bind().dialect
    if dialect.name == "postgresql":
        return moment
    column_type = SERVED.c.served_at.type
    value = column_type.process_bind_param(moment, dialect)
    processor = column_type.impl.dialect_impl(dialect).bind_processor(dialect)
    return processor(value) if processor else value
