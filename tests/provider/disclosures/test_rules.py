"""The register's rules: decisions need reasons and a sane time, disclosures a decision to disclose."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest

from provider.disclosures import rules
from provider.disclosures.models import Decision, LegalBasis

NOW = datetime(2026, 11, 30, 12, tzinfo=UTC)


def fields(errors):
    return [error.field for error in errors]


def test_a_decision_must_be_one_and_sit_between_the_request_and_now():
    received = NOW - timedelta(days=2)
    assert rules.decision_errors(Decision.refused, received_at=received, decided_at=NOW, now=NOW) == []
    assert fields(rules.decision_errors(Decision.pending, received_at=received, decided_at=NOW, now=NOW)) == [
        "decision"
    ]
    early = rules.decision_errors(Decision.disclosed, received_at=received, decided_at=received - timedelta(1), now=NOW)
    assert fields(early) == ["decided_at"]
    late = rules.decision_errors(Decision.disclosed, received_at=received, decided_at=NOW + timedelta(hours=1), now=NOW)
    assert fields(late) == ["decided_at"]


@pytest.mark.parametrize("decision", [Decision.pending, Decision.refused])
def test_nothing_can_be_disclosed_without_a_decision_to_disclose(decision):
    assert fields(rules.disclosure_errors(decision, decided_at=None, disclosed_at=NOW, now=NOW)) == ["summary"]


def test_a_disclosure_follows_its_decision():
    decided = NOW - timedelta(hours=3)
    assert rules.disclosure_errors(Decision.partly_disclosed, decided_at=decided, disclosed_at=NOW, now=NOW) == []
    before = rules.disclosure_errors(
        Decision.disclosed, decided_at=decided, disclosed_at=decided - timedelta(1), now=NOW
    )
    assert fields(before) == ["disclosed_at"]


def test_report_days_are_london_days_across_the_clock_change():
    start, end = rules.period_bounds(date(2026, 10, 1), date(2026, 10, 31), ZoneInfo("Europe/London"))
    assert start == datetime(2026, 9, 30, 23, tzinfo=UTC) and end == datetime(2026, 11, 1, 0, tzinfo=UTC)


def test_counts_list_every_basis_and_response_including_zeros():
    by_basis, by_decision = rules.counts(
        [(LegalBasis.court_order, Decision.refused), (LegalBasis.court_order, Decision.disclosed)]
    )
    assert dict(by_basis)["court_order"] == 2 and dict(by_basis)["ipa_warrant"] == 0
    assert len(by_basis) == len(LegalBasis)
    assert dict(by_decision) == {"pending": 0, "disclosed": 1, "partly_disclosed": 0, "refused": 1}


def test_a_period_that_ends_before_it_starts_is_refused():
    assert fields(rules.period_errors(date(2026, 3, 2), date(2026, 3, 1))) == ["date_to"]
    assert fields(rules.period_errors(date(1, 1, 1), date(2026, 3, 1))) == ["date_from"]
