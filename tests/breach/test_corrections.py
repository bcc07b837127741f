"""Corrections of a breach's times after its statutory deadline passed: refused as a plain edit, requested
with a justification, decided by a second person only; nothing moves until approved, and the original
deadline stays on the breach's later filings."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from breach import corrections, rules, service
from breach.models import BreachUpdate, CorrectionStatus, ObligationKind
from provider.deadlines.models import ObligationStatus
from provider.errors import Conflict, Forbidden, Invalid
from tests.breach.test_service import AWARE, DUE, SECOND, SECTION_1, add_profile, create, error_fields, kinds
from tests.conftest import TESTER

LATER = AWARE + timedelta(hours=2)  # still within 24 hours of detection: no awareness justification needed


def test_before_the_deadline_a_correction_is_a_plain_edit(session):
    breach = create(session)
    service.update_breach(
        session, actor=TESTER, now=DUE - timedelta(minutes=1), breach_id=breach.id, data=BreachUpdate(aware_at=LATER)
    )
    assert kinds(session, breach)[ObligationKind.ico_notification].due_at > DUE


def test_after_the_deadline_nothing_moves_until_a_second_person_approves(session):
    add_profile(session)
    breach = create(session, **SECTION_1)
    after = DUE + timedelta(seconds=1)
    with pytest.raises(Invalid) as raised:
        service.update_breach(session, actor=TESTER, now=after, breach_id=breach.id, data=BreachUpdate(aware_at=LATER))
    assert error_fields(raised) == ["aware_at"] and "second person" in raised.value.errors[0].reason
    # Other facts still change freely.
    service.update_breach(session, actor=TESTER, now=after, breach_id=breach.id, data=BreachUpdate(title="Renamed"))
    with pytest.raises(Invalid) as raised:
        corrections.request_correction(
            session, actor=TESTER, now=after, breach_id=breach.id, changes={"aware_at": LATER}, justification=" "
        )
    assert error_fields(raised) == ["correction_justification"]
    request = corrections.request_correction(
        session, actor=TESTER, now=after, breach_id=breach.id, changes={"aware_at": LATER}, justification="Typo"
    )
    statutory = kinds(session, breach)[ObligationKind.ico_notification]
    assert (statutory.due_at, statutory.status) == (DUE, ObligationStatus.open)  # nothing moved yet
    with pytest.raises(Forbidden):
        corrections.decide_correction(session, actor=TESTER, now=after, correction_id=request.id, approve=True)
    corrections.decide_correction(session, actor=SECOND, now=after, correction_id=request.id, approve=True)
    assert request.status == CorrectionStatus.approved
    assert kinds(session, breach)[ObligationKind.ico_notification].due_at == rules.ico_notification_due("DUAA", LATER)
    with pytest.raises(Conflict):
        corrections.decide_correction(session, actor=SECOND, now=after, correction_id=request.id, approve=False)
    filing = service.file_notification(session, actor=TESTER, now=after, breach_id=breach.id, stage="initial")
    assert filing.snapshot["original_due"]["ico_notification"] == DUE.isoformat()
    assert corrections.original_deadlines(session, breach.id)["ico_notification"] == DUE.isoformat()


def test_a_rejected_correction_changes_nothing(session):
    breach = create(session)
    after = DUE + timedelta(hours=1)
    request = corrections.request_correction(
        session,
        actor=TESTER,
        now=after,
        breach_id=breach.id,
        changes={"detected_at": AWARE - timedelta(hours=1)},
        justification="x",
    )
    corrections.decide_correction(session, actor=SECOND, now=after, correction_id=request.id, approve=False)
    assert kinds(session, breach)[ObligationKind.ico_notification].due_at == DUE
    assert corrections.original_deadlines(session, breach.id) == {}


def test_the_rule_counts_the_deadline_instant_as_not_yet_passed():
    class Row:
        statutory, due_at, status, kind, late_by_seconds = True, DUE, "open", "ico_notification", None

    assert not rules.correction_needs_approval(["aware_at"], [Row()], DUE)
    assert rules.correction_needs_approval(["detected_at"], [Row()], DUE + timedelta(microseconds=1))
    assert not rules.correction_needs_approval(["title"], [Row()], DUE + timedelta(days=9))
    assert not rules.may_approve("Dana Hughes", " dana hughes ")
    assert datetime(2026, 1, 1, tzinfo=UTC) < DUE


def test_the_monthly_log_shows_the_original_deadline_beside_the_corrected_one(session):
    from breach.log import contents, documents
    from breach.log import rules as log_rules

    add_profile(session)
    breach = create(session, **SECTION_1)
    after = DUE + timedelta(seconds=1)
    request = corrections.request_correction(
        session, actor=TESTER, now=after, breach_id=breach.id, changes={"aware_at": LATER}, justification="Typo"
    )
    month = log_rules.period_of(breach.aware_at)
    assert contents.build_log(session, period=month, now=after).rows[0].ico_original_due_at is None
    corrections.decide_correction(session, actor=SECOND, now=after, correction_id=request.id, approve=True)
    row = contents.build_log(session, period=month, now=after).rows[0]
    assert row.ico_original_due_at == DUE and row.ico_due_at == rules.ico_notification_due("DUAA", LATER)
    assert documents.row_cells(row)[documents.ORIGINAL_DUE] == documents.when(DUE)
