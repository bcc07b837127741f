"""What an import of traffic and location records reports: counts, and the bad lines with their reasons."""

from __future__ import annotations

from dataclasses import dataclass, field

MAX_REPORTED = 1000


@dataclass
class IngestReport:
    lines: int = 0
    written: int = 0
    already_stored: int = 0
    bad_lines: int = 0
    errors: list[tuple[int, str]] = field(default_factory=list)

    def bad(self, line_no: int, reason: str) -> None:
        self.bad_lines += 1
        if len(self.errors) < MAX_REPORTED:
            self.errors.append((line_no, reason))
