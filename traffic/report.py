"""What an import of traffic and location records reports: counts, and every bad line with its reason.

Every bad line is reported, however many (issue: reports used to stop at 1,000). Memory stays bounded:
the first `SHOWN` bad lines are kept in memory for a console to show, and every one goes to a spool
(`provider.error_spool`: in memory up to a megabyte, on disk beyond); `every_error()` reads them back in
file order.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

from provider.error_spool import ErrorSpool

SHOWN = 1000


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
    _spool: ErrorSpool = field(default_factory=ErrorSpool, repr=False, compare=False)

    def bad(self, line_no: int, reason: str) -> None:
        self.bad_lines += 1
        if len(self.errors) < SHOWN:
            self.errors.append((line_no, reason))
        self._spool.add(line_no, reason)

    def every_error(self) -> Iterator[tuple[int, str]]:
        """Every bad line, (line number, 'field: reason'), in the order they were found."""
        for line_no, reason in self._spool.rows():
            yield int(line_no), reason

    def write_errors(self, path: Path) -> None:
        """Every bad line to a CSV file at `path`: line, field, reason."""
        every = ((line_no, *split_reason(reason)) for line_no, reason in self.every_error())
        self._spool.write_csv(path, ("line", "field", "reason"), every)

    def close(self) -> None:
        self._spool.close()
