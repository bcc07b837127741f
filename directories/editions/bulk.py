"""Writing an edition in bounded memory: the eligible entries (directories.queries) go, as one stream, to
the edition file, its SHA-256 and the edition's stored entries.

PostgreSQL: the SELECT runs as `COPY (...) TO STDOUT (FORMAT csv)` on a reading connection; its rows
are gathered into blocks of about BLOCK_BYTES, and each block is written to the file, hashed and passed
unchanged to `COPY directory_edition_entry FROM STDIN` on the session's connection, whose `edition_id`
comes from the session setting pecr.edition_id. psycopg hands COPY TO data over one row at a time, so
the only Python per row is gathering it: hashing, writing and flushing a row at a time cost more than
the SELECT itself at a million rows. SQLite: keyset pages of the same SELECT, written
as CSV and inserted with executemany. A delta is the difference of two editions' stored entries
(added, changed, removed), so it can be produced again byte for byte for a later download.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import Engine, and_, case, cast, exists, func, literal, null, or_, select, text, union_all
from sqlalchemy.dialects import postgresql
from sqlalchemy.sql import Select
from sqlmodel import Session

from directories import queries
from directories.models import EDITION_ENTRY, ENTRY_COLUMNS, EditionFormat

PAGE_SIZE = 5000
# Big enough that the per-block work (hash, file write, COPY FROM send) is a small part of a row's
# cost; small enough that a block in flight is nothing beside the process's memory.
BLOCK_BYTES = 256 * 1024
DELTA_COLUMNS = ("line_id", "change", "number", "listing", "name", "address", "reverse_search")
Sink = Callable[[bytes], Any]


@dataclass
class Written:
    rows: int = 0
    byte_count: int = 0
    sha256: str = ""


class Digest:
    """The file's bytes, hashed and counted as they pass to the sink."""

    def __init__(self, sink: Sink | None) -> None:
        self.sink, self.hash, self.byte_count = sink, hashlib.sha256(), 0

    def write(self, data: bytes) -> None:
        self.hash.update(data)
        self.byte_count += len(data)
        if self.sink is not None:
            self.sink(data)

    def written(self, rows: int) -> Written:
        return Written(rows, self.byte_count, self.hash.hexdigest())


def is_postgres(bind: Any) -> bool:
    return bind.dialect.name == "postgresql"


def blocks(rows: Iterable[Any]) -> Iterator[bytes]:
    """The rows of a COPY TO, joined into blocks of at least BLOCK_BYTES (the last may be shorter)."""
    size = BLOCK_BYTES
    parts: list[bytes] = []
    gathered = 0
    for row in rows:
        part = bytes(row)  # a copy: holding psycopg's own buffers costs more than copying them
        parts.append(part)
        gathered += len(part)
        if gathered >= size:
            yield b"".join(parts)
            parts, gathered = [], 0
    if parts:
        yield b"".join(parts)


def compiled(query: Select) -> tuple[str, dict[str, Any]]:
    """A statement as psycopg takes it inside COPY (client-side parameters)."""
    statement = query.compile(dialect=postgresql.psycopg.dialect())
    return str(statement), dict(statement.params)


# --- CSV and JSON lines as PostgreSQL writes them ------------------------------------------------------


def _csv_value(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "t" if value else "f"
    value = str(value)
    if value == "" or any(character in value for character in ',"\n\r'):
        return '"' + value.replace('"', '""') + '"'
    return value


def csv_line(values: tuple[Any, ...] | list[Any]) -> bytes:
    return (",".join(_csv_value(value) for value in values) + "\n").encode("utf-8")


def header(columns: tuple[str, ...]) -> bytes:
    return csv_line(list(columns))


# --- storing a full edition's entries while writing its file --------------------------------------------


def store_entries(session: Session, *, edition_id: int, cutoff: datetime, sink: Sink | None) -> Written:
    """Store every eligible entry as edition `edition_id`'s, writing them as CSV to `sink` (may be None)."""
    digest = Digest(sink)
    if is_postgres(session.get_bind()):
        rows = _store_postgres(session, edition_id, cutoff, digest)
    else:
        rows = _store_sqlite(session, edition_id, cutoff, digest)
    return digest.written(rows)


def _store_postgres(session: Session, edition_id: int, cutoff: datetime, digest: Digest) -> int:
    sql, params = compiled(queries.entries(cutoff))
    engine: Engine = session.get_bind()
    writer = session.connection().connection.driver_connection
    writer.execute("SELECT set_config('pecr.edition_id', %s, true)", (str(edition_id),))
    columns = ", ".join(ENTRY_COLUMNS)
    with engine.connect() as reading, writer.cursor() as target:
        source = reading.connection.driver_connection.cursor()
        with (
            source.copy(f"COPY ({sql}) TO STDOUT WITH (FORMAT csv, HEADER true)", params) as out,
            target.copy(f"COPY {EDITION_ENTRY.name} ({columns}) FROM STDIN WITH (FORMAT csv, HEADER true)") as into,
        ):
            # Written in this thread: with blocks this size a writer thread's queue gains nothing, and
            # could hold up to a thousand blocks while the server is slow to take them.
            for block in blocks(out):
                digest.write(block)
                into.write(block)
        source.close()
        reading.rollback()
        return target.rowcount


def _pages(session: Session, query: Select, key: Any) -> Iterator[list[Any]]:
    """Keyset pages of `query` by `key` (the line id), each of at most PAGE_SIZE rows."""
    after = 0
    while True:
        page = session.execute(query.where(key > after).limit(PAGE_SIZE)).all()
        if not page:
            return
        yield page
        after = page[-1][0]


def _store_sqlite(session: Session, edition_id: int, cutoff: datetime, digest: Digest) -> int:
    digest.write(header(ENTRY_COLUMNS))
    insert = (
        f"INSERT INTO {EDITION_ENTRY.name} (edition_id, {', '.join(ENTRY_COLUMNS)}) "
        f"VALUES ({', '.join('?' * (len(ENTRY_COLUMNS) + 1))})"
    )
    rows = 0
    for page in _pages(session, queries.entries(cutoff), queries.LINE.c.id):
        digest.write(b"".join(csv_line(tuple(row)) for row in page))
        session.connection().exec_driver_sql(insert, [(edition_id, *row) for row in page])
        rows += len(page)
    return rows


# --- reading stored editions back: full, delta, JSON lines ----------------------------------------------


def stored(edition_id: int) -> Select:
    columns = [EDITION_ENTRY.c[name] for name in ENTRY_COLUMNS]
    return select(*columns).where(EDITION_ENTRY.c.edition_id == edition_id).order_by(EDITION_ENTRY.c.line_id)


def delta(since_id: int, edition_id: int) -> Select:
    """Each line added, changed or removed between two editions, in line order; a removed line keeps only
    its id and its old number. Written as a left join plus an anti join rather than a full join: SQLite
    answers a full join of two subqueries by scanning one for every row of the other, where these two
    look each line up in the entries' index (PostgreSQL takes about as long either way)."""
    new, old = EDITION_ENTRY.alias("new"), EDITION_ENTRY.alias("old")
    differs = or_(*(new.c[name] != old.c[name] for name in ENTRY_COLUMNS[1:]))
    added_or_changed = (
        select(
            new.c.line_id,
            case((old.c.line_id.is_(None), literal("added")), else_=literal("changed")).label("change"),
            *(new.c[name] for name in ENTRY_COLUMNS[1:]),
        )
        .select_from(new.outerjoin(old, and_(old.c.edition_id == since_id, old.c.line_id == new.c.line_id)))
        .where(new.c.edition_id == edition_id, or_(old.c.line_id.is_(None), differs))
    )
    still_there = exists().where(new.c.edition_id == edition_id, new.c.line_id == old.c.line_id)
    removed = select(
        old.c.line_id,
        literal("removed").label("change"),
        old.c.number,
        *(cast(null(), old.c[name].type).label(name) for name in ENTRY_COLUMNS[2:]),
    ).where(old.c.edition_id == since_id, ~still_there)
    changes = union_all(added_or_changed, removed).subquery("changes")
    return select(*(changes.c[name] for name in DELTA_COLUMNS)).order_by(changes.c.line_id)


def delta_counts(session: Session, since_id: int, edition_id: int) -> dict[str, int]:
    changes = delta(since_id, edition_id).order_by(None).subquery()
    rows = session.execute(select(changes.c.change, func.count()).group_by(changes.c.change))
    return {"added": 0, "changed": 0, "removed": 0} | {change: count for change, count in rows}


def json_of(query: Select, columns: tuple[str, ...]) -> Select:
    """One JSON object per row (PostgreSQL builds it: no Python per row there)."""
    inner = query.subquery("rows")
    pairs = [part for name in columns for part in (literal(name), inner.c[name])]
    return select(func.json_build_object(*pairs).cast(postgresql.TEXT)).order_by(inner.c.line_id)


def stream(engine: Engine, query: Select, columns: tuple[str, ...], fmt: EditionFormat) -> Iterator[bytes]:
    """For a download: the rows of `query` as an edition file, read in a transaction of its own."""
    with Session(engine) as session:
        if is_postgres(engine):
            session.execute(text("SET TRANSACTION READ ONLY"))
        yield from stream_in(session, query, columns, fmt)


def stream_in(session: Session, query: Select, columns: tuple[str, ...], fmt: EditionFormat) -> Iterator[bytes]:
    """The rows of `query` (which begins with the line id) as an edition file, in bounded memory, read in
    the session's transaction (so an edition being produced sees its own entries)."""
    if is_postgres(session.get_bind()):
        yield from _stream_postgres(session, query, columns, fmt)
        return
    import json

    if fmt is EditionFormat.csv:
        yield header(columns)
    for page in _pages(session, query, query.selected_columns[0]):
        if fmt is EditionFormat.csv:
            yield b"".join(csv_line(tuple(row)) for row in page)
        else:
            yield b"".join((json.dumps(dict(zip(columns, row, strict=True))) + "\n").encode() for row in page)


def _stream_postgres(session: Session, query: Select, columns: tuple[str, ...], fmt: EditionFormat) -> Iterator[bytes]:
    if fmt is EditionFormat.jsonl:
        sql, params = compiled(json_of(query, columns))
        options = "FORMAT csv, QUOTE E'\\x01', DELIMITER E'\\x02'"  # each JSON text exactly as built
    else:
        sql, params = compiled(query)
        options = "FORMAT csv, HEADER true"
    cursor = session.connection().connection.driver_connection.cursor()
    with cursor.copy(f"COPY ({sql}) TO STDOUT WITH ({options})", params) as out:
        yield from blocks(out)
    cursor.close()
