"""Duration wording (provider.durations): one function, the three wordings its callers use."""

from __future__ import annotations

from datetime import timedelta

from provider.durations import describe_duration

DAY_HOUR_MINUTES = 86400 + 3 * 3600 + 5 * 60 + 59  # 1 day, 3 h, 5 min and 59 s


def test_pages_and_the_breach_log_drop_nil_parts_and_seconds():
    assert describe_duration(DAY_HOUR_MINUTES) == "1 d 3 h 5 min"
    assert describe_duration(timedelta(seconds=DAY_HOUR_MINUTES)) == "1 d 3 h 5 min"
    assert describe_duration(timedelta(days=2, minutes=1)) == "2 d 1 min"
    assert describe_duration(timedelta(hours=5)) == "5 h"


def test_a_nil_duration_reads_as_the_caller_says():
    assert describe_duration(59) == "0 min"
    assert describe_duration(timedelta(seconds=59), zero="under a minute") == "under a minute"
    assert describe_duration(None) == ""


def test_the_ico_form_spells_days_out_and_always_shows_minutes():
    def in_full(seconds: int) -> str:
        return describe_duration(seconds, days_in_full=True, always_minutes=True)

    assert in_full(86400) == "1 day 0 min"
    assert in_full(2 * 86400 + 3 * 3600 + 40 * 60) == "2 days 3 h 40 min"
    assert in_full(75 * 60) == "1 h 15 min"
    assert in_full(0) == "0 min"
