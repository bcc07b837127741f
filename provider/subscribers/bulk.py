"""Bulk import of subscribers and their lines from a CSV file (`pecr subscribers import FILE.csv`).

File format: UTF-8 (a spreadsheet's byte-order mark is fine), comma-separated, a header row naming
these columns in any order:

    account_reference  required; letters, digits and - _ . / (the billing system's reference)
    kind               required; individual or corporate
    name               required; the person's or organisation's name
    address            required; postal address (quote it if it holds commas or line breaks)
    email              optional
    phone              optional contact number
    line_number        optional; UK national form (07700 900123) or +international; stored in E.164
    line_service       required when line_number is given: fixed, mobile, voip or broadband

One row per line. A subscriber with several lines is repeated on each of its rows with the same
subscriber columns; a row with no line_number creates the subscriber without a line.

Every row is validated before anything is written. A bad row is reported with its line number in
the file, the column and the reason ("line 17: line_number: not a valid UK number"); if any row is
bad nothing is written. Every bad row is reported, however many (reports used to stop at 1,000): the
first `SHOWN` errors are kept in memory for a console to show, every one is spooled
(`provider.error_spool`, on disk past a megabyte) and read back in file order by `every_error()`.

Policy for existing data: the import only creates. An account reference or
line number that already exists in the database is a bad row (update existing subscribers through
the API or the forms, which audit each change). Good files are written in one transaction, in
batches, set-based (provider.subscribers.writer), with one audit event for the whole import naming
the file, its SHA-256 and the counts.
"""

from __future__ import annotations

import csv
import hashlib
import tempfile
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import IO, Any

from pydantic import ValidationError
from sqlmodel import Session, select

from provider.db.bulk import BATCH_SIZE
from provider.error_spool import ErrorSpool
from provider.evidence import file_sha256
from provider.security import audit
from provider.security.actor import Actor
from provider.subscribers.models import Line, Subscriber, SubscriberCreate
from provider.subscribers.writer import SubscriberWriter

COLUMNS = ("account_reference", "kind", "name", "address", "email", "phone", "line_number", "line_service")
REQUIRED_COLUMNS = ("account_reference", "kind", "name", "address")
SUBSCRIBER_FIELDS = ("kind", "name", "address", "email", "phone", "account_reference")
SHOWN = 1000  # errors kept in memory for a console to show; every one is in the report's spool
LOOKUP_CHUNK = 500
Progress = Callable[[str, int], None]  # (stage, rows just done): "validating" then "writing"


@dataclass(frozen=True)
class RowError:
    line: int
    column: str
    reason: str

    def __str__(self) -> str:
        return f"line {self.line}: {self.column}: {self.reason}"


@dataclass
class ImportReport:
    file_name: str
    sha256: str = ""
    rows: int = 0
    subscribers: int = 0
    lines: int = 0
    batches: int = 0
    errors: list[RowError] = field(default_factory=list)  # the first SHOWN
    bad_rows: int = 0
    error_count: int = 0  # a bad row may have several
    _spool: ErrorSpool = field(default_factory=ErrorSpool, repr=False, compare=False)

    @property
    def ok(self) -> bool:
        return self.bad_rows == 0

    def add(self, error: RowError) -> None:
        self.error_count += 1
        if len(self.errors) < SHOWN:
            self.errors.append(error)
        self._spool.add(error.line, error.column, error.reason)

    def every_error(self) -> Iterator[RowError]:
        """Every error, in file order (a row's own errors before any found against the database: those are
        looked for only when every row is good on its own)."""
        for line, column, reason in self._spool.rows():
            yield RowError(int(line), column, reason)

    def write_errors(self, path: Path) -> None:
        """Every error to a CSV file at `path`: line, column, reason."""
        self._spool.write_csv(path, ("line", "column", "reason"))

    def close(self) -> None:
        self._spool.close()


@dataclass
class _Seen:
    """What pass one remembers per key (not per row): enough to check the file against itself."""

    references: dict[str, tuple[int, int, int]] = field(default_factory=dict)  # -> (line, digest, ordinal)
    numbers: dict[str, int] = field(default_factory=dict)  # E.164 -> line


def count_rows(path: Path) -> int:
    """Approximate data rows (physical lines less the header), for a progress bar's total."""
    with path.open("rb") as handle:
        return max(0, sum(block.count(b"\n") for block in iter(lambda: handle.read(1 << 20), b"")) - 1)


class _Rejected(Exception):
    def __init__(self, errors: list[RowError]) -> None:
        super().__init__(errors)
        self.errors = errors


def _column(location: tuple[object, ...]) -> str:
    dotted = ".".join(str(part) for part in location)
    return {"lines.0.number": "line_number", "lines.0.service": "line_service"}.get(dotted, dotted)


def _validate_row(number: int, row: dict[str, str]) -> SubscriberCreate:
    data: dict[str, object] = {name: (row.get(name) or "") for name in SUBSCRIBER_FIELDS}
    line_number, line_service = (row.get("line_number") or "").strip(), (row.get("line_service") or "").strip()
    if line_number or line_service:
        if not line_number:
            raise _Rejected([RowError(number, "line_number", "required when line_service is given")])
        data["lines"] = [{"number": line_number, "service": line_service}]
    try:
        return SubscriberCreate.model_validate(data)
    except ValidationError as error:
        raise _Rejected([RowError(number, _column(e["loc"]), str(e["msg"])) for e in error.errors()]) from error


def _digest(subscriber: SubscriberCreate) -> int:
    values = "\x1f".join(str(getattr(subscriber, name)) for name in SUBSCRIBER_FIELDS)
    return int.from_bytes(hashlib.blake2b(values.encode("utf-8"), digest_size=8).digest(), "big")


def _check_against_file(number: int, subscriber: SubscriberCreate, seen: _Seen) -> list[RowError]:
    errors = []
    digest = _digest(subscriber)
    first = seen.references.setdefault(subscriber.account_reference, (number, digest, len(seen.references)))
    if first[0] != number and first[1] != digest:
        errors.append(
            RowError(
                number,
                "account_reference",
                f"the subscriber columns differ from line {first[0]} with the same reference",
            )
        )
    for line in subscriber.lines:
        earlier = seen.numbers.setdefault(line.number, number)
        if earlier != number:
            errors.append(RowError(number, "line_number", f"the same number is on line {earlier}"))
    return errors


def _header_errors(fieldnames: list[str] | None) -> list[RowError]:
    names = [name.strip() for name in fieldnames or []]
    missing = [name for name in REQUIRED_COLUMNS if name not in names]
    unknown = [name for name in names if name not in COLUMNS]
    errors = []
    if missing:
        errors.append(RowError(1, "header", f"missing columns: {', '.join(missing)}"))
    if unknown:
        errors.append(RowError(1, "header", f"unknown columns: {', '.join(unknown)} (known: {', '.join(COLUMNS)})"))
    return errors


class _NotText(Exception):
    def __init__(self, line: int) -> None:
        super().__init__(line)
        self.line = line


def _decoded(handle: IO[bytes]) -> Iterator[str]:
    """Decode line by line, so a byte that is not UTF-8 is reported on its own line."""
    for number, raw in enumerate(handle, start=1):
        try:
            text = raw.decode("utf-8")
        except UnicodeDecodeError as error:
            raise _NotText(number) from error
        yield text.removeprefix("\ufeff") if number == 1 else text


def _rows(lines: Iterator[str]) -> Iterator[tuple[int, dict[str, str] | None, list[RowError]]]:
    """(line number, row or None, header or shape errors) for each data row."""
    reader = csv.DictReader(lines, restkey="\x00extra")
    try:
        names = reader.fieldnames  # reads the header row, which can itself be unreadable (a bare carriage return)
    except csv.Error as error:
        yield 1, None, [RowError(1, "file", f"not readable as CSV ({error})")]
        return
    header = _header_errors(names)
    if header:
        yield 1, None, header
        return
    reader.fieldnames = [name.strip() for name in reader.fieldnames or []]
    start = reader.line_num + 1
    while True:
        try:
            row = next(reader)
        except StopIteration:
            return
        except csv.Error as error:  # e.g. a field over the size limit: on the row being read, not the last one
            yield start, None, [RowError(start, "file", f"not readable as CSV ({error})")]
            return
        if "\x00extra" in row or None in row.values():
            yield start, None, [RowError(start, "row", f"expected {len(reader.fieldnames)} columns")]
        else:
            yield start, row, []
        start = reader.line_num + 1


def _add_errors(report: ImportReport, errors: list[RowError]) -> None:
    report.bad_rows += 1
    for error in errors:
        report.add(error)


def _spool_row(spool: Any, number: int, subscriber: SubscriberCreate, seen: _Seen) -> None:
    """Keep the normalised row for pass two: (ordinal, first?, subscriber columns, number, service)."""
    first_line, _digest_value, ordinal = seen.references[subscriber.account_reference]
    line = subscriber.lines[0] if subscriber.lines else None
    values = [getattr(subscriber, name) for name in SUBSCRIBER_FIELDS] if first_line == number else [""] * 6
    spool.writerow(
        [ordinal, int(first_line == number), *values, line.number if line else "", line.service.value if line else ""]
    )


def _validate_into(path: Path, spool: IO[str], report: ImportReport, progress: Progress | None) -> _Seen:
    """Pass one: check every row and the file against itself; spool the normalised rows."""
    seen, writer, line = _Seen(), csv.writer(spool), 1
    try:
        with path.open("rb") as handle:
            for line, row, errors in _rows(_decoded(handle)):
                report.rows += line > 1  # every data row read, good or bad; line 1 is the header
                if row is not None:
                    errors = _check_row(line, row, seen, writer, report)
                if errors:
                    _add_errors(report, errors)
                if progress:
                    progress("validating", 1)
    except _NotText as error:
        report.rows += error.line > 1
        _add_errors(report, [RowError(error.line, "file", "not UTF-8 text")])
    return seen


def _check_row(line: int, row: dict[str, str], seen: _Seen, writer: Any, report: ImportReport) -> list[RowError]:
    try:
        subscriber = _validate_row(line, row)
    except _Rejected as rejected:
        return rejected.errors
    errors = _check_against_file(line, subscriber, seen)
    if not errors and report.ok:
        _spool_row(writer, line, subscriber, seen)
    return errors


def _chunks(keys: list[str]) -> Iterator[list[str]]:
    for start in range(0, len(keys), LOOKUP_CHUNK):
        yield keys[start : start + LOOKUP_CHUNK]


def _check_database(session: Session, seen: _Seen, report: ImportReport) -> None:
    """Account references and numbers that already exist are bad rows: the import only creates."""
    errors: list[RowError] = []
    for chunk in _chunks(list(seen.references)):
        statement = select(Subscriber.account_reference, Subscriber.id).where(Subscriber.account_reference.in_(chunk))
        for reference, subscriber_id in session.exec(statement):
            errors.append(
                RowError(
                    seen.references[reference][0],
                    "account_reference",
                    f"already exists (subscriber {subscriber_id}); the import only creates",
                )
            )
    for chunk in _chunks(list(seen.numbers)):
        statement = select(Line.number, Line.subscriber_id).where(Line.number.in_(chunk))
        for number, subscriber_id in session.exec(statement):
            errors.append(
                RowError(seen.numbers[number], "line_number", f"already a line of subscriber {subscriber_id}")
            )
    by_line: dict[int, list[RowError]] = {}
    for error in errors:
        by_line.setdefault(error.line, []).append(error)
    for line in sorted(by_line):
        _add_errors(report, by_line[line])


def _write(
    session: Session, spool: IO[str], now: datetime, progress: Progress | None, batch_size: int
) -> SubscriberWriter:
    """Pass two: the spooled rows, set-based, in batches, in the caller's transaction."""
    writer = SubscriberWriter(session, now, batch_size)
    base = writer.next_subscriber_id
    for ordinal, first, kind, name, address, email, phone, reference, number, service in csv.reader(spool):
        if first == "1":
            writer.add_subscriber(
                kind=kind, name=name, address=address, email=email, phone=phone, account_reference=reference
            )
        if number:
            writer.add_line(subscriber_id=base + int(ordinal), number=number, service=service)
        if progress:
            progress("writing", 1)
    writer.finish()
    return writer


def import_file(
    session: Session,
    *,
    actor: Actor,
    now: datetime,
    path: Path,
    progress: Progress | None = None,
    batch_size: int = BATCH_SIZE,
) -> ImportReport:
    """Validate every row, then (only if all are good) write them all; the caller commits."""
    report = ImportReport(file_name=path.name, sha256=file_sha256(path))
    with tempfile.TemporaryFile("w+", newline="", encoding="utf-8") as spool:
        seen = _validate_into(path, spool, report, progress)
        if report.ok:
            _check_database(session, seen, report)
        if not report.ok:
            return report
        del seen
        spool.seek(0)
        written = _write(session, spool, now, progress, batch_size).written
    report.subscribers, report.lines, report.batches = written.subscribers, written.lines, written.batches
    audit.record(
        session,
        actor=actor,
        action="subscribers.imported",
        entity_type="subscriber_import",
        entity_id=report.sha256,
        now=now,
        after={
            "file": report.file_name,
            "sha256": report.sha256,
            "rows": report.rows,
            "subscribers": report.subscribers,
            "lines": report.lines,
        },
    )
    return report
