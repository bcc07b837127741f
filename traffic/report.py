"""What an import of traffic and location records reports: counts, and every bad line with its reason.

Every bad line is reported, however many (issue: reports used to stop at 1,000). Memory stays bounded:
the first `SHOWN` bad lines are kept in memory for a console to show, and every one goes to a spool that
is kept in memory up to `SPOOL_MEMORY_BYTES` and on disk beyond (a temporary file, deleted when the report
is closed or dropped); `every_error()` reads them back in file order.
"""

from __future__ import annotations

import csv
import tempfile
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import IO, Any

SHOWN = 1000
SPOOL_MEMORY_BYTES = 1024 * 1024


def split_reason(reason: str) -> tuple[str, str]:
    """'kind: must be one of ...' -> ('kind', 'must be one of ...'): every reason names its field first."""
    name, separator, words = reason.partition(": ")
    return (name, words) if separator else ("line", reason)


@dataclass
class IngestReport:
    lines: int = 0
    written: int = 0
    already_stored: int = 0
    bad_lines: int = 0
    errors: list[tuple[int, str]] = field(default_factory=list)  # the first SHOWN bad lines
    _spool: IO[str] | None = field(default=None, repr=False, compare=False)
    _writer: Any = field(default=None, repr=False, compare=False)

    def bad(self, line_no: int, reason: str) -> None:
        self.bad_lines += 1
        if len(self.errors) < SHOWN:
            self.errors.append((line_no, reason))
        if self._spool is None:
            # closed by close(), or when the report is dropped; on disk only past SPOOL_MEMORY_BYTES
            self._spool = tempfile.SpooledTemporaryFile(
                max_size=SPOOL_MEMORY_BYTES, mode="w+", encoding="utf-8", newline=""
            )
            self._writer = csv.writer(self._spool)
        self._writer.writerow((line_no, reason))

    def every_error(self) -> Iterator[tuple[int, str]]:
        """Every bad line, (line number, 'field: reason'), in the order they were found."""
        if self._spool is None:
            return
        self._spool.flush()
        self._spool.seek(0)
        for line_no, reason in csv.reader(self._spool):
            yield int(line_no), reason
        self._spool.seek(0, 2)  # later bad lines are appended after the rest

    def close(self) -> None:
        if self._spool is not None:
            self._spool.close()
            self._spool = self._writer = None
