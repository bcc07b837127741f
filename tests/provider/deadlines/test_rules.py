"""The core deadline rules: how late, meeting (frozen), state, label, configurable marks and who is told."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from types import SimpleNamespace

import pytest

from provider.clock import LONDON
from provider.deadlines import rules
from provider.deadlines.models import ObligationStatus
from provider.deadlines.models import Threshold as T
from provider.deadlines.registry import DeadlineKind

NOW = datetime(2026, 11, 2, 12, 0, tzinfo=UTC)


def utc(*parts: int) -> datetime:
    return datetime(*parts, tzinfo=UTC)


def obligation(
    *, status: ObligationStatus = ObligationStatus.open, due_at: datetime | None = None, late_by_seconds=None
) -> SimpleNamespace:
    return SimpleNamespace(statutory=True, status=status, due_at=due_at, late_by_seconds=late_by_seconds)


# --- how late (moved from breach's and the breach log's own copies) -----------------------------------------


def test_lateness_is_whole_seconds_after_the_due_time_and_zero_when_on_time():
    due = utc(2026, 3, 12, 15, 0)
    assert rules.lateness_seconds(due, utc(2026, 3, 12, 16, 30)) == 5400
    assert rules.lateness_seconds(due, utc(2026, 3, 12, 15, 0)) == 0
    assert rules.lateness_seconds(None, utc(2026, 3, 12, 16, 30)) is None


def test_notification_lateness_prefers_the_frozen_value_over_a_recomputation():
    due = datetime(2026, 3, 13, 13, 0, tzinfo=UTC)
    filed = datetime(2026, 3, 13, 15, 0, tzinfo=UTC)
    assert rules.recorded_lateness(due, None, None) is None
    assert rules.recorded_lateness(due, filed, None) == 7200
    # aware_at was corrected after filing and the due time moved: the frozen answer stands.
    assert rules.recorded_lateness(datetime(2026, 3, 14, tzinfo=UTC), filed, 7200) == 7200


def test_lateness_is_elapsed_time_across_the_october_clock_change():
    # Due 01:30 BST on 25 October 2026; done at 01:30 GMT, after the clocks went back at 02:00 BST: one
    # real hour late, though the wall clock read 01:30 both times.
    due = datetime(2026, 10, 25, 1, 30, tzinfo=LONDON)
    done = datetime(2026, 10, 25, 1, 30, fold=1, tzinfo=LONDON)
    assert rules.lateness_seconds(due, done) == 3600
    assert rules.lateness_seconds(due.astimezone(UTC), done.astimezone(UTC)) == 3600


# --- meeting is frozen --------------------------------------------------------------------------------------


def test_meeting_an_open_obligation_freezes_when_and_how_late():
    due = utc(2026, 3, 12, 15, 0)
    met = rules.meet(obligation(due_at=due), utc(2026, 3, 12, 17, 0))
    assert met == rules.Met(ObligationStatus.met, utc(2026, 3, 12, 17, 0), 7200)


def test_a_met_or_not_required_obligation_is_never_met_again():
    late = obligation(status=ObligationStatus.met, due_at=utc(2026, 3, 12, 15, 0), late_by_seconds=7200)
    assert rules.meet(late, utc(2026, 3, 12, 15, 0)) is None
    assert rules.meet(obligation(status=ObligationStatus.not_required), NOW) is None


def test_correcting_the_due_time_after_meeting_does_not_make_a_late_filing_on_time():
    row = obligation(due_at=utc(2026, 3, 12, 15, 0))
    met = rules.meet(row, utc(2026, 3, 12, 17, 0))
    row.status, row.late_by_seconds = met.status, met.late_by_seconds
    row.due_at = utc(2026, 3, 13, 15, 0)  # the anchor was corrected a day later
    assert rules.deadline_state(row, NOW) == "met_late"
    assert rules.recorded_lateness(row.due_at, met.first_filed_at, row.late_by_seconds) == 7200


# --- state and label ----------------------------------------------------------------------------------------


def test_an_obligation_without_a_due_time_is_never_overdue():
    row = obligation(due_at=None)
    assert rules.deadline_state(row, NOW) == "open"


def test_the_five_states():
    assert rules.deadline_state(obligation(due_at=NOW), NOW) == "open"  # due now is not yet overdue
    assert rules.deadline_state(obligation(due_at=NOW - timedelta(seconds=1)), NOW) == "overdue"
    assert rules.deadline_state(obligation(status=ObligationStatus.met, late_by_seconds=0), NOW) == "met"
    assert rules.deadline_state(obligation(status=ObligationStatus.met, late_by_seconds=1), NOW) == "met_late"
    not_required = obligation(status=ObligationStatus.not_required, due_at=NOW - timedelta(days=1))
    assert rules.deadline_state(not_required, NOW) == "not_required"


def test_labels_tell_a_statutory_deadline_from_an_internal_target():
    assert rules.label(True) == "Statutory deadline"
    assert rules.label(False) == "Internal target (policy)"


# --- reminder marks -----------------------------------------------------------------------------------------


def test_the_marks_count_elapsed_hours_across_the_october_clock_change():
    # 73 hours from 12:00 UTC on Friday 23 October 2026; the clocks go back at 01:00 UTC on 25 October.
    anchor = utc(2026, 10, 23, 12, 0)
    due = anchor + timedelta(hours=73)
    assert due.astimezone(LONDON).strftime("%d %H:%M %Z") == "26 13:00 GMT"  # a naive local count says 14:00
    assert rules.threshold_moment(anchor, due, T.half) == utc(2026, 10, 25, 0, 30)
    assert rules.threshold_moment(anchor, due, T.ninety) == anchor + timedelta(hours=65, minutes=42)
    assert rules.due_thresholds(anchor, due, utc(2026, 10, 25, 0, 29), set()) == []
    assert rules.due_thresholds(anchor, due, utc(2026, 10, 25, 0, 30), set()) == [T.half]


def test_fractions_can_be_configured_per_kind_and_only_the_furthest_mark_is_sent():
    fractions = {T.half: 0.25, T.ninety: 0.8}
    anchor, due = utc(2026, 3, 1, 0, 0), utc(2026, 3, 11, 0, 0)
    assert rules.due_thresholds(anchor, due, utc(2026, 3, 3, 12, 0), set(), fractions) == [T.half]
    assert rules.due_thresholds(anchor, due, utc(2026, 3, 9, 0, 0), set(), fractions) == [T.ninety]
    assert rules.due_thresholds(anchor, due, utc(2026, 3, 9, 0, 0), {T.ninety}, fractions) == []
    assert rules.threshold_phrase(T.half, fractions) == "25% of the time has passed"
    assert rules.threshold_phrase(T.three_quarters) == "three quarters of the time has passed"


@pytest.mark.parametrize("fractions", [{T.half: 0.0}, {T.half: 1.0}, {T.half: 0.8, T.ninety: 0.7}, {T.overdue: 0.5}])
def test_impossible_fractions_are_refused_when_a_kind_is_declared(fractions):
    with pytest.raises(ValueError):
        DeadlineKind("a_kind", "a kind", fractions=fractions)


# --- who is told --------------------------------------------------------------------------------------------

OWNER, DEPUTY, STAFF, ESCALATION = (
    ["owner@x.example"],
    ["deputy@x.example"],
    ["b@x.example", "a@x.example"],
    ["escalate@x.example"],
)


def test_without_a_named_owner_the_fallback_roles_are_reminded_and_escalation_goes_only_to_the_address():
    for threshold in (T.half, T.three_quarters, T.ninety, T.overdue):
        assert rules.recipients(threshold, fallback=STAFF, escalation=ESCALATION) == ["a@x.example", "b@x.example"]
    assert rules.recipients(T.escalated, fallback=STAFF, escalation=ESCALATION) == ESCALATION


def test_a_named_owner_replaces_the_fallback_roles_and_the_deputy_joins_when_overdue():
    named = {"owner": OWNER, "deputy": DEPUTY, "fallback": STAFF, "escalation": ESCALATION}
    assert rules.recipients(T.ninety, **named) == OWNER
    assert rules.recipients(T.overdue, **named) == ["deputy@x.example", "owner@x.example"]
    assert rules.recipients(T.escalated, **named) == ["deputy@x.example", "escalate@x.example"]


def test_an_unreachable_owner_falls_back_but_the_deputy_still_gets_overdue_and_escalation():
    assert rules.recipients(T.half, owner=[], deputy=DEPUTY, fallback=STAFF) == ["a@x.example", "b@x.example"]
    assert rules.recipients(T.overdue, owner=[], deputy=DEPUTY, fallback=STAFF) == [
        "a@x.example",
        "b@x.example",
        "deputy@x.example",
    ]
    assert rules.recipients(T.escalated, owner=OWNER, fallback=STAFF) == []  # no deputy, no address: in-app only


def test_an_address_is_told_once_whatever_its_case():
    assert rules.recipients(T.overdue, owner=["Owner@x.example"], deputy=["owner@x.example "]) == ["Owner@x.example"]
