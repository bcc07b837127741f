"""Retention of traffic and location data as pure functions (rules.md §3, §4, §9): values and a `now` in,
a retention class and a `retain_until` out.

- transmission: erased as soon as it is no longer needed to convey the communication — `transmission_hours`
  after it ended; one not yet ended is kept `open_session_days` from its start (the network re-sends it
  ended, with the same source id's day, and the ended copy is the one billing sees).
- billing: `billing_months` after the bill (after the communication while no bill is known); a bill unpaid
  or disputed keeps it to the six-year limitation, and a resolved one `appeal_days` after resolution;
  never beyond `limitation_years` from the communication (the outer bound).
- consented: `consented_days` after the communication, for a marketing or value-added service the person
  consented to, while a consent stands (checked at ingest); withdrawal ends it at once
  (`traffic.consented`).
- held: a retention hold covering the record when it arrives keeps it until the hold ends; an IPA notice
  never beyond 12 months from the communication. Released early, the record gets its own class back
  (`traffic.retention.recompute`); a bill that now outlasts the hold makes it billing again.
- emergency_alert (reg 16A): 7 days after the alert period ends, 48 hours for a test alert.
"""

from __future__ import annotations

import calendar
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta

from traffic.models import BillStatus, HoldBasis, RetentionClass

IPA_MAX_MONTHS = 12
ALERT_DAYS = 7
TEST_ALERT_HOURS = 48


@dataclass(frozen=True)
class RetentionPolicy:
    transmission_hours: int = 24
    open_session_days: int = 7
    billing_months: int = 12
    appeal_days: int = 28
    limitation_years: int = 6
    consented_days: int = 90


@dataclass(frozen=True)
class BillState:
    status: BillStatus
    issued_at: datetime | None = None
    resolved_at: datetime | None = None


@dataclass(frozen=True)
class HoldScope:
    """What a hold covers, for deciding at ingest (the sweep asks the same question in SQL)."""

    basis: HoldBasis
    ends_at: datetime
    subscriber_id: int | None = None
    line_id: int | None = None
    date_from: date | None = None
    date_to: date | None = None
    starts_at: datetime | None = None
    released_at: datetime | None = None

    def covers(self, *, subscriber_id: int, line_id: int, day: date, now: datetime) -> bool:
        if self.released_at is not None or now >= self.ends_at:
            return False
        if self.starts_at is not None and now < self.starts_at:
            return False
        if self.subscriber_id is not None and self.subscriber_id != subscriber_id:
            return False
        if self.line_id is not None and self.line_id != line_id:
            return False
        if self.date_from is not None and day < self.date_from:
            return False
        return self.date_to is None or day <= self.date_to

    def keeps_until(self, communication_at: datetime) -> datetime:
        if self.basis is HoldBasis.ipa_retention_notice:
            return min(self.ends_at, add_months(communication_at, IPA_MAX_MONTHS))
        return self.ends_at


def add_months(moment: datetime, months: int) -> datetime:
    """The same day and time `months` later, the day clipped to the month's last (31 Jan + 1 = 28/29 Feb)."""
    month_index = moment.month - 1 + months
    year, month = moment.year + month_index // 12, month_index % 12 + 1
    if moment.day <= 28:  # every month has the day: the common case, kept fast
        return moment.replace(year=year, month=month)
    return moment.replace(year=year, month=month, day=min(moment.day, calendar.monthrange(year, month)[1]))


def limitation_end(communication_at: datetime, policy: RetentionPolicy) -> datetime:
    return add_months(communication_at, 12 * policy.limitation_years)


def billing_until(communication_at: datetime, bill: BillState | None, policy: RetentionPolicy) -> datetime:
    """How long a billed communication may be kept, given what is known of its bill."""
    if bill is None and policy.billing_months <= 12 * policy.limitation_years:
        # no bill yet, and the months after the communication end before the outer bound: adding months is
        # monotonic (a clipped day stays in its month), so the minimum below would be this
        return add_months(communication_at, policy.billing_months)
    outer = limitation_end(communication_at, policy)
    if bill is None or bill.issued_at is None:
        base = add_months(communication_at, policy.billing_months)
    else:
        base = add_months(bill.issued_at, policy.billing_months)
    if bill is not None and bill.status in (BillStatus.unpaid, BillStatus.disputed):
        return outer  # until resolution plus the appeal window, which a later status sets
    if bill is not None and bill.status is BillStatus.resolved and bill.resolved_at is not None:
        base = max(base, bill.resolved_at + timedelta(days=policy.appeal_days))
    return min(base, outer)


def transmission_until(start_at: datetime, end_at: datetime | None, ended: bool, policy: RetentionPolicy) -> datetime:
    if not ended:
        return start_at + timedelta(days=policy.open_session_days)
    return (end_at or start_at) + timedelta(hours=policy.transmission_hours)


def alert_until(period_end: datetime, test: bool) -> datetime:
    return period_end + (timedelta(hours=TEST_ALERT_HOURS) if test else timedelta(days=ALERT_DAYS))


@dataclass(frozen=True)
class Retention:
    retention_class: RetentionClass
    retain_until: datetime


def _held(base: Retention, start_at: datetime, holds: Iterable[HoldScope]) -> Retention:
    if not holds:
        return base
    longest = max((hold.keeps_until(start_at) for hold in holds), default=None)
    if longest is None or longest <= base.retain_until:
        return base
    return Retention(RetentionClass.held, longest)


def traffic_retention(
    *,
    start_at: datetime,
    end_at: datetime | None,
    ended: bool,
    bill_ref: str | None,
    consented_service: str | None,
    bill: BillState | None,
    holds: Iterable[HoldScope],
    policy: RetentionPolicy,
) -> Retention:
    """The class and retain-until of a traffic record at ingest; `holds` are those covering it now."""
    retention_class, until = traffic_base(start_at, end_at, ended, bill_ref, consented_service, bill, policy)
    return _held(Retention(retention_class, until), start_at, holds)


def traffic_base(
    start_at: datetime,
    end_at: datetime | None,
    ended: bool,
    bill_ref: str | None,
    consented_service: str | None,
    bill: BillState | None,
    policy: RetentionPolicy,
) -> tuple[RetentionClass, datetime]:
    """`traffic_retention` before holds, as a plain pair: what a bulk import with no hold in force asks per row."""
    if bill_ref:
        return RetentionClass.billing, billing_until(start_at, bill, policy)
    if consented_service:
        return RetentionClass.consented, start_at + timedelta(days=policy.consented_days)
    return RetentionClass.transmission, transmission_until(start_at, end_at, ended, policy)


def location_retention(
    *,
    observed_at: datetime,
    consented_service: str | None,
    alert: tuple[datetime, bool] | None,
    holds: Iterable[HoldScope],
    policy: RetentionPolicy,
) -> Retention:
    """A location record: an alert's (period end, test) wins; else consented or transmission only."""
    if alert is not None:
        # reg 16A is a duty to erase: no hold extends it here (a hold would be a conflicting enactment,
        # which the issuing body names in its own order).
        return Retention(RetentionClass.emergency_alert, alert_until(*alert))
    if consented_service:
        base = Retention(RetentionClass.consented, observed_at + timedelta(days=policy.consented_days))
    else:
        base = Retention(RetentionClass.transmission, observed_at + timedelta(hours=policy.transmission_hours))
    return _held(base, observed_at, holds)


def hold_refusal(
    *, basis: HoldBasis, date_from: date | None, date_to: date | None, starts_at: datetime, ends_at: datetime
) -> tuple[str, str] | None:
    """(field, why) a hold cannot be recorded as asked, or None. An IPA retention notice may require keeping data
    at most 12 months from the communication, so it must name the communications' dates and end no
    later than 12 months after the earliest of them."""
    if ends_at <= starts_at:
        return "ends_at", "the hold must end after it starts"
    if date_from and date_to and date_to < date_from:
        return "date_to", "the date range ends before it starts"
    if basis is HoldBasis.ipa_retention_notice:
        if date_from is None:
            return "date_from", "an IPA retention notice must name the dates of the communications it covers"
        earliest = datetime(date_from.year, date_from.month, date_from.day, tzinfo=UTC)
        if ends_at > add_months(earliest, IPA_MAX_MONTHS):
            return "ends_at", "an IPA retention notice may keep data at most 12 months from the communication"
    return None


def utc_day(moment: datetime) -> date:
    return moment.astimezone(UTC).date()


def retention_columns(
    holds: list[HoldScope],
    bills: dict[str, BillState | None],
    policy: RetentionPolicy,
    now: datetime,
    columns: tuple[list, ...],
) -> tuple[list[str], list[datetime]]:
    """`traffic_retention` of each row of an import's columns (start, end, ended, bill ref, consented service,
    day, line, subscriber), with the holds covering that row now; with no hold in force, none is tested."""
    classes, untils = [], []
    for start, end, ended, ref, service, day, line_id, subscriber_id in zip(*columns, strict=True):
        bill = bills.get(ref) if ref else None
        if holds:
            covering = [h for h in holds if h.covers(subscriber_id=subscriber_id, line_id=line_id, day=day, now=now)]
            retention = traffic_retention(
                start_at=start, end_at=end, ended=ended, bill_ref=ref, consented_service=service, bill=bill,
                holds=covering, policy=policy,
            )  # fmt: skip
            retention_class, until = retention.retention_class, retention.retain_until
        else:
            retention_class, until = traffic_base(start, end, ended, ref, service, bill, policy)
        classes.append(retention_class.value)
        untils.append(until)
    return classes, untils
