"""Breach use cases on a real database (SQLite and PostgreSQL): recording, correcting, filing, freezing."""

from __future__ import annotations

import hashlib
import threading
from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import Engine
from sqlmodel import Session, select

from breach import obligations, rules, service
from breach.documents import render_ico_notification
from breach.models import (
    Breach,
    BreachCreate,
    BreachStatus,
    BreachUpdate,
    Filing,
    FilingStage,
    ObligationKind,
    Regime,
)
from provider.deadlines.models import Obligation, ObligationStatus
from provider.errors import Invalid, NotFound
from provider.profile.models import ProfileUpdate
from provider.profile.service import update_profile
from provider.security.audit import verify_chain
from provider.security.models import AuditEvent
from tests.conftest import START, TESTER

AWARE = datetime(2026, 3, 9, 14, 20, tzinfo=UTC)
DUE = datetime(2026, 3, 12, 15, 0, tzinfo=UTC)  # aware floored to the hour + 73 hours
SECTION_1 = {
    "occurred_at": datetime(2026, 3, 9, 8, 0, tzinfo=UTC),
    "data_categories": ["traffic_data"],
    "data_description": "Call detail records",
    "protection_measures": "Disk encryption",
    "other_providers": "none",
}
SECTION_2 = {
    "summary": "Laptop left on a train",
    "location_and_media": "Laptop SSD",
    "individuals_affected": 1200,
    "likely_consequences": "Calling patterns exposed",
    "mitigation_measures": "Remote wipe",
    "customer_notification_summary": "E-mail to 1,200 subscribers",
}


def facts(**overrides: object) -> BreachCreate:
    values: dict[str, object] = {
        "title": "Lost laptop",
        "circumstance": "loss",
        "detected_at": datetime(2026, 3, 9, 9, 0, tzinfo=UTC),
        "aware_at": AWARE,
    }
    values.update(overrides)
    return BreachCreate(**values)


def add_profile(session: Session, now: datetime = START) -> None:
    update_profile(
        session,
        actor=TESTER,
        now=now,
        data=ProfileUpdate(
            legal_name="Northwind Telecom Limited",
            address="1 Exchange Street, Leeds LS1 1AA",
            ico_registration_number="Z1234567",
            contact_name="Dana Scully",
            contact_email="dpo@northwind.example.com",
            contact_phone="0113 496 0000",
        ),
    )
    session.commit()


def create(session: Session, now: datetime = START, **overrides: object) -> Breach:
    breach = service.create_breach(session, actor=TESTER, now=now, data=facts(**overrides))
    session.commit()
    return breach


def kinds(session: Session, breach: Breach) -> dict[ObligationKind, Obligation]:
    rows = session.exec(select(Obligation).where(obligations.of_breaches([breach.id]))).all()
    return {ObligationKind(row.kind): row for row in rows}


def actions(session: Session) -> list[str]:
    return [e.action for e in session.exec(select(AuditEvent).order_by(AuditEvent.id)).all()]


def error_fields(raised: pytest.ExceptionInfo[Invalid]) -> list[str]:
    return [e.field for e in raised.value.errors]


# --- recording ------------------------------------------------------------------------------------------


def test_creating_a_breach_sets_reference_regime_and_every_obligation_in_one_audited_change(session):
    breach = create(session)
    assert (breach.reference, breach.regime, breach.status) == ("BR-2026-0001", Regime.duaa, BreachStatus.open)
    rows = kinds(session, breach)
    assert set(rows) == {
        ObligationKind.ico_notification,
        ObligationKind.ico_initial_target,
        ObligationKind.customer_notice_decision,
        ObligationKind.log_inclusion,
    }
    assert rows[ObligationKind.ico_notification].due_at == DUE
    assert rows[ObligationKind.ico_initial_target].due_at == AWARE + timedelta(hours=24)
    assert rows[ObligationKind.log_inclusion].period == "2026-03"
    assert actions(session) == ["breach.created"]


def test_references_are_numbered_per_london_year_of_awareness(session):
    first = create(session)
    old = create(
        session, aware_at=datetime(2025, 8, 19, 22, 0, tzinfo=UTC), detected_at=datetime(2025, 8, 19, 21, 0, tzinfo=UTC)
    )
    second = create(session)
    assert [first.reference, old.reference, second.reference] == ["BR-2026-0001", "BR-2025-0001", "BR-2026-0002"]
    assert old.regime is Regime.eu_611_2013
    assert ObligationKind.ico_initial_target not in kinds(session, old)
    assert kinds(session, old)[ObligationKind.ico_notification].due_at == datetime(2025, 8, 20, 23, 0, tzinfo=UTC)


def test_concurrent_creation_never_hands_out_the_same_reference(engine: Engine):
    references: list[str] = []
    failures: list[BaseException] = []

    def worker() -> None:
        try:
            with Session(engine, expire_on_commit=False) as own:
                references.append(create(own).reference)
        except BaseException as error:
            failures.append(error)

    threads = [threading.Thread(target=worker) for _ in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert failures == []
    assert sorted(references) == [f"BR-2026-{n:04d}" for n in range(1, 9)]


def test_a_30_hour_gap_without_justification_is_refused_and_nothing_is_stored(session):
    with pytest.raises(Invalid) as raised:
        create(session, detected_at=AWARE - timedelta(hours=30))
    assert error_fields(raised) == ["awareness_justification"]
    session.rollback()
    assert session.exec(select(Breach)).all() == [] and actions(session) == []


def test_a_30_hour_gap_with_justification_is_accepted_and_the_deadline_runs_from_awareness(session):
    breach = create(
        session,
        detected_at=AWARE - timedelta(hours=30),
        awareness_justification="Forensics needed two days to confirm data left the network",
    )
    assert kinds(session, breach)[ObligationKind.ico_notification].due_at == DUE


# --- correcting --------------------------------------------------------------------------------------------


def test_an_update_audits_only_the_fields_that_changed(session):
    breach = create(session)
    service.update_breach(
        session,
        actor=TESTER,
        now=START,
        breach_id=breach.id,
        data=BreachUpdate(title="Lost laptop (Leeds)", summary="Lost laptop"),
    )
    service.update_breach(
        session, actor=TESTER, now=START, breach_id=breach.id, data=BreachUpdate(title="Lost laptop (Leeds)")
    )  # no change: no event
    session.commit()
    events = session.exec(select(AuditEvent).where(AuditEvent.action == "breach.updated")).all()
    assert len(events) == 1
    assert events[0].before == '{"summary":"","title":"Lost laptop"}'
    assert events[0].after == '{"summary":"Lost laptop","title":"Lost laptop (Leeds)"}'


def test_null_for_a_required_field_is_refused_but_clears_a_nullable_one(session):
    breach = create(session, individuals_affected=5)
    with pytest.raises(Invalid) as raised:
        service.update_breach(
            session, actor=TESTER, now=START, breach_id=breach.id, data=BreachUpdate.model_validate({"title": None})
        )
    assert error_fields(raised) == ["title"]
    updated = service.update_breach(
        session,
        actor=TESTER,
        now=START,
        breach_id=breach.id,
        data=BreachUpdate.model_validate({"individuals_affected": None}),
    )
    assert updated.individuals_affected is None


def test_correcting_awareness_before_filing_moves_open_deadlines_and_is_audited(session):
    breach = create(session)
    service.update_breach(
        session, actor=TESTER, now=START, breach_id=breach.id, data=BreachUpdate(aware_at=AWARE + timedelta(hours=2))
    )
    session.commit()
    assert kinds(session, breach)[ObligationKind.ico_notification].due_at == DUE + timedelta(hours=2)
    assert actions(session)[-2:] == ["breach.updated", "breach.obligations_recomputed"]


def test_an_invalid_correction_is_refused_with_every_problem(session):
    breach = create(session)
    with pytest.raises(Invalid) as raised:
        service.update_breach(
            session,
            actor=TESTER,
            now=START,
            breach_id=breach.id,
            data=BreachUpdate(aware_at=AWARE + timedelta(days=2), occurred_at=AWARE + timedelta(days=3)),
        )
    assert error_fields(raised) == ["awareness_justification", "occurred_at", "occurred_at", "aware_at"]


def test_correcting_awareness_across_the_duaa_boundary_changes_regime_and_retires_the_internal_target(session):
    breach = create(
        session,
        now=START,
        aware_at=datetime(2025, 8, 19, 23, 30, tzinfo=UTC),
        detected_at=datetime(2025, 8, 19, 23, 0, tzinfo=UTC),
    )
    assert breach.regime is Regime.duaa
    service.update_breach(
        session,
        actor=TESTER,
        now=START,
        breach_id=breach.id,
        data=BreachUpdate(
            aware_at=datetime(2025, 8, 19, 22, 30, tzinfo=UTC), detected_at=datetime(2025, 8, 19, 22, 0, tzinfo=UTC)
        ),
    )
    session.commit()
    rows = kinds(session, breach)
    assert breach.regime is Regime.eu_611_2013
    assert rows[ObligationKind.ico_notification].due_at == datetime(2025, 8, 20, 23, 0, tzinfo=UTC)
    assert rows[ObligationKind.ico_initial_target].status == ObligationStatus.not_required


def test_correcting_awareness_after_filing_does_not_make_a_late_filing_on_time(session):
    add_profile(session)
    breach = create(session, **SECTION_1)
    filed_at = DUE + timedelta(hours=5)
    filing = service.file_notification(
        session,
        actor=TESTER,
        now=filed_at,
        breach_id=breach.id,
        stage=FilingStage.initial,
        delay_reasons="Waited for the forensic report",
    )
    session.commit()
    assert (filing.late, filing.late_by_seconds) == (True, 5 * 3600)
    # Awareness corrected to two days later: a fresh computation would put the filing on time.
    service.update_breach(
        session,
        actor=TESTER,
        now=filed_at,
        breach_id=breach.id,
        data=BreachUpdate(
            aware_at=AWARE + timedelta(days=2), awareness_justification="Confirmation only came on the 11th"
        ),
    )
    session.commit()
    rows = kinds(session, breach)
    statutory = rows[ObligationKind.ico_notification]
    assert rules.ico_notification_due(Regime.duaa, AWARE + timedelta(days=2)) > filed_at
    assert (statutory.status, statutory.due_at, statutory.first_filed_at, statutory.late_by_seconds) == (
        ObligationStatus.met,
        DUE,
        filed_at,
        5 * 3600,
    )
    assert session.get(Filing, filing.id).late is True
    assert rows[ObligationKind.customer_notice_decision].due_at == AWARE + timedelta(days=2, hours=72)
    assert rules.penalty_exposure(rows.values(), filed_at) == 1000


# --- filing ---------------------------------------------------------------------------------------------


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
    assert actions(session)[-1] == "breach.filed"


def test_under_611_the_second_notification_is_a_statutory_deadline_and_late_needs_justification(session):
    add_profile(session)
    breach = create(
        session,
        aware_at=datetime(2024, 5, 2, 12, 20, tzinfo=UTC),
        detected_at=datetime(2024, 5, 2, 12, 0, tzinfo=UTC),
        **{**SECTION_1, "occurred_at": datetime(2024, 5, 2, 11, 0, tzinfo=UTC)},
    )
    initial_at = datetime(2024, 5, 3, 9, 0, tzinfo=UTC)
    service.file_notification(session, actor=TESTER, now=initial_at, breach_id=breach.id, stage="initial")
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
    service.file_notification(session, actor=TESTER, now=START, breach_id=breach.id, stage="initial")
    assert kinds(session, breach)[ObligationKind.ico_second_target].status == ObligationStatus.not_required


def test_filing_order_is_enforced_and_an_amendment_is_a_new_filing_that_supersedes(session):
    add_profile(session)
    breach = create(session, **SECTION_1)
    with pytest.raises(Invalid) as raised:
        service.file_notification(session, actor=TESTER, now=START, breach_id=breach.id, stage="follow_up")
    assert error_fields(raised)[0] == "stage" and "file the initial" in raised.value.errors[0].reason
    first = service.file_notification(session, actor=TESTER, now=START, breach_id=breach.id, stage="initial")
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


# --- listing ---------------------------------------------------------------------------------------------


def test_listing_filters_by_status_open_deadline_and_text(session):
    add_profile(session)
    soon = create(session, title="Misdirected bill")
    filed = create(session, title="Stolen 50% of backups", **SECTION_1)
    service.file_notification(session, actor=TESTER, now=START, breach_id=filed.id, stage="initial")
    service.update_breach(
        session, actor=TESTER, now=START, breach_id=filed.id, data=BreachUpdate(status=BreachStatus.closed)
    )
    session.commit()
    assert [b.id for b in service.list_breaches(session, status=BreachStatus.closed).items] == [filed.id]
    # Both have open obligations further out; only the unfiled one has one (its 24-hour target) open before then.
    assert [b.id for b in service.list_breaches(session, due_before=AWARE + timedelta(hours=25)).items] == [soon.id]
    assert [b.id for b in service.list_breaches(session, q="50%").items] == [filed.id]
    assert [b.id for b in service.list_breaches(session, q="br-2026-0001").items] == [soon.id]
    page = service.list_breaches(session, limit=1, offset=1)
    assert (page.total, len(page.items)) == (2, 1)
    due = [(o.kind, b.id) for o, b in service.open_obligations(session, due_before=DUE + timedelta(minutes=1))]
    assert due == [
        (ObligationKind.ico_initial_target, soon.id),
        (ObligationKind.customer_notice_decision, soon.id),
        (ObligationKind.customer_notice_decision, filed.id),
        (ObligationKind.ico_notification, soon.id),
    ]


def test_every_change_leaves_the_audit_chain_intact(session):
    add_profile(session)
    breach = create(session, **SECTION_1)
    service.file_notification(session, actor=TESTER, now=START, breach_id=breach.id, stage="initial")
    service.record_ico_reference(session, actor=TESTER, now=START, breach_id=breach.id, ico_reference="ENQ1")
    session.commit()
    assert verify_chain(session).intact
