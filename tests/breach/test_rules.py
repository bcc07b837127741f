"""The breach-notification rules, each test named for the rule it holds.

Fixtures are chosen so a plausible wrong implementation gives a different answer: a 30-hour gap between
detection and awareness (detection-anchored deadlines fail), a window across the October 2026 clock change
(local-time arithmetic fails), minutes past the hour (no 1182/71 hour counting fails), and the 19/20 August
2025 boundary (UTC-date or local-date confusion fails).
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from types import SimpleNamespace

import pytest

from breach import rules
from breach.models import (
    Breach,
    Circumstance,
    DataCategory,
    FilingStage,
    ObligationKind,
    ObligationStatus,
    Regime,
)
from provider.clock import LONDON
from provider.deadlines import rules as deadline_rules
from provider.profile.models import ProviderProfile

NOW = datetime(2026, 11, 2, 12, 0, tzinfo=UTC)


def utc(*parts: int) -> datetime:
    return datetime(*parts, tzinfo=UTC)


def local(*parts: int) -> datetime:
    return datetime(*parts, tzinfo=LONDON)


def profile(**overrides: str) -> ProviderProfile:
    values = dict(
        legal_name="Northwind Telecom Ltd",
        address="1 Exchange Street, Leeds LS1 1AA",
        ico_registration_number="Z1234567",
        contact_name="Dana Scully",
        contact_email="dpo@northwind.test",
        contact_phone="0113 496 0000",
    )
    values.update(overrides)
    return ProviderProfile(**values)


def complete_breach(**overrides: object) -> Breach:
    values: dict[str, object] = dict(
        reference="BR-2026-0001",
        title="Lost laptop",
        circumstance=Circumstance.loss,
        occurred_at=utc(2026, 3, 9, 8, 0),
        detected_at=utc(2026, 3, 9, 9, 0),
        aware_at=utc(2026, 3, 9, 14, 20),
        regime=Regime.duaa,
        data_categories=[DataCategory.traffic_data],
        data_description="Call records of 1,200 subscribers",
        protection_measures="Full-disk encryption (AES-256)",
        other_providers="none",
        summary="A laptop was left on a train",
        location_and_media="Laptop SSD",
        individuals_affected=1200,
        likely_consequences="Exposure of calling patterns",
        mitigation_measures="Remote wipe issued",
        customer_notification_summary="E-mail to 1,200 subscribers",
        created_at=NOW,
        created_by="tests",
        updated_at=NOW,
    )
    values.update(overrides)
    return Breach(**values)


def obligation(
    kind: ObligationKind,
    *,
    statutory: bool = True,
    status: ObligationStatus = ObligationStatus.open,
    due_at: datetime | None = None,
    late_by_seconds: int | None = None,
) -> SimpleNamespace:
    return SimpleNamespace(
        kind=kind, statutory=statutory, status=status, due_at=due_at, late_by_seconds=late_by_seconds
    )


# --- regime ------------------------------------------------------------------------------------------------


def test_awareness_at_the_last_second_of_19_august_2025_london_is_under_611_2013():
    assert rules.regime_for(local(2025, 8, 19, 23, 59, 59)) is Regime.eu_611_2013
    assert rules.regime_for(utc(2025, 8, 19, 22, 59, 59)) is Regime.eu_611_2013


def test_awareness_from_midnight_20_august_2025_london_is_under_duaa_though_still_19_august_in_utc():
    assert rules.regime_for(utc(2025, 8, 19, 23, 0)) is Regime.duaa
    assert rules.regime_for(local(2025, 8, 20, 0, 0)) is Regime.duaa


def test_awareness_before_611_2013_applied_is_refused():
    with pytest.raises(ValueError):
        rules.regime_for(utc(2013, 8, 24, 12, 0))


# --- DUAA statutory deadline ----------------------------------------------------------------------------------


def test_duaa_deadline_does_not_count_the_hour_of_awareness_so_14_20_gives_15_00_three_days_later():
    aware = local(2026, 3, 9, 14, 20)  # GMT, so 14:20 UTC
    assert rules.ico_notification_due(Regime.duaa, aware) == utc(2026, 3, 12, 15, 0)


def test_duaa_deadline_counts_elapsed_hours_across_the_october_clock_change():
    aware = local(2026, 10, 24, 10, 20)  # 10:20 BST = 09:20 UTC; clocks go back on Sunday 25 October
    due = rules.ico_notification_due(Regime.duaa, aware)
    assert due == utc(2026, 10, 27, 10, 0)
    assert due.astimezone(LONDON).strftime("%H:%M %Z") == "10:00 GMT"
    naive_local = aware.replace(minute=0) + timedelta(hours=73)  # wall-clock arithmetic in London
    assert naive_local.strftime("%H:%M") == "11:00" and naive_local != due


def test_duaa_deadline_is_anchored_on_awareness_not_detection_with_a_30_hour_gap():
    detected, aware = utc(2026, 3, 8, 8, 20), utc(2026, 3, 9, 14, 20)
    assert aware - detected == timedelta(hours=30)
    plans = {p.kind: p for p in rules.plan_obligations(Regime.duaa, aware, log_due_day=7)}
    assert plans[ObligationKind.ico_notification].due_at == utc(2026, 3, 12, 15, 0)
    assert plans[ObligationKind.ico_notification].anchor_at == aware


def test_awareness_exactly_on_the_hour_still_does_not_count_that_hour():
    assert rules.hours_after(utc(2026, 3, 9, 14, 0), 72) == utc(2026, 3, 12, 15, 0)


# --- 611/2013 statutory deadline ------------------------------------------------------------------------------


def test_611_initial_notification_is_due_24_hours_after_deemed_detection_which_is_awareness_not_operational_detection():
    detected, aware = utc(2024, 5, 1, 6, 20), utc(2024, 5, 2, 12, 20)  # 30 hours apart
    due = rules.ico_notification_due(Regime.eu_611_2013, aware)
    assert due == utc(2024, 5, 3, 13, 0)
    assert due != detected + timedelta(hours=24)


def test_611_plan_has_one_statutory_24_hour_row_and_no_separate_initial_target():
    plans = {p.kind: p for p in rules.plan_obligations(Regime.eu_611_2013, utc(2024, 5, 2, 12, 20), log_due_day=7)}
    assert ObligationKind.ico_initial_target not in plans
    assert plans[ObligationKind.ico_notification].statutory is True
    assert "611/2013" in plans[ObligationKind.ico_notification].basis


def test_611_second_notification_is_statutory_3_days_after_the_initial_filing():
    filed = utc(2024, 5, 2, 18, 45)
    plan = rules.second_obligation(Regime.eu_611_2013, filed, initial_complete=False)
    assert (plan.statutory, plan.anchor_at, plan.due_at, plan.status) == (
        True,
        filed,
        utc(2024, 5, 5, 18, 45),
        ObligationStatus.open,
    )


def test_second_notification_is_not_required_when_the_initial_was_complete():
    plan = rules.second_obligation(Regime.eu_611_2013, utc(2024, 5, 2, 18, 45), initial_complete=True)
    assert plan.status is ObligationStatus.not_required


def test_duaa_second_notification_is_only_an_internal_target():
    plan = rules.second_obligation(Regime.duaa, utc(2026, 3, 10, 9, 0), initial_complete=False)
    assert plan.statutory is False and plan.basis.startswith("Internal target")


# --- internal targets shown beside the statutory deadline ------------------------------------------------------


def test_duaa_plan_shows_statutory_72_hours_and_internal_24_hours_side_by_side():
    aware = utc(2026, 3, 9, 14, 20)
    plans = {p.kind: p for p in rules.plan_obligations(Regime.duaa, aware, log_due_day=7)}
    statutory, internal = plans[ObligationKind.ico_notification], plans[ObligationKind.ico_initial_target]
    assert (statutory.statutory, statutory.due_at) == (True, utc(2026, 3, 12, 15, 0))
    assert (internal.statutory, internal.due_at) == (False, utc(2026, 3, 10, 14, 20))
    assert deadline_rules.label(internal.statutory) == "Internal target (policy)"


def test_customer_notice_decision_has_no_statutory_hours_only_a_labelled_internal_target():
    aware = utc(2026, 3, 9, 14, 20)
    plan = {p.kind: p for p in rules.plan_obligations(Regime.duaa, aware, log_due_day=7)}[
        ObligationKind.customer_notice_decision
    ]
    assert plan.statutory is False and plan.recipient == "customers"
    assert plan.due_at == aware + timedelta(hours=72)
    assert "no statutory hours" in plan.basis and "Internal target" in plan.basis


def test_log_inclusion_uses_the_london_month_of_awareness_and_the_configured_due_day():
    aware = utc(2026, 3, 31, 23, 30)  # 00:30 BST on 1 April
    plan = {p.kind: p for p in rules.plan_obligations(Regime.duaa, aware, log_due_day=7)}[ObligationKind.log_inclusion]
    assert plan.period == "2026-04"
    assert plan.due_at == local(2026, 5, 8, 0, 0)


# --- awareness validation --------------------------------------------------------------------------------------


def times(**overrides: object) -> dict[str, object]:
    values: dict[str, object] = dict(
        occurred_at=utc(2026, 3, 9, 8, 0),
        occurred_is_estimate=False,
        detected_at=utc(2026, 3, 9, 9, 0),
        aware_at=utc(2026, 3, 9, 14, 20),
        awareness_justification="",
        now=utc(2026, 3, 10, 12, 0),
    )
    values.update(overrides)
    return values


def fields(errors: list) -> list[str]:
    return [e.field for e in errors]


def test_consistent_times_pass():
    assert rules.time_errors(**times()) == []


def test_awareness_before_detection_is_refused_without_a_justification():
    assert fields(rules.time_errors(**times(aware_at=utc(2026, 3, 9, 8, 30)))) == ["aware_at"]


def test_awareness_before_detection_is_accepted_with_a_written_justification():
    assert (
        rules.time_errors(
            **times(aware_at=utc(2026, 3, 9, 8, 30), awareness_justification="Partner told us before our alert fired")
        )
        == []
    )


def test_awareness_30_hours_after_detection_needs_a_written_justification():
    errors = rules.time_errors(**times(detected_at=utc(2026, 3, 8, 8, 20), occurred_at=None))
    assert fields(errors) == ["awareness_justification"]
    assert (
        rules.time_errors(
            **times(
                detected_at=utc(2026, 3, 8, 8, 20),
                occurred_at=None,
                awareness_justification="Forensics needed to confirm data was taken",
            )
        )
        == []
    )


def test_awareness_exactly_24_hours_after_detection_needs_no_justification():
    assert rules.time_errors(**times(detected_at=utc(2026, 3, 8, 14, 20), occurred_at=None)) == []


def test_a_blank_justification_is_no_justification():
    assert fields(rules.time_errors(**times(aware_at=utc(2026, 3, 9, 8, 30), awareness_justification="  "))) == [
        "aware_at"
    ]


def test_occurrence_after_detection_is_refused_even_as_an_estimate():
    for estimate in (False, True):
        errors = rules.time_errors(**times(occurred_at=utc(2026, 3, 9, 10, 0), occurred_is_estimate=estimate))
        assert fields(errors) == ["occurred_at"]


def test_times_in_the_future_are_refused_beyond_a_few_minutes_of_clock_skew():
    now = utc(2026, 3, 9, 14, 20)
    assert rules.time_errors(**times(now=now - timedelta(minutes=4))) == []
    errors = rules.time_errors(**times(now=now - timedelta(hours=1)))
    assert fields(errors) == ["aware_at"]


def test_every_time_problem_is_reported_at_once():
    errors = rules.time_errors(
        **times(
            occurred_at=utc(2026, 3, 12, 0, 0),
            detected_at=utc(2026, 3, 8, 8, 0),
            aware_at=utc(2026, 3, 11, 0, 0),
            now=utc(2026, 3, 10, 0, 0),
        )
    )
    assert fields(errors) == ["awareness_justification", "occurred_at", "occurred_at", "aware_at"]


# --- which deadlines a filing meets, frozen clock ---------------------------------------------------------


def test_an_initial_filing_meets_the_statutory_deadline_and_the_internal_target_a_follow_up_meets_none():
    assert rules.kinds_met_by(FilingStage.initial) == (
        ObligationKind.ico_notification,
        ObligationKind.ico_initial_target,
    )
    assert rules.kinds_met_by(FilingStage.second) == (ObligationKind.ico_second_target,)
    assert rules.kinds_met_by(FilingStage.follow_up) == ()


# --- penalty exposure --------------------------------------------------------------------------------------


def test_penalty_exposure_is_1000_pounds_per_overdue_or_late_statutory_ico_notification_only():
    now = utc(2026, 3, 20, 12, 0)
    rows = [
        obligation(ObligationKind.ico_notification, due_at=now - timedelta(minutes=1)),  # overdue
        obligation(
            ObligationKind.ico_second_target,
            status=ObligationStatus.met,
            late_by_seconds=60,
            due_at=now - timedelta(days=3),
        ),  # filed late
        obligation(
            ObligationKind.ico_notification,
            status=ObligationStatus.met,
            late_by_seconds=0,
            due_at=now - timedelta(days=3),
        ),  # on time
        obligation(ObligationKind.ico_notification, due_at=now + timedelta(minutes=1)),  # not yet due
        obligation(ObligationKind.ico_initial_target, statutory=False, due_at=now - timedelta(days=1)),  # internal
        obligation(ObligationKind.customer_notice_decision, statutory=False, due_at=now - timedelta(days=1)),
        obligation(
            ObligationKind.ico_second_target, status=ObligationStatus.not_required, due_at=now - timedelta(days=1)
        ),
    ]
    assert rules.penalty_exposure(rows, now) == 2 * rules.FIXED_PENALTY_POUNDS == 2000
    assert rules.EARLY_PAYMENT_PENALTY_POUNDS == 800
