"""Set-based writing of many rows into any tables: COPY on PostgreSQL, batched executemany on SQLite.

No ORM object per row: rows are buffered as tuples and written in batches — COPY on PostgreSQL
(psycopg's `cursor.copy`), one DBAPI executemany per batch on SQLite — so memory stays flat however
many rows arrive. Values reach the driver as SQLAlchemy would bind them (`driver_row`): aware
datetimes through UTCDateTime, enums as their values, JSON as JSON. Everything happens in the
caller's session transaction: the caller audits and commits, or rolls back and nothing is written.

Two ways in: `BulkWriter` for several related tables (parents written before children, ids reserved
up front with `reserve_ids` so a child can name its parent before either is written), and
`insert_rows` for dictionaries into one table, where the database numbers the rows.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from typing import Any

from sqlalchemy import Column, Table, func, select, text
from sqlmodel import Session

BATCH_SIZE = 5000
Row = tuple[Any, ...]


def is_postgres(session: Session) -> bool:
    return session.get_bind().dialect.name == "postgresql"


def _bind_processor(column: Column[Any], session: Session) -> Callable[[Any], Any] | None:
    dialect = session.get_bind().dialect
    return column.type.dialect_impl(dialect).bind_processor(dialect)


def driver_value(session: Session, column: Column[Any], value: Any) -> Any:
    """`value` as the driver stores it in `column`; convert a value shared by many rows (a timestamp)
    once with this instead of once per row."""
    processor = _bind_processor(column, session)
    return processor(value) if processor else value


def driver_row(session: Session, table: Table, columns: Sequence[str]) -> Callable[[Sequence[Any]], Row]:
    """A function turning Python values (in `columns` order) into a row the driver takes as it is."""
    processors = [_bind_processor(table.c[name], session) for name in columns]
    return lambda values: tuple(
        processor(value) if processor else value for processor, value in zip(processors, values, strict=True)
    )


def _column_oids(cursor: Any, table: str, columns: Sequence[str]) -> list[int]:
    cursor.execute(
        "SELECT attname, atttypid::int FROM pg_attribute WHERE attrelid = %s::regclass AND attnum > 0", (table,)
    )
    oids = dict(cursor.fetchall())
    return [oids[name] for name in columns]


def write_rows(
    session: Session,
    table: Table,
    columns: Sequence[str],
    rows: Sequence[Row],
    *,
    binary: bool = False,
    types: dict[tuple[str, tuple[str, ...]], list[int]] | None = None,
) -> None:
    """Write rows whose values are already in the driver's form (see `driver_row`).

    `binary` (PostgreSQL): COPY in binary format with each column's type given up front, so neither
    psycopg (no dumper looked up per value) nor the server (no text to parse: bytea is not hex-decoded,
    times are not parsed) spends work per value; it needs each value of the column's exact Python type
    (int for bigint, bytes for bytea, aware datetime for timestamptz). `types`, a dict the caller keeps for
    one job, holds the column types once read, so a job of many batches asks the catalogue once."""
    if not rows:
        return
    if is_postgres(session):
        cursor = session.connection().connection.driver_connection.cursor()
        options = " (FORMAT BINARY)" if binary else ""
        oids = None
        if binary:
            key = (table.name, tuple(columns))
            oids = types.get(key) if types is not None else None
            if oids is None:
                oids = _column_oids(cursor, table.name, columns)
                if types is not None:
                    types[key] = oids
        with cursor.copy(f"COPY {table.name} ({', '.join(columns)}) FROM STDIN{options}") as copy:
            if oids is not None:
                copy.set_types(oids)
            for row in rows:
                copy.write_row(row)
        cursor.close()
        return
    statement = f"INSERT INTO {table.name} ({', '.join(columns)}) VALUES ({', '.join('?' * len(columns))})"
    session.connection().exec_driver_sql(statement, list(rows))


def _python_default(column: Column[Any]) -> Any:
    """What SQLAlchemy would insert for a column a row leaves out (its Python-side default, else NULL)."""
    default = column.default
    if default is None:
        return None
    if default.is_callable:
        return default.arg(None)
    if default.is_scalar:
        return default.arg
    raise TypeError(f"{column}: a SQL-side default cannot go through a bulk write; give the value")


def insert_rows(session: Session, table: Table, rows: Iterable[dict[str, Any]], batch_size: int = BATCH_SIZE) -> int:
    """Insert dictionaries (one table, the same keys in each) in batches; the database numbers the rows.

    A column the rows leave out gets its Python-side default, as an ORM insert would give it. Returns
    how many rows were written.
    """
    session.flush()  # objects the caller added first (the rows' parents) go before the raw writes
    columns: list[str] = []
    batch: list[Row] = []
    written = 0
    for row in rows:
        if not columns:
            columns = [c.name for c in table.columns if c.name in row or c.default is not None]
            defaults = {c.name: c for c in table.columns if c.name not in row and c.default is not None}
            convert = driver_row(session, table, columns)
        batch.append(convert([row[name] if name in row else _python_default(defaults[name]) for name in columns]))
        if len(batch) == batch_size:
            write_rows(session, table, columns, batch)
            written, batch = written + len(batch), []
    write_rows(session, table, columns, batch)
    return written + len(batch)


def reserve_ids(session: Session, tables: Sequence[Table]) -> dict[Table, int]:
    """The next free id of each table, kept ours until commit: PostgreSQL locks the tables against
    other inserts (not reads); SQLite already holds the write lock from BEGIN IMMEDIATE."""
    if is_postgres(session):
        names = ", ".join(table.name for table in tables)
        session.execute(text(f"LOCK TABLE {names} IN SHARE ROW EXCLUSIVE MODE"))
    return {table: session.execute(select(func.coalesce(func.max(table.c.id), 0))).scalar_one() + 1 for table in tables}


def move_id_sequences(session: Session, tables: Sequence[Table]) -> None:
    """After rows were written with reserved ids, move PostgreSQL's id sequences past them."""
    if not is_postgres(session):
        return
    for table in tables:
        session.execute(
            text(
                f"SELECT setval(pg_get_serial_sequence('{table.name}', 'id'), "
                f"(SELECT COALESCE(MAX(id), 0) + 1 FROM {table.name}), false)"
            )
        )


class BulkWriter:
    """Buffer rows for several tables and write them in batches, always in the order the tables are
    given (parents before children). A batch is due when `batch_size` rows were `add`ed; rows that
    ride along with another (`extend`) do not count towards it."""

    def __init__(
        self,
        session: Session,
        tables: Sequence[tuple[Table, Sequence[str]]],
        batch_size: int = BATCH_SIZE,
        *,
        sort_keys: dict[Table, Callable[[Row], Any]] | None = None,
    ) -> None:
        self.session = session
        self.batch_size = batch_size
        self.columns = {table: tuple(columns) for table, columns in tables}
        self.written = dict.fromkeys(self.columns, 0)
        self.batches = 0
        # Rows of a table with a sort key are written in that order, e.g. an index's, so each index
        # page is visited once per batch.
        self._sort_keys = sort_keys or {}
        self._buffers: dict[Table, list[Row]] = {table: [] for table in self.columns}
        self._buffered = 0
        session.flush()

    def add(self, table: Table, row: Row) -> None:
        self._buffers[table].append(row)
        self._buffered += 1
        if self._buffered >= self.batch_size:
            self.flush()

    def extend(self, table: Table, rows: Iterable[Row]) -> None:
        self._buffers[table].extend(rows)

    def flush(self) -> None:
        if any(self._buffers.values()):
            self.batches += 1
        for table, buffer in self._buffers.items():
            if table in self._sort_keys:
                buffer.sort(key=self._sort_keys[table])
            write_rows(self.session, table, self.columns[table], buffer)
            self.written[table] += len(buffer)
        self._buffers = {table: [] for table in self.columns}
        self._buffered = 0
