"""Retention rules for each class, awkward cases included."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

import pytest

from traffic import rules
from traffic.models import BillStatus, HoldBasis, RetentionClass
from traffic.rules import BillState, HoldScope, RetentionPolicy

POLICY = RetentionPolicy()
CALL = datetime(2026, 1, 31, 23, 30, tzinfo=UTC)


def _traffic(**fields) -> rules.Retention:
    values = {"start_at": CALL, "end_at": CALL + timedelta(minutes=5), "ended": True, "bill_ref": None,
              "consented_service": None, "bill": None, "holds": [], "policy": POLICY}  # fmt: skip
    return rules.traffic_retention(**{**values, **fields})


def test_transmission_only_goes_hours_after_the_communication_ends():
    assert _traffic() == rules.Retention(RetentionClass.transmission, CALL + timedelta(minutes=5, hours=24))
    assert _traffic(ended=False).retain_until == CALL + timedelta(days=7)  # still open: kept to convey it


def test_billing_is_kept_months_after_the_bill_clipped_to_month_end():
    assert _traffic(bill_ref="B1").retain_until == datetime(2027, 1, 31, 23, 30, tzinfo=UTC)
    issued = datetime(2026, 2, 3, tzinfo=UTC)
    kept = _traffic(bill_ref="B1", bill=BillState(BillStatus.paid, issued)).retain_until
    assert kept == datetime(2027, 2, 3, tzinfo=UTC)
    assert rules.add_months(datetime(2026, 1, 31, tzinfo=UTC), 1) == datetime(2026, 2, 28, tzinfo=UTC)


@pytest.mark.parametrize("status", [BillStatus.unpaid, BillStatus.disputed])
def test_unpaid_or_disputed_bills_keep_billing_data_to_the_six_year_bound(status):
    kept = _traffic(bill_ref="B1", bill=BillState(status, datetime(2026, 2, 3, tzinfo=UTC)))
    assert kept.retain_until == datetime(2032, 1, 31, 23, 30, tzinfo=UTC)


def test_a_resolved_bill_keeps_data_for_the_appeal_window_never_past_six_years():
    resolved = datetime(2027, 6, 1, tzinfo=UTC)
    kept = _traffic(bill_ref="B1", bill=BillState(BillStatus.resolved, datetime(2026, 2, 3, tzinfo=UTC), resolved))
    assert kept.retain_until == resolved + timedelta(days=28)
    late = datetime(2032, 1, 20, tzinfo=UTC)
    capped = _traffic(bill_ref="B1", bill=BillState(BillStatus.resolved, None, late))
    assert capped.retain_until == datetime(2032, 1, 31, 23, 30, tzinfo=UTC)


def test_consented_service_data_is_kept_for_the_consented_period():
    assert _traffic(consented_service="Traffic alerts") == rules.Retention(
        RetentionClass.consented, CALL + timedelta(days=90)
    )


def test_a_covering_hold_keeps_a_record_and_an_ipa_notice_only_12_months():
    court = HoldScope(HoldBasis.court_order, ends_at=datetime(2028, 1, 1, tzinfo=UTC))
    assert _traffic(holds=[court]) == rules.Retention(RetentionClass.held, datetime(2028, 1, 1, tzinfo=UTC))
    ipa = HoldScope(HoldBasis.ipa_retention_notice, ends_at=datetime(2028, 1, 1, tzinfo=UTC))
    assert _traffic(holds=[ipa]).retain_until == datetime(2027, 1, 31, 23, 30, tzinfo=UTC)
    short = HoldScope(HoldBasis.crime, ends_at=CALL)  # ends before the record would go anyway
    assert _traffic(holds=[short]).retention_class is RetentionClass.transmission


def test_hold_scope_covers_only_its_subscriber_line_and_dates():
    now = datetime(2026, 3, 1, tzinfo=UTC)
    hold = HoldScope(HoldBasis.crime, ends_at=now + timedelta(days=1), line_id=7, date_from=date(2026, 1, 1),
                     date_to=date(2026, 1, 31))  # fmt: skip
    assert hold.covers(subscriber_id=1, line_id=7, day=date(2026, 1, 31), now=now)
    assert not hold.covers(subscriber_id=1, line_id=8, day=date(2026, 1, 31), now=now)
    assert not hold.covers(subscriber_id=1, line_id=7, day=date(2026, 2, 1), now=now)
    assert not hold.covers(subscriber_id=1, line_id=7, day=date(2026, 1, 31), now=now + timedelta(days=1))


def test_an_ipa_hold_beyond_12_months_from_the_communication_is_refused():
    start = datetime(2026, 3, 1, tzinfo=UTC)
    ok = rules.hold_refusal(basis=HoldBasis.ipa_retention_notice, date_from=date(2026, 1, 1), date_to=None,
                            starts_at=start, ends_at=datetime(2027, 1, 1, tzinfo=UTC))  # fmt: skip
    assert ok is None
    too_long = rules.hold_refusal(basis=HoldBasis.ipa_retention_notice, date_from=date(2026, 1, 1), date_to=None,
                                  starts_at=start, ends_at=datetime(2027, 1, 1, 0, 1, tzinfo=UTC))  # fmt: skip
    assert too_long == ("ends_at", "an IPA retention notice may keep data at most 12 months from the communication")
    undated = rules.hold_refusal(basis=HoldBasis.ipa_retention_notice, date_from=None, date_to=None,
                                 starts_at=start, ends_at=start + timedelta(days=1))  # fmt: skip
    assert undated[0] == "date_from"
    court = rules.hold_refusal(basis=HoldBasis.court_order, date_from=None, date_to=None, starts_at=start,
                               ends_at=start + timedelta(days=3000))  # fmt: skip
    assert court is None


def test_emergency_alert_data_goes_7_days_after_the_alert_48_hours_for_a_test():
    end = datetime(2026, 3, 1, 12, tzinfo=UTC)
    live = rules.location_retention(observed_at=end, consented_service="x", alert=(end, False), holds=[], policy=POLICY)
    assert live == rules.Retention(RetentionClass.emergency_alert, end + timedelta(days=7))
    test = rules.location_retention(observed_at=end, consented_service=None, alert=(end, True), holds=[], policy=POLICY)
    assert test.retain_until == end + timedelta(hours=48)
