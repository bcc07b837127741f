"""Importing Ofcom's numbering allocation data and the Do Not Originate list (`pecr numbering import`).

The file format (CSV, UTF-8, a header row; documented in README "Numbering data"):

    prefix,status                        or    start,end,status
    01632960,allocated                         01632960000,01632960999,allocated
    01632961,free                              +441632961000,+441632961999,unallocated

Numbers and prefixes are UK numbers in national form (0…) or E.164 (+44…). `status` is `allocated`
(Ofcom's "Allocated" too) or anything Ofcom calls a block that is not in use ("free", "unallocated",
"protected", "reserved", "quarantined", "withdrawn"); in a DNO list `status` may be left out (every row
is a number or prefix that must never be presented; a `number` column is accepted as the prefix). A
range becomes the fewest prefixes covering it (01632960000–01632960999 is "01632960"). An import
replaces the whole list, all or nothing: bad rows are listed as `line N: column: reason`.
"""

from __future__ import annotations

import csv
import hashlib
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

from sqlalchemy import delete
from sqlmodel import Session

from provider.db.bulk import insert_rows
from provider.errors import FieldError, Invalid
from provider.line_identification import cache
from provider.line_identification.models import NumberingImport, NumberingList, NumberingRange
from provider.security import audit
from provider.security.actor import Actor

ALLOCATED = {"allocated", "allocated(closed range)", "in use"}
NOT_IN_USE = {"free", "unallocated", "protected", "reserved", "quarantined", "withdrawn", "spare"}
MAX_PROBLEMS = 50


@dataclass(frozen=True)
class Parsed:
    prefixes: dict[str, bool]
    problems: list[str]
    rows: int


def national_digits(text: str) -> str | None:
    """'01632 960', '+441632960' -> '01632960'; None when it is not a UK number or prefix."""
    text = text.strip().replace(" ", "")
    if text.startswith("+44"):
        text = "0" + text[3:]
    elif text.startswith("0044"):
        text = "0" + text[4:]
    if not text.startswith("0") or not text.isdigit() or not text.isascii() or len(text) > 11:
        return None
    return text


def range_prefixes(start: str, end: str) -> list[str]:
    """The fewest prefixes covering every number from `start` to `end` (same length, start <= end)."""
    length = len(start)
    low, high = int(start), int(end)
    found = []
    while low <= high:
        size = 0
        while size < length - 1 and low % 10 ** (size + 1) == 0 and low + 10 ** (size + 1) - 1 <= high:
            size += 1
        found.append(str(low).zfill(length)[: length - size])
        low += 10**size
    return found


def _status(text: str | None, kind: NumberingList) -> bool | None:
    if kind is NumberingList.dno and not (text or "").strip():
        return True
    lowered = (text or "").strip().lower()
    if lowered in ALLOCATED:
        return True
    if lowered in NOT_IN_USE:
        return False
    return None


def _row_prefixes(row: dict[str, str], number: int) -> tuple[list[str], str | None]:
    if row.get("start") or row.get("end"):
        start, end = national_digits(row.get("start") or ""), national_digits(row.get("end") or "")
        if start is None or end is None:
            return [], f"line {number}: start/end: not a UK number in national or +44 form"
        if len(start) != len(end) or start > end:
            return [], f"line {number}: end: must have as many digits as start and not come before it"
        return range_prefixes(start, end), None
    prefix = national_digits(row.get("prefix") or row.get("number") or "")
    if prefix is None:
        return [], f"line {number}: prefix: not a UK number or prefix in national or +44 form"
    return [prefix], None


def parse(lines: Iterable[str], kind: NumberingList) -> Parsed:
    reader = csv.DictReader(lines)
    fields = {name.strip().lower() for name in reader.fieldnames or []}
    if not ({"prefix"} <= fields or {"number"} <= fields or {"start", "end"} <= fields):
        return Parsed({}, ["line 1: header: needs a prefix (or number) column, or start and end columns"], 0)
    prefixes: dict[str, bool] = {}
    problems: list[str] = []
    count = 0
    for number, raw in enumerate(reader, start=2):
        count += 1
        row = {str(key).strip().lower(): (value or "") for key, value in raw.items() if key is not None}
        found, problem = _row_prefixes(row, number)
        status = _status(row.get("status"), kind)
        if status is None and problem is None:
            problem = f"line {number}: status: {row.get('status')!r} is neither allocated nor a not-in-use status"
        if problem is not None:
            if len(problems) < MAX_PROBLEMS:
                problems.append(problem)
            continue
        for prefix in found:
            prefixes[prefix] = bool(status)
    return Parsed(prefixes, problems, count)


def _rows(kind: NumberingList, prefixes: dict[str, bool]) -> Iterator[dict]:
    for prefix, allocated in prefixes.items():
        yield {"list": kind, "prefix": prefix, "allocated": allocated}


def import_file(session: Session, *, actor: Actor, now: datetime, kind: NumberingList, path: Path) -> NumberingImport:
    """Replace the list with the file's contents, or raise Invalid listing the bad rows (nothing written)."""
    content = path.read_bytes()
    text = content.decode("utf-8-sig")
    parsed = parse(text.splitlines(), kind)
    if parsed.problems:
        raise Invalid(
            f"{len(parsed.problems)} bad rows in {path.name}",
            errors=[FieldError("file", problem) for problem in parsed.problems],
        )
    session.execute(delete(NumberingRange).where(NumberingRange.list == kind))
    written = insert_rows(session, NumberingRange.__table__, _rows(kind, parsed.prefixes))
    record = NumberingImport(
        list=kind,
        filename=path.name[:300],
        sha256=hashlib.sha256(content).hexdigest(),
        rows=parsed.rows,
        imported_by=actor.name,
        imported_at=now,
    )
    session.add(record)
    session.flush()
    audit.record(
        session,
        actor=actor,
        action="line_identification.numbering_import",
        entity_type="numbering_import",
        entity_id=record.id,
        now=now,
        after={"list": kind, "filename": record.filename, "rows": parsed.rows, "prefixes": written},
    )
    cache.bump(session, now)
    return record
