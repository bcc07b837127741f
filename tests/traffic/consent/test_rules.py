"""The consent rules (PECR reg 7, 8, 14, 16) as pure functions: every purpose and data kind, the
person the data is about, withdrawal, the privacy switch, emergencies and the named service."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from traffic.consent import rules
from traffic.consent.models import ConsentAction, ConsentPurpose, DataKind, NoticeKind
from traffic.consent.models import ProcessingPurpose as Purpose

NOW = datetime(2026, 10, 25, 1, 30, tzinfo=UTC)  # the night the clocks go back
GIVEN = rules.ConsentState(ConsentAction.given, NOW - timedelta(days=3))
WITHDRAWN = rules.ConsentState(ConsentAction.withdrawn, NOW - timedelta(seconds=1))
NO_CONSENT = [
    Purpose.billing,
    Purpose.traffic_management,
    Purpose.customer_enquiry,
    Purpose.fraud,
    Purpose.dispute_resolution,
]


def _ask(kind, purpose, consent=None, switch=None, **extra):
    return rules.decide(rules.Question(kind, purpose, **extra), consent, switch_until=switch)


@pytest.mark.parametrize("purpose", NO_CONSENT)
def test_traffic_data_for_purposes_without_consent_is_allowed_even_after_a_withdrawal(purpose):
    decision = _ask(DataKind.traffic, purpose, WITHDRAWN)
    assert decision.allowed and "reg" in decision.basis


@pytest.mark.parametrize("purpose", NO_CONSENT + [Purpose.marketing])
def test_identifiable_location_data_is_refused_for_every_purpose_but_a_consented_service(purpose):
    assert not _ask(DataKind.location, purpose, GIVEN).allowed


@pytest.mark.parametrize("purpose", [*NO_CONSENT, Purpose.marketing, Purpose.vas])
def test_anonymous_location_data_is_allowed_whatever_the_purpose(purpose):
    assert _ask(DataKind.location, purpose, None, switch=NOW + timedelta(hours=1), anonymous=True).allowed


@pytest.mark.parametrize(
    ("kind", "purpose", "service"),
    [
        (DataKind.traffic, Purpose.marketing, ""),
        (DataKind.traffic, Purpose.vas, "travel"),
        (DataKind.location, Purpose.vas, "travel"),
    ],
)
def test_consent_purposes_need_a_current_consent(kind, purpose, service):
    assert not _ask(kind, purpose, None, service_name=service).allowed
    assert _ask(kind, purpose, GIVEN, service_name=service).allowed
    withdrawn = _ask(kind, purpose, WITHDRAWN, service_name=service)
    assert not withdrawn.allowed and "withdrew" in withdrawn.reason


def test_vas_without_a_service_name_is_refused_even_with_a_consent():
    assert not _ask(DataKind.traffic, Purpose.vas, GIVEN).allowed


def test_the_reason_names_whose_consent_is_missing():
    decision = _ask(DataKind.traffic, Purpose.marketing, None, person="the line user")
    assert "the line user has not consented" in decision.reason


def test_an_active_privacy_switch_refuses_location_even_with_consent_but_not_traffic_data():
    until = NOW + timedelta(minutes=5)
    denied = _ask(DataKind.location, Purpose.vas, GIVEN, switch=until, service_name="travel")
    assert not denied.allowed and "privacy switch" in denied.reason
    assert _ask(DataKind.traffic, Purpose.vas, GIVEN, switch=until, service_name="travel").allowed


@pytest.mark.parametrize("number", ["999", "112", " 112 "])
@pytest.mark.parametrize("kind", list(DataKind))
def test_emergency_calls_lift_the_location_restriction_and_the_switch(number, kind):
    assert _ask(kind, Purpose.emergency, None, switch=NOW + timedelta(hours=1), called_number=number).allowed


@pytest.mark.parametrize("number", ["", "911", "101", "0999"])
def test_only_999_and_112_are_emergency_calls(number):
    assert not _ask(DataKind.location, Purpose.emergency, GIVEN, called_number=number).allowed


def test_switch_is_active_from_start_until_end_or_until_switched_off():
    start, end = NOW, NOW + timedelta(hours=2)
    assert not rules.switch_active(starts_at=start, ends_at=end, ended_at=None, now=start - timedelta(seconds=1))
    assert rules.switch_active(starts_at=start, ends_at=end, ended_at=None, now=start)
    assert not rules.switch_active(starts_at=start, ends_at=end, ended_at=None, now=end)
    off = start + timedelta(minutes=10)
    assert not rules.switch_active(starts_at=start, ends_at=end, ended_at=off, now=off)


def test_a_switch_must_end_in_the_future_after_its_start_and_within_30_days():
    assert rules.switch_errors(starts_at=NOW, ends_at=NOW, now=NOW)[0].field == "ends_at"
    assert rules.switch_errors(starts_at=NOW - timedelta(hours=2), ends_at=NOW - timedelta(hours=1), now=NOW)
    assert rules.switch_errors(starts_at=NOW, ends_at=NOW + timedelta(days=30, seconds=1), now=NOW)
    assert rules.switch_errors(starts_at=NOW, ends_at=NOW + timedelta(days=30), now=NOW) == []


@pytest.mark.parametrize("method", ["bill", "Privacy Policy", "privacy_policy", "terms"])
def test_a_bill_or_privacy_policy_is_never_consent(method):
    assert "never consent" in rules.method_errors(method)[0].reason


def test_each_method_names_its_evidence():
    fields = {e.field for e in rules.method_errors("call_centre")}
    assert fields == {"agent_name", "script_version"}
    assert {e.field for e in rules.method_errors("call_centre", giving=False)} == {"agent_name"}
    assert rules.method_errors("signed_form")[0].field == "evidence_reference"
    assert rules.method_errors("web") == []
    assert rules.method_errors("fax")[0].field == "method"


def test_a_corporate_subscriber_consents_through_a_named_representative_and_only_it_does():
    assert rules.representative_errors(corporate=True, for_user=False, representative_name="")
    assert rules.representative_errors(corporate=True, for_user=False, representative_name="Jo Smith, CTO") == []
    # a named user of a corporate line consents for their own data, in person
    assert rules.representative_errors(corporate=True, for_user=True, representative_name="Jo Smith")
    assert rules.representative_errors(corporate=True, for_user=True, representative_name="") == []
    assert rules.representative_errors(corporate=False, for_user=False, representative_name="Jo Smith")


def test_consent_follows_the_notice_served_to_that_person():
    served = NOW - timedelta(hours=1)
    assert rules.timing_errors(given_at=NOW, served_at=None, now=NOW)[0].field == "version_id"
    assert rules.timing_errors(given_at=served - timedelta(seconds=1), served_at=served, now=NOW)[0].field == "given_at"
    assert rules.timing_errors(given_at=served, served_at=served, now=NOW) == []
    assert rules.timing_errors(given_at=NOW + timedelta(seconds=1), served_at=served, now=NOW)


def test_which_notice_each_consent_needs_and_what_cannot_be_consented():
    assert rules.notice_for(DataKind.traffic, ConsentPurpose.marketing) is NoticeKind.marketing
    assert rules.notice_for(DataKind.traffic, ConsentPurpose.vas) is NoticeKind.vas
    assert rules.notice_for(DataKind.location, ConsentPurpose.vas) is NoticeKind.location
    assert rules.consent_scope_errors(DataKind.location, ConsentPurpose.marketing, "")[0].field == "purpose"
    assert rules.consent_scope_errors(DataKind.traffic, ConsentPurpose.vas, " ")[0].field == "service_name"
    assert rules.consent_scope_errors(DataKind.traffic, ConsentPurpose.marketing, "travel")[0].field == "service_name"
