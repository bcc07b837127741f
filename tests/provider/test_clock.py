"""Local wall time in, aware UTC out, across both clock changes."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from provider.clock import FrozenClock, ensure_utc, format_local, parse_local


def test_a_summer_wall_time_is_an_hour_ahead_of_utc():
    assert parse_local("2026-07-01T09:00") == datetime(2026, 7, 1, 8, 0, tzinfo=UTC)


def test_a_winter_wall_time_equals_utc():
    assert parse_local("2026-12-01T09:00") == datetime(2026, 12, 1, 9, 0, tzinfo=UTC)


def test_the_repeated_hour_in_october_takes_the_first_bst_instant():
    assert parse_local("2026-10-25T01:30") == datetime(2026, 10, 25, 0, 30, tzinfo=UTC)


def test_a_time_skipped_in_march_is_refused():
    with pytest.raises(ValueError, match="does not exist"):
        parse_local("2026-03-29T01:30")


def test_an_explicit_offset_is_kept():
    assert parse_local("2026-07-01T09:00+00:00") == datetime(2026, 7, 1, 9, 0, tzinfo=UTC)


def test_naive_datetimes_are_refused():
    with pytest.raises(ValueError, match="naive"):
        ensure_utc(datetime(2026, 1, 1))  # noqa: DTZ001 - the point of the test


def test_display_names_the_zone_in_force():
    assert format_local(datetime(2026, 10, 24, 23, 30, tzinfo=UTC)) == "25 Oct 2026 00:30 BST"
    assert format_local(datetime(2026, 10, 26, 0, 30, tzinfo=UTC)) == "26 Oct 2026 00:30 GMT"


def test_twenty_four_hours_after_2330_bst_on_the_night_the_clocks_go_back_is_2230_gmt_next_day():
    clock = FrozenClock(parse_local("2026-10-24T23:30"))
    assert format_local(clock.now()) == "24 Oct 2026 23:30 BST"
    assert format_local(clock.advance(timedelta(hours=24))) == "25 Oct 2026 22:30 GMT"
