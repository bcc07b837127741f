"""Every bad line of an import, however many, read back in the order found, with memory bounded.

Shared by the subscriber import (`provider.subscribers.bulk`) and the traffic import (`traffic.report`):
reports used to stop at 1,000 errors, which left an operator fixing a large file blind past that line.
The rows go to a spool kept in memory up to `SPOOL_MEMORY_BYTES` and on disk beyond (a temporary file,
deleted when the spool is closed or dropped), and are read back as CSV rows of text.
"""

from __future__ import annotations

import csv
import tempfile
from collections.abc import Iterator, Sequence
from pathlib import Path
from typing import IO, Any

SPOOL_MEMORY_BYTES = 1024 * 1024


class ErrorSpool:
    def __init__(self) -> None:
        self._file: IO[str] | None = None
        self._writer: Any = None

    def add(self, *fields: object) -> None:
        if self._file is None:
            self._file = tempfile.SpooledTemporaryFile(
                max_size=SPOOL_MEMORY_BYTES, mode="w+", encoding="utf-8", newline=""
            )
            self._writer = csv.writer(self._file)
        self._writer.writerow(fields)

    def rows(self) -> Iterator[list[str]]:
        """Every row added, as text, in the order added; more may be added after a read."""
        if self._file is None:
            return
        self._file.flush()
        self._file.seek(0)
        yield from csv.reader(self._file)
        self._file.seek(0, 2)  # later rows are appended after the rest

    def write_csv(self, path: Path, header: Sequence[str], rows: Iterator[Sequence[object]] | None = None) -> None:
        """Write `header` and every row (or `rows`, made from them) to a CSV file at `path`."""
        with path.open("w", encoding="utf-8", newline="") as handle:
            writer = csv.writer(handle)
            writer.writerow(header)
            writer.writerows(self.rows() if rows is None else rows)

    def close(self) -> None:
        if self._file is not None:
            self._file.close()
            self._file = self._writer = None
