"""Itemised bills (reg 9, GC C3): what a bill lists and what it only counts."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest

from provider.billing import rules
from provider.billing.models import CallCategory

LONDON = ZoneInfo("Europe/London")
T0 = datetime(2026, 11, 3, 9, 0, tzinfo=UTC)


def call(
    number: str, minutes: int = 1, pence: int = 10, *, at: datetime = T0, free: bool = False, kind=CallCategory.voice
):
    return rules.Call(
        started_at=at,
        line_number="+447700900123",
        called_number=number,
        category=kind,
        duration_seconds=minutes * 60,
        charge_pence=pence,
        free_to_caller=free,
    )


@pytest.mark.parametrize(
    "number", ["08001111", "+448001111", "+44808157000", "0808 157 0000".replace(" ", ""), "116123", "116111"]
)
def test_freephone_and_116_calls_are_counted_but_never_listed(number):
    bill = rules.compose_bill(
        [call("+441134960000", 2, 20), call(number, 30, 0, at=T0 + timedelta(hours=1))], itemised=True
    )
    assert [line.called_number for line in bill.lines] == ["+441134960000"]
    (voice,) = bill.totals
    assert (voice.count, voice.duration_seconds, voice.charge_pence) == (2, 32 * 60, 20)


@pytest.mark.parametrize("number", ["+441134960000", "+447700900456", "03001231234", "+33142685300", "0845463000"])
def test_paid_numbers_are_listed(number):
    bill = rules.compose_bill([call(number)], itemised=True)
    assert [line.called_number for line in bill.lines] == [number]


def test_a_call_inside_a_bundle_costs_nothing_but_is_still_listed():
    bill = rules.compose_bill([call("+441134960000", 5, 0)], itemised=True)
    assert len(bill.lines) == 1


def test_the_billing_system_can_mark_another_number_free_to_the_caller():
    bill = rules.compose_bill([call("03001231234", pence=0, free=True)], itemised=True)
    assert bill.lines == [] and bill.totals[0].count == 1


def test_a_subscriber_who_opted_out_gets_totals_by_category_only():
    calls = [call("+441134960000", 2, 20), call("+447700900456", 0, 5, kind=CallCategory.sms), call("08001111")]
    bill = rules.compose_bill(calls, itemised=False)
    assert bill.lines == []
    assert [(t.category, t.count, t.charge_pence) for t in bill.totals] == [
        (CallCategory.voice, 2, 30),
        (CallCategory.sms, 1, 5),
    ]
    assert bill.total_charge_pence == 35


def test_the_prefix_list_is_configurable():
    bill = rules.compose_bill([call("08001111"), call("0500123456")], itemised=True, prefixes=("0500",))
    assert [line.called_number for line in bill.lines] == ["08001111"]


def test_lines_come_in_time_order():
    late, early = call("+441134960001", at=T0 + timedelta(days=2)), call("+441134960002", at=T0)
    assert [line.called_number for line in rules.compose_bill([late, early], itemised=True).lines] == [
        "+441134960002",
        "+441134960001",
    ]


def test_a_london_month_starts_at_local_midnight_across_a_clock_change():
    start, end = rules.period_bounds("2026-10", LONDON)
    assert start == datetime(2026, 9, 30, 23, 0, tzinfo=UTC)  # 00:00 BST on 1 October
    assert end == datetime(2026, 11, 1, 0, 0, tzinfo=UTC)  # 00:00 GMT on 1 November
    december_start, january = rules.period_bounds("2026-12", LONDON)
    assert january == datetime(2027, 1, 1, tzinfo=UTC)


@pytest.mark.parametrize("period", ["2026-13", "2026-00", "26-11", "2026-1", "1999-12", "2200-01", "٢٠٢٦-١١"])
def test_a_bad_period_is_refused_in_words(period):
    with pytest.raises(ValueError, match="YYYY-MM|month from 01 to 12"):
        rules.parse_period(period)


def test_the_latest_request_wins_and_none_means_the_default():
    assert rules.current_choice([], default=True) == (True, True)
    history = [(T0, 1, False), (T0 + timedelta(days=1), 2, True)]
    assert rules.current_choice(history, default=False) == (True, False)
    assert rules.current_choice([(T0, 2, False), (T0, 1, True)], default=True) == (False, False)


def test_a_call_belongs_to_the_london_month_it_started_in():
    assert rules.period_of(datetime(2026, 9, 30, 23, 30, tzinfo=UTC), LONDON) == "2026-10"  # 00:30 BST, 1 October
    assert rules.period_of(datetime(2026, 11, 30, 23, 30, tzinfo=UTC), LONDON) == "2026-11"  # GMT: still November


def test_the_call_list_keeps_a_call_the_configured_months_after_its_bill_period_ends():
    # October 2026 ends at 00:00 GMT on 1 November; twelve months on is 00:00 GMT on 1 November 2027
    assert rules.call_list_retain_until("2026-10", 12, LONDON) == datetime(2027, 11, 1, tzinfo=UTC)
    # months counted from the end of the period, not its start or the call: May + 1 -> 1 July (BST)
    assert rules.call_list_retain_until("2026-05", 1, LONDON) == datetime(2026, 6, 30, 23, tzinfo=UTC)
    assert rules.call_list_retain_until("2026-12", 18, LONDON) == datetime(2028, 7, 1, tzinfo=LONDON)
