"""Building a month's log from the database, the monthly obligation, and recording a submission."""

from __future__ import annotations

import csv
import io
from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import select
from sqlmodel import Session

from breach.log import service
from breach.log.models import BreachLog, LogSubmission, SubmissionMethod
from breach.models import Breach, FilingStage, ObligationKind
from provider.deadlines.models import Obligation, ObligationStatus
from provider.errors import Conflict, Invalid
from provider.security.actor import system_actor
from provider.security.audit import verify_chain
from provider.security.models import AuditEvent
from tests.breach.log.factories import add_breach, add_filing, add_obligation, add_profile, pdf_text

ACTOR = system_actor("tests")
APRIL_SENT = datetime(2026, 4, 9, 9, 0, tzinfo=UTC)  # 10:00 BST on 9 April: after the 7 April due date


def _csv_rows(content: bytes) -> list[list[str]]:
    return list(csv.reader(io.StringIO(content.decode("utf-8-sig"))))


def test_a_breach_aware_at_00_30_bst_on_1_april_is_in_aprils_log_not_marchs(engine, clock):
    breach = add_breach(engine, aware_at=datetime(2026, 3, 31, 23, 30, tzinfo=UTC), now=clock.now())
    march_breach = add_breach(engine, aware_at=datetime(2026, 3, 31, 22, 59, tzinfo=UTC), now=clock.now())
    with Session(engine, expire_on_commit=False) as session:
        april = service.build_log(session, period="2026-04")
        march = service.build_log(session, period="2026-03")
    assert [row.reference for row in april.rows] == [breach.reference]
    assert [row.reference for row in march.rows] == [march_breach.reference]


def test_a_month_without_breaches_is_an_explicit_nil_return_in_both_documents(engine, clock):
    add_profile(engine, clock.now())
    add_breach(engine, aware_at=datetime(2026, 3, 5, tzinfo=UTC), now=clock.now())
    with Session(engine, expire_on_commit=False) as session:
        log = service.build_log(session, period="2026-02")
    csv_bytes, pdf_bytes = service.render_documents(log)
    rows = _csv_rows(csv_bytes)
    assert len(rows) == 2
    assert rows[0][3] == "Breach reference"
    assert rows[1][3] == "NIL RETURN"
    assert "Nil return — no personal data breaches in February 2026" in rows[1]
    assert rows[1][0] == "Northwind Telecom Ltd"
    assert "Nil return — no personal data breaches in February 2026" in pdf_text(pdf_bytes)


def test_a_row_carries_first_filing_per_stage_frozen_lateness_and_the_customer_notice_decision(engine, clock):
    aware = datetime(2026, 3, 2, 9, 20, tzinfo=UTC)
    breach = add_breach(
        engine,
        aware_at=aware,
        now=clock.now(),
        summary="Bills posted to the wrong address",
        mitigation_measures="Recalled the letters",
    )
    due = datetime(2026, 3, 5, 10, 0, tzinfo=UTC)
    # The obligation froze 2 hours late at its first filing; a later correction moved due_at (frozen value wins).
    add_obligation(
        engine,
        breach_id=breach.id,
        kind=ObligationKind.ico_notification,
        anchor_at=aware,
        due_at=due + timedelta(days=1),
        now=clock.now(),
        status=ObligationStatus.met,
        first_filed_at=due + timedelta(hours=2),
        late_by_seconds=7200,
    )
    add_obligation(
        engine,
        breach_id=breach.id,
        kind=ObligationKind.customer_notice_decision,
        anchor_at=aware,
        due_at=None,
        now=clock.now(),
        recipient="customers",
        statutory=False,
        decision="notify",
        decided_at=datetime(2026, 3, 3, tzinfo=UTC),
        decision_rationale="Itemised call lists exposed",
    )
    add_filing(
        engine,
        breach_id=breach.id,
        sequence=1,
        stage=FilingStage.initial,
        filed_at=due + timedelta(hours=2),
        delay_reasons="Waited for the supplier's report",
    )
    add_filing(engine, breach_id=breach.id, sequence=2, stage=FilingStage.second, filed_at=due + timedelta(days=2))
    add_filing(engine, breach_id=breach.id, sequence=3, stage=FilingStage.second, filed_at=due + timedelta(days=3))
    with Session(engine, expire_on_commit=False) as session:
        (row,) = service.build_log(session, period="2026-03").rows
    assert row.initial_notified_at == due + timedelta(hours=2)
    assert row.second_notified_at == due + timedelta(days=2)  # the first second-stage filing, not the amendment
    assert row.follow_up_notified_at is None
    assert row.notified_late_by_seconds == 7200
    assert row.delay_reasons == "Waited for the supplier's report"
    assert row.customer_notice_decision == "notify"
    assert row.customer_notice_rationale == "Itemised call lists exposed"


def test_an_unfiled_breach_is_shown_as_not_yet_notified(engine, clock):
    breach = add_breach(engine, aware_at=datetime(2026, 3, 9, tzinfo=UTC), now=clock.now())
    add_obligation(
        engine,
        breach_id=breach.id,
        kind=ObligationKind.ico_notification,
        anchor_at=breach.aware_at,
        due_at=breach.aware_at + timedelta(hours=73),
        now=clock.now(),
    )
    with Session(engine, expire_on_commit=False) as session:
        (row,) = service.build_log(session, period="2026-03").rows
    assert row.initial_notified_at is None and row.notified_late_by_seconds is None
    assert row.ico_due_at == breach.aware_at + timedelta(hours=73)


def test_the_monthly_obligation_is_created_once_as_a_non_statutory_ico_obligation(engine, clock):
    with Session(engine, expire_on_commit=False) as session:
        first, created = service.ensure_obligation(session, actor=ACTOR, now=clock.now(), period="2026-03", due_day=7)
        again, created_again = service.ensure_obligation(
            session, actor=ACTOR, now=clock.now(), period="2026-03", due_day=7
        )
        session.commit()
        assert created and not created_again and again.id == first.id
        rows = session.execute(select(Obligation).where(Obligation.kind == ObligationKind.log_submission)).all()
    assert len(rows) == 1
    assert first.owner_id is None and first.period == "2026-03" and first.recipient == "ico"
    assert first.statutory is False and "not statute" in first.basis
    assert first.anchor_at == datetime(2026, 3, 31, 23, 0, tzinfo=UTC)
    assert first.due_at == datetime(2026, 4, 7, 23, 0, tzinfo=UTC)


def test_the_database_refuses_a_second_monthly_obligation_for_the_same_month(engine, clock):
    add_obligation(
        engine,
        breach_id=None,
        kind=ObligationKind.log_submission,
        anchor_at=None,
        due_at=None,
        now=clock.now(),
        period="2026-03",
    )
    with pytest.raises(Exception, match="(?i)unique"):
        add_obligation(
            engine,
            breach_id=None,
            kind=ObligationKind.log_submission,
            anchor_at=None,
            due_at=None,
            now=clock.now(),
            period="2026-03",
        )


def _record(engine, clock, *, sent_at=APRIL_SENT, period="2026-03", due_day=7, **extra):
    extra.setdefault("confirm_incomplete", True)
    extra.setdefault("incomplete_reason", "tests: the facts are still being gathered")
    clock.set(max(clock.now(), sent_at + timedelta(hours=1)))
    with Session(engine, expire_on_commit=False) as session:
        submission = service.record_submission(
            session,
            actor=ACTOR,
            now=clock.now(),
            period=period,
            sent_at=sent_at,
            method=SubmissionMethod.ico_online_form,
            recipient="ICO",
            due_day=due_day,
            **extra,
        )
        session.commit()
        return submission


def test_a_late_submission_keeps_its_lateness_when_the_due_day_changes_later(engine, clock):
    add_profile(engine, clock.now())
    breach = add_breach(engine, aware_at=datetime(2026, 3, 20, tzinfo=UTC), now=clock.now())
    inclusion = add_obligation(
        engine,
        breach_id=breach.id,
        kind=ObligationKind.log_inclusion,
        anchor_at=None,
        due_at=datetime(2026, 4, 7, 23, 0, tzinfo=UTC),
        now=clock.now(),
        statutory=False,
    )
    submission = _record(engine, clock)
    late = int((APRIL_SENT - datetime(2026, 4, 7, 23, 0, tzinfo=UTC)).total_seconds())
    assert late == 34 * 3600
    assert submission.late_by_seconds == late and submission.breach_count == 1 and not submission.nil_return
    with Session(engine, expire_on_commit=False) as session:
        _obligation, changed = service.ensure_obligation(
            session, actor=ACTOR, now=clock.now(), period="2026-03", due_day=14
        )
        session.commit()
        obligation = service.find_obligation(session, "2026-03")
        met_inclusion = session.get(Obligation, inclusion.id)
    assert not changed
    assert obligation.status == ObligationStatus.met
    assert obligation.first_filed_at == APRIL_SENT
    assert obligation.late_by_seconds == late
    assert obligation.due_at == datetime(2026, 4, 7, 23, 0, tzinfo=UTC)
    assert met_inclusion.status == ObligationStatus.met and met_inclusion.late_by_seconds == late


def test_an_open_monthly_obligation_follows_a_changed_due_day(engine, clock):
    with Session(engine, expire_on_commit=False) as session:
        service.ensure_obligation(session, actor=ACTOR, now=clock.now(), period="2026-03", due_day=7)
        obligation, changed = service.ensure_obligation(
            session, actor=ACTOR, now=clock.now(), period="2026-03", due_day=10
        )
        session.commit()
    assert changed and obligation.due_at == datetime(2026, 4, 10, 23, 0, tzinfo=UTC)


def test_a_submission_stores_the_documents_sent_and_is_audited(engine, clock):
    add_profile(engine, clock.now())
    breach = add_breach(engine, aware_at=datetime(2026, 3, 20, tzinfo=UTC), now=clock.now(), summary="Original summary")
    submission = _record(engine, clock, sent_at=datetime(2026, 4, 2, 8, 0, tzinfo=UTC))
    assert submission.late_by_seconds == 0
    with Session(engine, expire_on_commit=False) as session:
        stored = session.get(LogSubmission, submission.id)
        event = session.execute(select(AuditEvent).where(AuditEvent.action == "breach.log_submitted")).scalar_one()
        assert verify_chain(session).intact
        session.get(Breach, breach.id).summary = "Corrected summary"
        session.commit()
        rebuilt_csv, rebuilt_pdf = service.render_documents(service.build_log(session, period="2026-03"))
    assert service.sha256(stored.pdf_bytes) == stored.pdf_sha256
    assert service.sha256(stored.csv_bytes) == stored.csv_sha256
    assert b"Original summary" in stored.csv_bytes
    assert stored.csv_sha256 != service.sha256(rebuilt_csv)  # what was sent stays what was sent
    assert stored.pdf_sha256 in event.after
    assert stored.snapshot["rows"][0]["reference"] == breach.reference


def test_the_stored_pdf_can_be_rebuilt_byte_for_byte_from_its_snapshot(engine, clock):
    add_profile(engine, clock.now())
    add_breach(engine, aware_at=datetime(2026, 3, 20, tzinfo=UTC), now=clock.now(), summary="Facts")
    submission = _record(engine, clock)
    _csv, pdf = service.render_documents(BreachLog.model_validate(submission.snapshot))
    assert service.sha256(pdf) == submission.pdf_sha256


def test_a_month_can_be_recorded_as_sent_only_once(engine, clock):
    add_profile(engine, clock.now())
    _record(engine, clock)
    with pytest.raises(Conflict):
        _record(engine, clock)


def test_a_nil_return_submission_is_recorded_as_such(engine, clock):
    add_profile(engine, clock.now())
    submission = _record(engine, clock, period="2026-02", sent_at=datetime(2026, 3, 3, tzinfo=UTC))
    assert submission.nil_return and submission.breach_count == 0 and b"NIL RETURN" in submission.csv_bytes


@pytest.mark.parametrize("sent_at", [datetime(2026, 3, 31, 22, 0, tzinfo=UTC), datetime(2026, 5, 1, tzinfo=UTC)])
def test_a_sending_time_before_the_month_ended_or_in_the_future_is_refused(engine, clock, sent_at):
    add_profile(engine, clock.now())
    clock.set(datetime(2026, 4, 9, tzinfo=UTC))
    with Session(engine, expire_on_commit=False) as session, pytest.raises(Invalid) as caught:
        service.record_submission(
            session,
            actor=ACTOR,
            now=clock.now(),
            period="2026-03",
            sent_at=sent_at,
            method=SubmissionMethod.email,
            recipient="ICO",
            due_day=7,
        )
    assert caught.value.errors[0].field == "sent_at"


def test_a_submission_needs_the_provider_profile(engine, clock):
    with pytest.raises(Invalid) as caught:
        _record(engine, clock)
    assert caught.value.errors[0].field == "provider_profile"


def test_a_submission_is_refused_when_the_log_changed_since_the_pdf_was_made(engine, clock):
    add_profile(engine, clock.now())
    with Session(engine, expire_on_commit=False) as session:
        before = service.render_documents(service.build_log(session, period="2026-03"))[1]
    add_breach(engine, aware_at=datetime(2026, 3, 20, tzinfo=UTC), now=clock.now())
    with pytest.raises(Invalid) as caught:
        _record(engine, clock, expected_pdf_sha256=service.sha256(before))
    assert caught.value.errors[0].field == "expected_pdf_sha256"
    with Session(engine, expire_on_commit=False) as session:
        current = service.render_documents(service.build_log(session, period="2026-03"))[1]
    stored = _record(engine, clock, expected_pdf_sha256=service.sha256(current))
    assert stored.pdf_sha256 == service.sha256(stored.pdf_bytes)  # the stamped PDF that was sent, kept exactly


def test_sending_a_log_with_incomplete_breaches_asks_for_confirmation_and_a_reason(engine, clock):
    add_profile(engine, clock.now())
    add_breach(engine, aware_at=datetime(2026, 3, 20, tzinfo=UTC), now=clock.now())
    for extra in ({"confirm_incomplete": False}, {"confirm_incomplete": True, "incomplete_reason": "  "}):
        with pytest.raises(Invalid) as caught:
            _record(engine, clock, **extra)
        assert caught.value.errors[0].field == "confirm_incomplete"
        assert "no ICO notification, no remedial action" in caught.value.errors[0].reason
    stored = _record(engine, clock, incomplete_reason="Supplier report due next week")
    assert "Supplier report due next week" in stored.note and "BR-" in stored.note
    assert "by " in pdf_text(bytes(stored.pdf_bytes)) and "Produced" in pdf_text(bytes(stored.pdf_bytes))
