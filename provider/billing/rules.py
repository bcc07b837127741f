"""What an itemised bill may show: pure functions, no I/O.

Ofcom General Condition C3 and PECR reg 9: calls free to the caller, helplines included, must not be
identifiable in an itemised bill. The product treats a call as free to the caller when the number
called starts with a configured prefix (freephone 0800 and 0808 and the 116 helplines by default) or
when the billing system marks it free to the caller (a zero-rated helpline on another range). A call
that merely cost nothing because it fell inside a bundle of minutes is not "free to the caller": it
stays itemised, or the bill would hide calls the subscriber paid for through the bundle.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from zoneinfo import ZoneInfo

from provider.billing.models import CallCategory

DEFAULT_FREE_PREFIXES = ("0800", "0808", "116")


@dataclass(frozen=True)
class Call:
    started_at: datetime
    line_number: str
    called_number: str
    category: CallCategory
    duration_seconds: int
    charge_pence: int
    free_to_caller: bool = False
    # The number cannot be read (its key is gone from the key store): it may have been a free number,
    # so the call is counted in the totals and never listed.
    unreadable: bool = False


@dataclass(frozen=True)
class Total:
    category: CallCategory
    count: int
    duration_seconds: int
    charge_pence: int


@dataclass(frozen=True)
class Bill:
    itemised: bool
    lines: list[Call]
    totals: list[Total]
    unreadable: int = 0  # itemisable calls left out because their number could not be read

    @property
    def total_charge_pence(self) -> int:
        return sum(total.charge_pence for total in self.totals)


def national_form(number: str) -> str:
    """'+448001111' -> '08001111'; short codes and national numbers are kept as they are."""
    if number.startswith("+44"):
        return "0" + number[3:]
    return number


def is_free_to_caller(call: Call, prefixes: Sequence[str] = DEFAULT_FREE_PREFIXES) -> bool:
    if call.free_to_caller:
        return True
    national = national_form(call.called_number)
    return any(national.startswith(prefix) for prefix in prefixes)


def compose_bill(calls: Iterable[Call], *, itemised: bool, prefixes: Sequence[str] = DEFAULT_FREE_PREFIXES) -> Bill:
    """Every call counts in its category's total; only calls not free to the caller, and only on an
    itemised bill, appear as lines."""
    lines: list[Call] = []
    unreadable = 0
    sums: dict[CallCategory, list[int]] = {}
    for call in sorted(calls, key=lambda call: call.started_at):
        total = sums.setdefault(call.category, [0, 0, 0])
        total[0] += 1
        total[1] += call.duration_seconds
        total[2] += call.charge_pence
        if not itemised or is_free_to_caller(call, prefixes):
            continue
        if call.unreadable:
            unreadable += 1
        else:
            lines.append(call)
    totals = [Total(category, *sums[category]) for category in CallCategory if category in sums]
    return Bill(itemised=itemised, lines=lines, totals=totals, unreadable=unreadable)


def parse_period(period: str) -> tuple[int, int]:
    """'2026-11' -> (2026, 11); raises ValueError in words."""
    if not isinstance(period, str) or not re.fullmatch(r"[0-9]{4}-[0-9]{2}", period):
        raise ValueError("a billing period is a month written YYYY-MM, e.g. 2026-11")
    year, month = int(period[:4]), int(period[5:])
    if not 1 <= month <= 12 or not 2000 <= year <= 2199:
        raise ValueError("a billing period is a month from 01 to 12 of a year from 2000 to 2199")
    return year, month


def period_bounds(period: str, zone: ZoneInfo) -> tuple[datetime, datetime]:
    """The UTC instants where the London month starts and the next one starts: a call at 00:30 BST
    on 1 October belongs to October although it is still 30 September in UTC."""
    year, month = parse_period(period)
    following = (year + month // 12, month % 12 + 1)
    start = datetime(year, month, 1, tzinfo=zone).astimezone(UTC)
    end = datetime(*following, 1, tzinfo=zone).astimezone(UTC)
    return start, end


def period_of(started_at: datetime, zone: ZoneInfo) -> str:
    """The bill period of a call: the London month it started in ('2026-10' for 00:30 BST on 1 October)."""
    return f"{started_at.astimezone(zone):%Y-%m}"


def call_list_retain_until(period: str, months: int, zone: ZoneInfo) -> datetime:
    """PECR reg 7(3): billing data is kept only while the bill may still be challenged; the call list
    keeps a call (policy, PECR_BILLING_CALL_LIST_MONTHS, 12 by default, as traffic's billing class)
    `months` after its bill period ends, i.e. from the start of the London month that many months after
    the period's last one. A call of October 2026 with 12 months goes at 00:00 on 1 November 2027."""
    year, month = parse_period(period)
    index = year * 12 + month + months  # month index (0-based) of the month after the period, plus `months`
    return datetime(index // 12, index % 12 + 1, 1, tzinfo=zone).astimezone(UTC)


def current_choice(history: Sequence[tuple[datetime, int, bool]], default: bool) -> tuple[bool, bool]:
    """(itemised, is_default) from the (recorded_at, id, itemised) history: the latest request wins."""
    if not history:
        return default, True
    return max(history)[2], False
