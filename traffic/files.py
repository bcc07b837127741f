"""Reading an import file line by line: CSV (a header row, then one record a row) or NDJSON (one JSON
object a line), told apart by the name (.csv; .ndjson, .jsonl or .json) — never loaded whole."""

from __future__ import annotations

import csv
import hashlib
import io
import json
from collections.abc import Iterable, Iterator
from itertools import islice
from pathlib import Path
from typing import Any

BAD = object()  # stands for a line that is not JSON, with its reason beside it


def count_lines(path: Path) -> int:
    with path.open("rb") as handle:
        return sum(chunk.count(b"\n") for chunk in iter(lambda: handle.read(1 << 20), b""))


def sha256_of(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        for chunk in iter(lambda: handle.read(1 << 20), b""):
            digest.update(chunk)
    return digest.hexdigest()


def is_csv(name: str) -> bool:
    return name.lower().endswith(".csv")


def ndjson_rows(lines: Iterable[str]) -> Iterator[tuple[int, Any, str | None]]:
    """(line number, object, None) or (line number, BAD, reason); blank lines are skipped."""
    for number, text in enumerate(lines, start=1):
        if not text.strip():
            continue
        try:
            yield number, json.loads(text), None
        except ValueError as error:
            yield number, BAD, f"line: not JSON ({error.msg})"


def csv_rows(lines: Iterable[str]) -> Iterator[tuple[int, Any, str | None]]:
    reader = csv.reader(lines)
    header = next(reader, None)
    if header is None:
        return
    names = [name.strip() for name in header]
    width = len(names)
    for row in reader:
        number = reader.line_num
        if not row or row == [""]:
            continue
        if len(row) != width:
            yield number, BAD, f"line: {len(row)} columns where the header has {width}"
            continue
        yield number, dict(zip(names, row, strict=True)), None


def csv_blocks(lines: Iterable[str], size: int) -> Iterator[tuple[list[str], list[int], list[list[str]], str | None]]:
    """The rows of a CSV file as blocks of up to `size` rows of the header's width: (header, line numbers,
    rows, None); a row of another width as ([], [its number], [], reason), after the rows before it.

    A block is read whole (`islice`). When every row has the header's width and each took one line (the
    reader moved on by as many lines as rows), the numbers simply follow on: no step per row."""
    reader = csv.reader(lines)
    header = next(reader, None)
    if header is None:
        return
    names = [name.strip() for name in header]
    width = len(names)
    while True:
        before = reader.line_num
        rows = list(islice(reader, size))
        if not rows:
            return
        if reader.line_num - before == len(rows) and width > 1 and set(map(len, rows)) == {width}:
            yield names, list(range(before + 1, reader.line_num + 1)), rows, None
        else:
            yield from _one_by_one(names, rows, _numbers(rows, before))


def _numbers(rows: list[list[str]], before: int) -> list[int]:
    """Each row's number as the csv module gives it (the line it ends on): a quoted cell holding line
    breaks (\n, \r or \r\n, as the file is read with newline="") moves the next rows down."""
    numbers, line = [], before
    for row in rows:
        text = "".join(row)
        line += 1 + text.count("\n") + text.count("\r") - text.count("\r\n")
        numbers.append(line)
    return numbers


def _one_by_one(
    names: list[str], rows: list[list[str]], numbers: list[int]
) -> Iterator[tuple[list[str], list[int], list[list[str]], str | None]]:
    """A block with blank lines or rows of another width: as `csv_rows` reads it, row by row."""
    width = len(names)
    good_numbers: list[int] = []
    good: list[list[str]] = []
    for number, row in zip(numbers, rows, strict=True):
        if len(row) == width and (width > 1 or row != [""]):
            good_numbers.append(number)
            good.append(row)
        elif row and row != [""]:  # blank lines are skipped, as csv_rows skips them
            if good:
                yield names, good_numbers, good, None
                good_numbers, good = [], []
            yield [], [number], [], f"line: {len(row)} columns where the header has {width}"
    if good:
        yield names, good_numbers, good, None


def rows_of(path: Path) -> Iterator[tuple[int, Any, str | None]]:
    with path.open(encoding="utf-8", newline="") as handle:
        yield from (csv_rows(handle) if is_csv(path.name) else ndjson_rows(handle))


def rows_of_text(body: str, *, csv_format: bool = False) -> Iterator[tuple[int, Any, str | None]]:
    stream = io.StringIO(body, newline="")
    return csv_rows(stream) if csv_format else ndjson_rows(stream)
