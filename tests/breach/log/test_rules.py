"""Which month a breach is logged in, and when that month's log is due (pure rules)."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from breach.log import rules
from provider.durations import describe_duration


def test_a_breach_aware_at_half_past_midnight_bst_on_1_april_belongs_to_april_not_march():
    aware_at = datetime(2026, 3, 31, 23, 30, tzinfo=UTC)  # 00:30 BST on 1 April
    assert rules.period_of(aware_at) == "2026-04"
    assert rules.contains("2026-04", aware_at)
    assert not rules.contains("2026-03", aware_at)


def test_a_breach_aware_at_half_past_midnight_gmt_on_1_march_belongs_to_march():
    assert rules.period_of(datetime(2026, 3, 1, 0, 30, tzinfo=UTC)) == "2026-03"
    assert rules.period_of(datetime(2026, 2, 28, 23, 59, tzinfo=UTC)) == "2026-02"


def test_april_starts_at_local_midnight_which_is_23_00_utc_the_day_before():
    start, end = rules.period_bounds("2026-04")
    assert start == datetime(2026, 3, 31, 23, 0, tzinfo=UTC)
    assert end == datetime(2026, 4, 30, 23, 0, tzinfo=UTC)


def test_the_march_log_is_due_by_the_end_of_7_april_london_time():
    # End of 7 April BST is 8 April 00:00 BST = 7 April 23:00 UTC.
    assert rules.submission_due_at("2026-03", 7) == datetime(2026, 4, 7, 23, 0, tzinfo=UTC)


def test_the_due_day_is_configurable():
    assert rules.submission_due_at("2026-03", 14) == datetime(2026, 4, 14, 23, 0, tzinfo=UTC)
    assert rules.submission_due_at("2026-03", 1) == datetime(2026, 4, 1, 23, 0, tzinfo=UTC)


def test_the_january_log_is_due_at_midnight_gmt_and_december_rolls_into_the_next_year():
    assert rules.submission_due_at("2026-01", 7) == datetime(2026, 2, 8, 0, 0, tzinfo=UTC)
    assert rules.submission_due_at("2025-12", 7) == datetime(2026, 1, 8, 0, 0, tzinfo=UTC)


@pytest.mark.parametrize(
    "bad",
    [
        "2026-13",
        "2026-00",
        "2026-1x",
        "26-03",
        "2026/03",
        "",
        "1999-01",
        "2026-03-01",
        "2026-3",
        " 2026-03",
        "2026-٠٣",
        "2200-12",
    ],
)
def test_malformed_or_impossible_months_are_refused(bad):
    with pytest.raises(ValueError):
        rules.parse_period(bad)


def test_the_last_accepted_month_still_has_bounds_and_a_due_date():
    assert rules.period_bounds("2199-12")[1] == datetime(2200, 1, 1, tzinfo=UTC)
    assert rules.submission_due_at("2199-12", 7) == datetime(2200, 1, 8, tzinfo=UTC)


def test_previous_and_next_period_cross_the_year():
    assert rules.previous_period("2026-01") == "2025-12"
    assert rules.previous_period("2026-04") == "2026-03"
    assert rules.next_period("2025-12") == "2026-01"
    assert rules.period_label("2026-04") == "April 2026"


def test_lateness_is_zero_on_time_and_whole_seconds_after_the_due_time():
    due = datetime(2026, 4, 7, 23, 0, tzinfo=UTC)
    assert rules.late_by_seconds(datetime(2026, 4, 7, 22, 59, tzinfo=UTC), due) == 0
    assert rules.late_by_seconds(due, due) == 0
    assert rules.late_by_seconds(datetime(2026, 4, 9, 9, 0, 30, tzinfo=UTC), due) == 34 * 3600 + 30
    assert rules.late_by_seconds(datetime(2026, 4, 9, tzinfo=UTC), None) == 0


def test_a_log_cannot_be_sent_before_its_month_ends_nor_in_the_future():
    now = datetime(2026, 4, 10, 12, 0, tzinfo=UTC)
    assert rules.submission_problems("2026-03", datetime(2026, 3, 31, 22, 59, tzinfo=UTC), now)  # 23:59 BST
    assert rules.submission_problems("2026-03", datetime(2026, 4, 10, 12, 1, tzinfo=UTC), now)
    assert rules.submission_problems("2026-03", datetime(2026, 3, 31, 23, 0, tzinfo=UTC), now) == []


def test_durations_read_as_days_hours_minutes():
    assert describe_duration(34 * 3600 + 30) == "1 d 10 h"
    assert describe_duration(59) == "0 min"
    assert describe_duration(3 * 86400 + 61) == "3 d 1 min"
