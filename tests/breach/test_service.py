"""Breach use cases on a real database (SQLite and PostgreSQL): recording, correcting, filing, freezing."""

from __future__ import annotations

import threading
from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import Engine
from sqlmodel import Session, select

from breach import corrections, obligations, rules, service
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
from provider.errors import Invalid
from provider.profile.models import ProfileUpdate
from provider.profile.service import update_profile
from provider.security.actor import system_actor
from provider.security.audit import verify_chain
from provider.security.models import AuditEvent
from tests.conftest import START, TESTER

AWARE = datetime(2026, 3, 9, 14, 20, tzinfo=UTC)
SECOND = system_actor("second approver")
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


def file_and_submit(session: Session, breach: Breach, now: datetime = START, stage: str = "initial", **kw: object):
    """File a stage and record it as submitted to the ICO at `now` (the submission meets the deadline)."""
    filing = service.file_notification(session, actor=TESTER, now=now, breach_id=breach.id, stage=stage, **kw)
    service.record_submission(session, actor=TESTER, now=now, filing_id=filing.id, method="online_form")
    return filing


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
    # Recorded long after its deadline, so the correction goes through a second person's approval.
    change = {
        "aware_at": datetime(2025, 8, 19, 22, 30, tzinfo=UTC),
        "detected_at": datetime(2025, 8, 19, 22, tzinfo=UTC),
    }
    request = corrections.request_correction(
        session, actor=TESTER, now=START, breach_id=breach.id, changes=change, justification="Clock read wrongly"
    )
    corrections.decide_correction(session, actor=SECOND, now=START, correction_id=request.id, approve=True)
    session.commit()
    rows = kinds(session, breach)
    assert breach.regime is Regime.eu_611_2013
    assert rows[ObligationKind.ico_notification].due_at == datetime(2025, 8, 20, 23, 0, tzinfo=UTC)
    assert rows[ObligationKind.ico_initial_target].status == ObligationStatus.not_required


def test_correcting_awareness_after_filing_does_not_make_a_late_filing_on_time(session):
    add_profile(session)
    breach = create(session, **SECTION_1)
    filed_at = DUE + timedelta(hours=5)
    filing = file_and_submit(
        session, breach, filed_at, stage=FilingStage.initial, delay_reasons="Waited for the forensic report"
    )
    session.commit()
    assert (filing.late, filing.late_by_seconds) == (True, 5 * 3600)
    # Awareness corrected to two days later: a fresh computation would put the filing on time. The deadline
    # has passed, so the correction is requested with a justification and approved by a second person.
    change = {"aware_at": AWARE + timedelta(days=2), "awareness_justification": "Confirmation only came on the 11th"}
    with pytest.raises(Invalid):
        service.update_breach(session, actor=TESTER, now=filed_at, breach_id=breach.id, data=BreachUpdate(**change))
    request = corrections.request_correction(
        session, actor=TESTER, now=filed_at, breach_id=breach.id, changes=change, justification="Wrong day typed"
    )
    corrections.decide_correction(session, actor=SECOND, now=filed_at, correction_id=request.id, approve=True)
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


# --- listing ---------------------------------------------------------------------------------------------


def test_listing_filters_by_status_open_deadline_and_text(session):
    add_profile(session)
    soon = create(session, title="Misdirected bill")
    filed = create(session, title="Stolen 50% of backups", **SECTION_1)
    file_and_submit(session, filed)
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
