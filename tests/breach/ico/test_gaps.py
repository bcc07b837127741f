"""Second notifications with gaps, what changed since the earlier filing, amendments of late filings and the
stage picker: on a real database, and the pure rules with their awkward cases."""

from __future__ import annotations

from datetime import date, timedelta

import pytest

from breach import service
from breach.ico import rules as ico_rules
from breach.models import BreachUpdate
from provider.errors import FieldError, Invalid
from tests.breach.test_service import DUE, SECTION_1, SECTION_2, add_profile, create, error_fields, file_and_submit
from tests.conftest import START, TESTER

TODAY = date(2026, 3, 9)


def test_a_second_with_every_missing_item_explained_is_filed_and_says_not_yet_known(session):
    add_profile(session)
    breach = create(session, **SECTION_1)
    file_and_submit(session, breach)
    partial = {k: v for k, v in SECTION_2.items() if k not in ("individuals_affected", "mitigation_measures")}
    service.update_breach(session, actor=TESTER, now=START, breach_id=breach.id, data=BreachUpdate(**partial))
    with pytest.raises(Invalid) as raised:
        service.file_notification(session, actor=TESTER, now=START, breach_id=breach.id, stage="second")
    assert sorted(error_fields(raised)) == ["individuals_affected", "mitigation_measures"]
    assert "give the reason" in raised.value.errors[0].reason
    gaps = {
        "individuals_affected": {"reason": "Billing re-run under way", "expected": None},
        "mitigation_measures": {"reason": "Supplier report awaited", "expected": date(2026, 3, 20)},
    }
    filing = service.file_notification(session, actor=TESTER, now=START, breach_id=breach.id, stage="second", gaps=gaps)
    assert filing.snapshot["gaps"]["mitigation_measures"] == {
        "reason": "Supplier report awaited",
        "expected": "2026-03-20",
    }
    changed = {item["field"] for item in filing.snapshot["changes"]["items"]}
    assert filing.snapshot["changes"]["since_sequence"] == 1
    assert {"breach.summary", "breach.likely_consequences"} <= changed and "breach.title" not in changed


def test_a_gap_without_its_expected_date_is_refused_naming_the_item(session):
    add_profile(session)
    breach = create(session, **SECTION_1)
    file_and_submit(session, breach)
    gaps = {name: {"reason": "later", "expected": None} for name in ico_rules.SECTION_2_FIELDS}
    with pytest.raises(Invalid) as raised:
        service.file_notification(session, actor=TESTER, now=START, breach_id=breach.id, stage="second", gaps=gaps)
    assert "individuals_affected" not in error_fields(raised)  # "not yet known" needs only a reason
    assert "summary" in error_fields(raised)
    assert all("expected" in e.reason for e in raised.value.errors)


def test_an_amendment_of_a_late_filing_says_it_is_late(session):
    add_profile(session)
    breach = create(session, **SECTION_1)
    late = file_and_submit(session, breach, DUE + timedelta(hours=2), delay_reasons="Forensics")
    later = DUE + timedelta(days=1)
    amendment = service.file_notification(
        session, actor=TESTER, now=later, breach_id=breach.id, stage="initial", supersedes_id=late.id
    )
    assert (amendment.late, amendment.late_by_seconds, amendment.delay_reasons) == (True, 7200, "Forensics")
    assert amendment.snapshot["filing"]["late"] is True


def test_an_amendment_of_a_filing_made_in_time_but_submitted_late_is_late(session):
    add_profile(session)
    breach = create(session, **SECTION_1)
    made = service.file_notification(
        session, actor=TESTER, now=DUE - timedelta(hours=1), breach_id=breach.id, stage="initial"
    )
    service.record_submission(
        session,
        actor=TESTER,
        now=DUE + timedelta(hours=1),
        filing_id=made.id,
        method="email",
        delay_reasons="Portal down",
    )
    amendment = service.file_notification(
        session, actor=TESTER, now=DUE + timedelta(hours=3), breach_id=breach.id, stage="initial", supersedes_id=made.id
    )
    assert (amendment.late, amendment.late_by_seconds, amendment.delay_reasons) == (True, 3600, "Portal down")


def test_the_stage_picker_never_offers_initial_again():
    assert ico_rules.stage_options([]) == ["initial"]
    assert ico_rules.stage_options(["initial"]) == ["second", "amendment"]
    assert ico_rules.stage_options(["initial", "initial", "second"]) == ["follow_up", "amendment"]
    assert ico_rules.stage_options(["initial", "second", "follow_up"]) == ["follow_up", "amendment"]


def test_gap_rules_awkward_cases():
    missing = [FieldError("summary", "missing: a summary"), FieldError("occurred_at", "missing: when")]
    gaps = {"summary": {"reason": "  ", "expected": TODAY}}
    remaining, accepted = ico_rules.gap_errors(missing, gaps, "second", TODAY)
    assert [e.field for e in remaining] == ["summary", "occurred_at"] and accepted == {}  # Section 1 never gaps
    remaining, accepted = ico_rules.gap_errors(
        missing[:1], {"summary": {"reason": "x", "expected": TODAY}}, "second", TODAY
    )
    assert remaining == [] and accepted["summary"]["expected"] == "2026-03-09"  # today itself is fine
    yesterday = {"summary": {"reason": "x", "expected": TODAY - timedelta(days=1)}}
    remaining, _ = ico_rules.gap_errors(missing[:1], yesterday, "follow_up", TODAY)
    assert "already passed" in remaining[0].reason
    remaining, _ = ico_rules.gap_errors(missing[:1], {"summary": {"reason": "x", "expected": TODAY}}, "initial", TODAY)
    assert [e.field for e in remaining] == ["summary"]  # an initial takes no gaps


def test_snapshot_changes_list_only_what_changed():
    before = {
        "breach": {"summary": "a", "title": "t", "individuals_affected": None, "cross_border": ""},
        "provider": {"legal_name": "N"},
    }
    after = {
        "breach": {"summary": "b", "title": "t", "individuals_affected": 0, "cross_border": None},
        "provider": {"legal_name": "M"},
    }
    labels = {"summary": "S", "title": "T", "individuals_affected": "P", "cross_border": "C", "legal_name": "N"}
    changes = ico_rules.snapshot_changes(before, after, labels)
    # 0 people is an answer where None was not; "" and None are both no answer.
    assert [c["field"] for c in changes] == ["breach.summary", "breach.individuals_affected", "provider.legal_name"]
