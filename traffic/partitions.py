"""Daily partitions of the record tables on PostgreSQL: made ahead by the scheduler and on demand by the
import, listed and dropped whole by the sweep. On SQLite the tables are plain and every function here is a
no-op (no partitions, nothing to drop)."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date, timedelta

from sqlalchemy import text
from sqlalchemy.exc import DBAPIError
from sqlmodel import Session

from provider.db.bulk import is_postgres

TABLES = ("traffic_record", "location_record")


def partition_name(table: str, day: date) -> str:
    return f"{table}_p{day:%Y%m%d}"


def is_partitioned(session: Session, table: str) -> bool:
    """True on PostgreSQL migrated by 0013 (a schema made by `create_all`, as in tests, has plain tables)."""
    if not is_postgres(session):
        return False
    found = session.execute(
        text("SELECT 1 FROM pg_partitioned_table pt JOIN pg_class c ON c.oid = pt.partrelid WHERE c.relname = :table"),
        {"table": table},
    ).first()
    return found is not None


def ensure(session: Session, table: str, days: Iterable[date]) -> int:
    """Create the partitions of `days` that do not exist yet; returns how many were made."""
    if not is_partitioned(session, table):
        return 0
    return ensure_on_partitioned(session, table, days)


def ensure_on_partitioned(session: Session, table: str, days: Iterable[date]) -> int:
    """`ensure` for a table the caller knows is partitioned."""
    existing = {day for _name, day in partitions(session, table)}
    made = 0
    for day in sorted(set(days) - existing):
        name = partition_name(table, day)
        statement = (
            f"CREATE TABLE IF NOT EXISTS {name} PARTITION OF {table} "
            f"FOR VALUES FROM ('{day.isoformat()}') TO ('{(day + timedelta(days=1)).isoformat()}')"
        )
        try:
            with session.begin_nested():
                session.execute(text(statement))
            made += 1
        except DBAPIError:  # made meanwhile by another importer or the scheduler
            continue
    return made


def ensure_ahead(session: Session, today: date, days_ahead: int) -> int:
    days = [today + timedelta(days=offset) for offset in range(-1, days_ahead + 1)]
    return sum(ensure(session, table, days) for table in TABLES)


def partitions(session: Session, table: str) -> list[tuple[str, date]]:
    """(name, day) of each daily partition of `table`, oldest first."""
    if not is_postgres(session):
        return []
    rows = session.execute(
        text(
            "SELECT c.relname FROM pg_inherits i JOIN pg_class c ON c.oid = i.inhrelid "
            "JOIN pg_class p ON p.oid = i.inhparent WHERE p.relname = :table"
        ),
        {"table": table},
    ).scalars()
    prefix = f"{table}_p"
    found = [
        (name, date(int(name[-8:-4]), int(name[-4:-2]), int(name[-2:]))) for name in rows if name.startswith(prefix)
    ]
    return sorted(found, key=lambda item: item[1])


def _day_of(name: str) -> date:
    return date(int(name[-8:-4]), int(name[-4:-2]), int(name[-2:]))


def drop(session: Session, name: str) -> None:
    session.execute(text(f"DROP TABLE {name}"))
