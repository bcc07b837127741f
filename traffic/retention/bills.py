"""Bill statuses from a CSV file (`pecr traffic import-bills FILE.csv`): header bill_ref,status and optional
issued_at, resolved_at. Each row is checked as the API checks a PUT; bad rows are reported with their line
number and not applied, good rows are applied in one transaction, each moving its records set-based."""

from __future__ import annotations

import csv
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path

from pydantic import ValidationError
from sqlmodel import Session

from provider.security.actor import Actor
from traffic import rules
from traffic.parsing import REFERENCE
from traffic.retention import service
from traffic.retention.models import BillUpdate


@dataclass
class BillsReport:
    rows: int = 0
    applied: int = 0
    records_updated: int = 0
    errors: list[tuple[int, str]] = field(default_factory=list)


def _check(row: dict[str, str]) -> tuple[str, BillUpdate]:
    bill_ref = (row.get("bill_ref") or "").strip()
    if not REFERENCE.match(bill_ref):
        raise ValueError("bill_ref: use at most 64 letters, digits and . _ : / -")
    values = {key: (row.get(key) or "").strip() or None for key in ("status", "issued_at", "resolved_at")}
    try:
        return bill_ref, BillUpdate.model_validate(values)
    except ValidationError as error:
        first = error.errors()[0]
        raise ValueError(f"{first['loc'][0]}: {first['msg']}") from None


def import_bills(
    session: Session, *, path: Path, actor: Actor, now: datetime, policy: rules.RetentionPolicy
) -> BillsReport:
    report = BillsReport()
    with path.open(encoding="utf-8", newline="") as handle:
        reader = csv.DictReader(handle)
        for row in reader:
            report.rows += 1
            try:
                bill_ref, data = _check(row)
            except ValueError as error:
                report.errors.append((reader.line_num, str(error)))
                continue
            _bill, moved, _until = service.set_bill_status(
                session, bill_ref=bill_ref, data=data, actor=actor, now=now, policy=policy
            )
            report.applied += 1
            report.records_updated += moved
    return report
