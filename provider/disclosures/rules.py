"""The register's rules: pure functions, no I/O."""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable
from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from provider.disclosures.models import Decision, LegalBasis
from provider.errors import FieldError

DISCLOSING = (Decision.disclosed, Decision.partly_disclosed)


def received_errors(received_at: datetime, now: datetime) -> list[FieldError]:
    return [FieldError("received_at", "cannot be in the future")] if received_at > now else []


def decision_errors(
    decision: Decision, *, received_at: datetime, decided_at: datetime, now: datetime
) -> list[FieldError]:
    errors = []
    if decision is Decision.pending:
        errors.append(FieldError("decision", "choose disclosed, partly disclosed or refused"))
    if decided_at > now:
        errors.append(FieldError("decided_at", "cannot be in the future"))
    elif decided_at < received_at:
        errors.append(FieldError("decided_at", "cannot be before the request was received"))
    return errors


def disclosure_errors(
    decision: Decision, *, decided_at: datetime | None, disclosed_at: datetime, now: datetime
) -> list[FieldError]:
    if decision not in DISCLOSING:
        return [FieldError("summary", "record a decision to disclose before recording a disclosure")]
    if disclosed_at > now:
        return [FieldError("disclosed_at", "cannot be in the future")]
    if decided_at is not None and disclosed_at < decided_at:
        return [FieldError("disclosed_at", "cannot be before the decision to disclose")]
    return []


def period_bounds(date_from: date, date_to: date, zone: ZoneInfo) -> tuple[datetime, datetime]:
    """UTC instants of the first local midnight and of the midnight after the last day (inclusive days)."""
    start = datetime.combine(date_from, time(), tzinfo=zone).astimezone(UTC)
    end = datetime.combine(date_to + timedelta(days=1), time(), tzinfo=zone).astimezone(UTC)
    return start, end


def period_errors(date_from: date, date_to: date) -> list[FieldError]:
    if date_to < date_from:
        return [FieldError("date_to", "must not be before the first day")]
    if not (date(2000, 1, 1) <= date_from and date_to <= date(2199, 12, 30)):
        return [FieldError("date_from", "a report covers days from 2000 to 2199")]
    return []


def counts(requests: Iterable[tuple[LegalBasis, Decision]]) -> tuple[list[tuple[str, int]], list[tuple[str, int]]]:
    """(by legal basis, by decision), each in the enum's order, every member listed (zero included):
    the ICO asks for the legal justifications and the responses, and a zero is an answer too."""
    rows = list(requests)
    bases, decisions = Counter(basis for basis, _ in rows), Counter(decision for _, decision in rows)
    return (
        [(basis.value, bases[basis]) for basis in LegalBasis],
        [(decision.value, decisions[decision]) for decision in Decision],
    )
