"""When reminders fall due: fractions of each obligation's own window, then overdue and escalation; and the
words a reminder uses, from breach's declarations."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from breach.deadlines import BREACH, BREACH_LOG
from provider.deadlines import registry, rules
from provider.deadlines.models import Threshold as T

# DUAA: aware at 14:37 -> the period starts at 15:00 and ends 72 hours later, i.e. the hour floor + 73 h.
ANCHOR = datetime(2026, 3, 10, 14, 0, tzinfo=UTC)
DUE = ANCHOR + timedelta(hours=73)
HALF = ANCHOR + timedelta(hours=36, minutes=30)
THREE_QUARTERS = ANCHOR + timedelta(hours=54, minutes=45)
NINETY = ANCHOR + timedelta(hours=65, minutes=42)
SECOND = timedelta(seconds=1)


def test_the_marks_of_a_73_hour_window_are_computed_from_anchor_and_due():
    assert rules.threshold_moment(ANCHOR, DUE, T.half) == HALF
    assert rules.threshold_moment(ANCHOR, DUE, T.three_quarters) == THREE_QUARTERS
    assert rules.threshold_moment(ANCHOR, DUE, T.ninety) == NINETY
    assert rules.threshold_moment(ANCHOR, DUE, T.overdue) == DUE
    assert rules.threshold_moment(ANCHOR, DUE, T.escalated) == DUE


def test_each_mark_falls_due_at_its_moment_and_not_a_second_before():
    assert rules.due_thresholds(ANCHOR, DUE, HALF - SECOND, set()) == []
    assert rules.due_thresholds(ANCHOR, DUE, HALF, set()) == [T.half]
    assert rules.due_thresholds(ANCHOR, DUE, THREE_QUARTERS - SECOND, {T.half}) == []
    assert rules.due_thresholds(ANCHOR, DUE, THREE_QUARTERS, {T.half}) == [T.three_quarters]
    assert rules.due_thresholds(ANCHOR, DUE, NINETY - SECOND, {T.half, T.three_quarters}) == []
    assert rules.due_thresholds(ANCHOR, DUE, NINETY, {T.half, T.three_quarters}) == [T.ninety]
    assert rules.due_thresholds(ANCHOR, DUE, DUE - SECOND, {T.half, T.three_quarters, T.ninety}) == []


def test_at_the_due_time_the_overdue_reminder_and_the_escalation_fall_due_once():
    assert rules.due_thresholds(ANCHOR, DUE, DUE, {T.half}) == [T.overdue, T.escalated]
    assert rules.due_thresholds(ANCHOR, DUE, DUE + timedelta(days=3), {T.overdue}) == [T.escalated]
    assert rules.due_thresholds(ANCHOR, DUE, DUE + timedelta(days=3), {T.overdue, T.escalated}) == []


def test_an_obligation_recorded_late_gets_only_the_furthest_mark_and_never_steps_back():
    assert rules.due_thresholds(ANCHOR, DUE, NINETY + timedelta(hours=1), set()) == [T.ninety]
    assert rules.due_thresholds(ANCHOR, DUE, NINETY + timedelta(hours=2), {T.ninety}) == []
    assert rules.due_thresholds(ANCHOR, DUE, THREE_QUARTERS + SECOND, {T.ninety}) == []


def test_the_marks_count_elapsed_hours_across_the_spring_clock_change():
    anchor = datetime(2026, 3, 28, 12, 0, tzinfo=UTC)  # clocks go forward at 01:00 UTC on 29 March
    due = anchor + timedelta(hours=73)
    assert rules.threshold_moment(anchor, due, T.half) == datetime(2026, 3, 30, 0, 30, tzinfo=UTC)


def test_without_an_anchor_or_with_an_empty_window_only_the_overdue_marks_apply():
    assert rules.due_thresholds(None, DUE, DUE - timedelta(hours=1), set()) == []
    assert rules.due_thresholds(None, DUE, DUE, set()) == [T.overdue, T.escalated]
    assert rules.due_thresholds(DUE, DUE, DUE - SECOND, set()) == []


def test_the_key_names_obligation_threshold_and_due_time():
    assert rules.reminder_key(12, T.ninety, DUE) == f"12:ninety:{int(DUE.timestamp())}"
    assert rules.reminder_key(12, T.ninety, DUE) != rules.reminder_key(12, T.ninety, DUE + timedelta(hours=1))


def test_descriptions_label_statutory_deadlines_and_internal_targets_and_carry_no_personal_data():
    assert registry.describe(BREACH, "ico_notification", True, "BR-2026-0001", "") == (
        "Notify the ICO (statutory deadline) for breach BR-2026-0001"
    )
    assert registry.describe(BREACH_LOG, "log_submission", False, None, "2026-03") == (
        "Send the monthly breach log to the ICO (internal target or policy deadline) for the 2026-03 log"
    )
