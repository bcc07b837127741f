"""Filing ICO notifications on a real database (SQLite and PostgreSQL): refusals that list every missing
item, exact PDF bytes with their hash and snapshot, obligations met with frozen lateness, amendments."""

from __future__ import annotations

import hashlib
from datetime import UTC, datetime, timedelta

import pytest

from breach import service
from breach.documents import render_ico_notification
from breach.models import (
    Breach,
    BreachUpdate,
    Filing,
    ObligationKind,
)
from provider.deadlines.models import ObligationStatus
from provider.errors import Invalid, NotFound
from tests.breach.test_service import (
    DUE,
    SECTION_1,
    SECTION_2,
    actions,
    add_profile,
    create,
    error_fields,
    file_and_submit,
    kinds,
)
from tests.conftest import START, TESTER


def test_filing_without_a_profile_or_section_1_lists_every_missing_field(session):
    breach = create(session)
    with pytest.raises(Invalid) as raised:
        service.file_notification(session, actor=TESTER, now=START, breach_id=breach.id, stage="initial")
    assert error_fields(raised) == [
        "provider_profile",
        "occurred_at",
        "data_categories",
        "data_description",
        "protection_measures",
        "other_providers",
    ]


def test_a_second_notification_needs_every_section_2_field(session):
    add_profile(session)
    breach = create(session, **SECTION_1)
    service.file_notification(session, actor=TESTER, now=START, breach_id=breach.id, stage="initial")
    with pytest.raises(Invalid) as raised:
        service.file_notification(session, actor=TESTER, now=START, breach_id=breach.id, stage="second")
    assert sorted(error_fields(raised)) == sorted(SECTION_2)


def test_a_late_filing_without_reasons_is_refused_and_the_deadline_stays_open(session):
    add_profile(session)
    breach = create(session, **SECTION_1)
    with pytest.raises(Invalid) as raised:
        service.file_notification(
            session, actor=TESTER, now=DUE + timedelta(seconds=1), breach_id=breach.id, stage="initial"
        )
    assert error_fields(raised) == ["delay_reasons"]
    session.rollback()
    assert kinds(session, breach)[ObligationKind.ico_notification].status == ObligationStatus.open


def test_filing_at_the_deadline_instant_is_on_time(session):
    add_profile(session)
    breach = create(session, **SECTION_1)
    filing = service.file_notification(session, actor=TESTER, now=DUE, breach_id=breach.id, stage="initial")
    assert (filing.late, filing.late_by_seconds) == (False, 0)


def test_an_initial_filing_stores_exact_pdf_hash_and_snapshot_and_meets_its_obligations(session):
    add_profile(session)
    breach = create(session, **SECTION_1)
    filed_at = START + timedelta(hours=1)
    filing = service.file_notification(session, actor=TESTER, now=filed_at, breach_id=breach.id, stage="initial")
    session.commit()
    assert kinds(session, breach)[ObligationKind.ico_notification].status == ObligationStatus.open  # not yet sent
    service.record_submission(session, actor=TESTER, now=filed_at, filing_id=filing.id, method="online_form")
    session.commit()
    stored = session.get(Filing, filing.id)
    assert stored.sequence == 1 and stored.pdf_bytes.startswith(b"%PDF")
    assert hashlib.sha256(stored.pdf_bytes).hexdigest() == stored.pdf_sha256
    assert render_ico_notification(stored.snapshot) == stored.pdf_bytes  # re-derivable from the snapshot
    assert set(stored.snapshot) == {"provider", "breach", "filing", "timezone"}
    assert set(stored.snapshot["filing"]) == {
        "stage",
        "sequence",
        "filed_at",
        "filed_by",
        "late",
        "late_by_seconds",
        "delay_reasons",
        "ico_reference",
        "supersedes_sequence",
        "statutory_due_at",
        "regime",
    }
    assert set(stored.snapshot["breach"]) == set(Breach.model_fields) - {"id", "created_by", "updated_at"}
    assert stored.snapshot["filing"]["statutory_due_at"] == "2026-03-12T15:00:00+00:00"
    assert stored.snapshot["provider"]["legal_name"] == "Northwind Telecom Limited"
    rows = kinds(session, breach)
    for kind in (ObligationKind.ico_notification, ObligationKind.ico_initial_target):
        assert (rows[kind].status, rows[kind].first_filed_at) == (ObligationStatus.met, filed_at)
    assert rows[ObligationKind.ico_initial_target].late_by_seconds == 0
    second = rows[ObligationKind.ico_second_target]
    assert (second.status, second.statutory, second.anchor_at, second.due_at) == (
        ObligationStatus.open,
        False,
        filed_at,
        filed_at + timedelta(days=3),
    )
    assert actions(session)[-2:] == ["breach.filed", "breach.filing_submitted"]


def test_under_611_the_second_notification_is_a_statutory_deadline_and_late_needs_justification(session):
    add_profile(session)
    breach = create(
        session,
        aware_at=datetime(2024, 5, 2, 12, 20, tzinfo=UTC),
        detected_at=datetime(2024, 5, 2, 12, 0, tzinfo=UTC),
        **{**SECTION_1, "occurred_at": datetime(2024, 5, 2, 11, 0, tzinfo=UTC)},
    )
    initial_at = datetime(2024, 5, 3, 9, 0, tzinfo=UTC)
    file_and_submit(session, breach, initial_at)
    second = kinds(session, breach)[ObligationKind.ico_second_target]
    assert (second.statutory, second.due_at) == (True, initial_at + timedelta(days=3))
    service.update_breach(session, actor=TESTER, now=initial_at, breach_id=breach.id, data=BreachUpdate(**SECTION_2))
    late_at = initial_at + timedelta(days=3, minutes=1)
    with pytest.raises(Invalid) as raised:
        service.file_notification(session, actor=TESTER, now=late_at, breach_id=breach.id, stage="second")
    assert error_fields(raised) == ["delay_reasons"] and "reasoned justification" in raised.value.errors[0].reason
    filing = service.file_notification(
        session,
        actor=TESTER,
        now=late_at,
        breach_id=breach.id,
        stage="second",
        delay_reasons="Subscriber count needed a billing re-run",
    )
    assert (filing.late, filing.late_by_seconds, filing.snapshot["filing"]["regime"]) == (True, 60, "611/2013")


def test_a_complete_initial_notification_makes_the_second_not_required(session):
    add_profile(session)
    breach = create(session, **SECTION_1, **SECTION_2)
    file_and_submit(session, breach)
    assert kinds(session, breach)[ObligationKind.ico_second_target].status == ObligationStatus.not_required


def test_filing_order_is_enforced_and_an_amendment_is_a_new_filing_that_supersedes(session):
    add_profile(session)
    breach = create(session, **SECTION_1)
    with pytest.raises(Invalid) as raised:
        service.file_notification(session, actor=TESTER, now=START, breach_id=breach.id, stage="follow_up")
    assert error_fields(raised)[0] == "stage" and "file the initial" in raised.value.errors[0].reason
    first = file_and_submit(session, breach)
    first_bytes = bytes(first.pdf_bytes)
    with pytest.raises(Invalid) as raised:
        service.file_notification(session, actor=TESTER, now=START, breach_id=breach.id, stage="initial")
    assert error_fields(raised) == ["stage"]
    later = START + timedelta(hours=2)
    service.update_breach(
        session,
        actor=TESTER,
        now=later,
        breach_id=breach.id,
        data=BreachUpdate(data_description="Call detail records and cell IDs"),
    )
    amendment = service.file_notification(
        session, actor=TESTER, now=later, breach_id=breach.id, stage="initial", supersedes_id=first.id
    )
    session.commit()
    assert (amendment.sequence, amendment.supersedes_id, amendment.late) == (2, first.id, False)
    assert amendment.snapshot["filing"]["supersedes_sequence"] == 1
    assert bytes(session.get(Filing, first.id).pdf_bytes) == first_bytes
    assert kinds(session, breach)[ObligationKind.ico_notification].first_filed_at == START
    with pytest.raises(Invalid) as raised:
        service.file_notification(
            session, actor=TESTER, now=later, breach_id=breach.id, stage="initial", supersedes_id=first.id
        )
    assert error_fields(raised) == ["supersedes_id"]


def test_the_ico_reference_is_carried_onto_later_filings_only(session):
    add_profile(session)
    breach = create(session, **SECTION_1)
    first = service.file_notification(session, actor=TESTER, now=START, breach_id=breach.id, stage="initial")
    service.record_ico_reference(session, actor=TESTER, now=START, breach_id=breach.id, ico_reference="ENQ0012345")
    service.update_breach(session, actor=TESTER, now=START, breach_id=breach.id, data=BreachUpdate(**SECTION_2))
    second = service.file_notification(session, actor=TESTER, now=START, breach_id=breach.id, stage="second")
    session.commit()
    assert session.get(Filing, first.id).ico_reference is None
    assert second.ico_reference == second.snapshot["filing"]["ico_reference"] == "ENQ0012345"
    assert "breach.ico_reference_recorded" in actions(session)
    with pytest.raises(Invalid) as raised:
        service.file_notification(
            session, actor=TESTER, now=START, breach_id=breach.id, stage="follow_up", ico_reference="OTHER1"
        )
    assert error_fields(raised) == ["ico_reference"]


def test_pdf_download_returns_the_stored_bytes_and_a_named_file(session):
    add_profile(session)
    breach = create(session, **SECTION_1)
    filing = service.file_notification(session, actor=TESTER, now=START, breach_id=breach.id, stage="initial")
    session.commit()
    content, sha256, filename = service.get_filing_pdf(session, filing_id=filing.id)
    assert hashlib.sha256(content).hexdigest() == sha256 == filing.pdf_sha256
    assert filename == "BR-2026-0001-01-initial.pdf"
    with pytest.raises(NotFound):
        service.get_filing_pdf(session, filing_id=filing.id + 100)
