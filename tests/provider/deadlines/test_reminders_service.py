"""The reminders sweep against a real database and a real (in-process) SMTP server."""

from __future__ import annotations

import threading
from datetime import UTC, datetime, timedelta

from sqlalchemy import select
from sqlmodel import Session

from breach.models import ObligationKind
from provider.deadlines import inbox
from provider.deadlines import reminders as service
from provider.deadlines.models import Channel, EmailOutcome, Obligation, ObligationStatus, Reminder, Threshold
from provider.security.models import AuditEvent, User
from tests.breach.log.factories import add_breach, add_obligation
from tests.conftest import TESTER
from tests.provider.deadlines.conftest import DEPUTY

ANCHOR = datetime(2026, 3, 10, 14, 0, tzinfo=UTC)
DUE = ANCHOR + timedelta(hours=73)


def _ico_obligation(engine, clock, **extra):
    breach = add_breach(engine, aware_at=ANCHOR + timedelta(minutes=37), now=clock.now())
    return breach, add_obligation(
        engine,
        breach_id=breach.id,
        kind=ObligationKind.ico_notification,
        anchor_at=ANCHOR,
        due_at=DUE,
        now=clock.now(),
        **extra,
    )


def _staff(engine, clock):
    """Users inserted directly (a password hash per user would only slow these tests down)."""
    with Session(engine) as session:
        for username, role, address in (
            ("mgr", "breach_manager", "manager@northwind.example"),
            ("cco", "compliance_officer", "compliance@northwind.example"),
            ("noemail", "breach_manager", ""),
            ("gone", "breach_manager", "former@northwind.example"),
            ("agent", "agent", "agent@northwind.example"),
        ):
            session.add(
                User(
                    username=username,
                    role=role,
                    email=address,
                    password_hash="unused",
                    is_active=username != "gone",
                    created_at=clock.now(),
                )
            )
        session.commit()


def _sweep(engine, now, settings) -> int:
    with Session(engine, expire_on_commit=False) as session:
        return service.sweep(session, now=now, settings=settings)


def _reminders(engine) -> list[Reminder]:
    with Session(engine, expire_on_commit=False) as session:
        return list(session.execute(select(Reminder).order_by(Reminder.id)).scalars())


def test_running_the_sweep_twice_creates_each_reminder_once(engine, clock, settings):
    _breach, obligation = _ico_obligation(engine, clock)
    at_half = ANCHOR + timedelta(hours=36, minutes=30)
    assert _sweep(engine, at_half - timedelta(seconds=1), settings) == 0
    assert _sweep(engine, at_half, settings) == 1
    assert _sweep(engine, at_half, settings) == 0
    assert _sweep(engine, DUE, settings) == 2
    assert _sweep(engine, DUE + timedelta(hours=5), settings) == 0
    reminders = _reminders(engine)
    assert sorted(r.threshold for r in reminders) == sorted([Threshold.half, Threshold.overdue, Threshold.escalated])
    assert {r.obligation_id for r in reminders} == {obligation.id}
    assert all(r.channel == Channel.in_app and r.email_outcome == EmailOutcome.none for r in reminders)
    with Session(engine) as session:
        events = session.execute(select(AuditEvent).where(AuditEvent.action == "breach.reminders_created")).all()
    assert len(events) == 2  # one per sweep that created something, none for the sweeps that did not


def test_two_sweepers_at_once_create_and_e_mail_each_reminder_once(engine, clock, mail_settings, smtp_sink):
    _staff(engine, clock)
    for _ in range(5):
        _ico_obligation(engine, clock)
    barrier = threading.Barrier(4)
    results: list[int] = []
    errors: list[BaseException] = []

    def run() -> None:
        try:
            barrier.wait(timeout=10)
            results.append(_sweep(engine, DUE, mail_settings))
        except BaseException as error:
            errors.append(error)

    threads = [threading.Thread(target=run) for _ in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert errors == []
    assert sum(results) == 10  # 5 obligations x (overdue, escalated), whichever sweeper got there first
    keys = [r.key for r in _reminders(engine)]
    assert len(keys) == len(set(keys)) == 10
    subjects = [m.message["Subject"] for m in smtp_sink.messages]
    assert len(subjects) == len(set(subjects)) == 10


def test_e_mails_go_out_once_to_breach_staff_with_an_address(engine, clock, mail_settings, smtp_sink):
    _staff(engine, clock)
    breach, _obligation = _ico_obligation(engine, clock)
    ninety = ANCHOR + timedelta(hours=65, minutes=42)
    assert _sweep(engine, ninety, mail_settings) == 1
    assert _sweep(engine, ninety + timedelta(minutes=1), mail_settings) == 0
    (received,) = smtp_sink.messages
    assert sorted(received.recipients) == ["compliance@northwind.example", "manager@northwind.example"]
    message = received.message
    assert breach.reference in message["Subject"] and "90%" in message["Subject"]
    body = message.get_payload(decode=True).decode()
    assert "13 Mar 2026 15:00 GMT" in body and f"/breaches/{breach.id}" in body
    assert breach.title not in body  # reference only: e-mail is no place for a breach's details
    (reminder,) = _reminders(engine)
    assert reminder.channel == Channel.email and reminder.email_outcome == EmailOutcome.sent
    assert reminder.emailed_at == ninety


def test_escalation_goes_to_the_deputy_and_only_to_the_deputy(engine, clock, mail_settings, smtp_sink):
    _staff(engine, clock)
    _ico_obligation(engine, clock)
    assert _sweep(engine, DUE + timedelta(minutes=3), mail_settings) == 2
    by_subject = {m.message["Subject"]: m.recipients for m in smtp_sink.messages}
    (escalation,) = [recipients for subject, recipients in by_subject.items() if "escalated" in subject]
    (overdue,) = [recipients for subject, recipients in by_subject.items() if "escalated" not in subject]
    assert escalation == [DEPUTY]
    assert DEPUTY not in overdue and "manager@northwind.example" in overdue
    assert {r.threshold: r.recipients for r in _reminders(engine)}[Threshold.escalated] == [DEPUTY]


def test_no_e_mail_is_sent_when_smtp_is_not_configured(engine, clock, settings, smtp_sink):
    _staff(engine, clock)
    _ico_obligation(engine, clock)
    unconfigured = settings.model_copy(update={"breach_escalation_email": DEPUTY})
    assert not unconfigured.smtp_configured
    assert _sweep(engine, DUE, unconfigured) == 2
    assert smtp_sink.messages == []
    assert all(r.channel == Channel.in_app and r.email_outcome == EmailOutcome.none for r in _reminders(engine))


def test_a_failed_e_mail_is_recorded_on_the_row_and_not_retried(engine, clock, mail_settings, smtp_sink):
    _staff(engine, clock)
    _ico_obligation(engine, clock)
    smtp_sink.stop()  # the server is gone: the connection is refused
    assert _sweep(engine, DUE, mail_settings) == 2
    assert _sweep(engine, DUE + timedelta(minutes=1), mail_settings) == 0
    for reminder in _reminders(engine):
        assert reminder.email_outcome == EmailOutcome.failed and "Connection" in reminder.email_error


def test_a_refused_recipient_is_recorded_per_reminder(engine, clock, mail_settings, smtp_sink):
    _staff(engine, clock)
    _ico_obligation(engine, clock)
    smtp_sink.refuse.add(DEPUTY)
    _sweep(engine, DUE, mail_settings)
    outcomes = {r.threshold: (r.email_outcome, r.email_error) for r in _reminders(engine)}
    assert outcomes[Threshold.overdue] == (EmailOutcome.sent, "")
    assert outcomes[Threshold.escalated][0] == EmailOutcome.failed and DEPUTY in outcomes[Threshold.escalated][1]


def test_met_obligations_and_obligations_without_a_due_time_are_not_reminded(engine, clock, settings):
    _ico_obligation(engine, clock, status=ObligationStatus.met, first_filed_at=ANCHOR + timedelta(hours=2))
    breach = add_breach(engine, aware_at=ANCHOR, now=clock.now())
    add_obligation(
        engine,
        breach_id=breach.id,
        kind=ObligationKind.customer_notice_decision,
        anchor_at=ANCHOR,
        due_at=None,
        now=clock.now(),
        statutory=False,
    )
    assert _sweep(engine, DUE + timedelta(days=10), settings) == 0


def test_a_corrected_due_time_re_arms_the_reminders(engine, clock, settings):
    _breach, obligation = _ico_obligation(engine, clock)
    assert _sweep(engine, DUE, settings) == 2
    with Session(engine) as session:
        row = session.get(Obligation, obligation.id)
        row.due_at = DUE + timedelta(hours=24)  # awareness corrected before any filing: a 97-hour window
        session.commit()
    assert _sweep(engine, DUE + timedelta(hours=1), settings) == 1  # 74 of 97 hours: past three quarters
    assert _sweep(engine, DUE + timedelta(hours=2), settings) == 0
    assert _sweep(engine, DUE + timedelta(hours=24), settings) == 2
    fresh = [r.threshold for r in _reminders(engine) if r.due_at == DUE + timedelta(hours=24)]
    assert sorted(fresh) == sorted([Threshold.three_quarters, Threshold.overdue, Threshold.escalated])


def test_the_monthly_log_obligation_is_reminded_with_a_link_to_its_month(engine, clock, mail_settings, smtp_sink):
    _staff(engine, clock)
    add_obligation(
        engine,
        breach_id=None,
        kind=ObligationKind.log_submission,
        period="2026-03",
        statutory=False,
        anchor_at=datetime(2026, 3, 31, 23, 0, tzinfo=UTC),
        due_at=datetime(2026, 4, 7, 23, 0, tzinfo=UTC),
        now=clock.now(),
    )
    assert _sweep(engine, datetime(2026, 4, 4, 11, 0, tzinfo=UTC), mail_settings) == 1  # half of seven days
    body = smtp_sink.messages[0].message.get_payload(decode=True).decode()
    assert "/breaches/log?month=2026-03" in body and "internal target or policy deadline" in body


def test_acknowledging_is_recorded_once(engine, clock, settings):
    _ico_obligation(engine, clock)
    _sweep(engine, DUE, settings)
    first = _reminders(engine)[0]
    with Session(engine, expire_on_commit=False) as session:
        inbox.acknowledge(session, actor=TESTER, now=DUE + timedelta(hours=1), reminder_id=first.id)
        session.commit()
        again = inbox.acknowledge(session, actor=TESTER, now=DUE + timedelta(hours=2), reminder_id=first.id)
        session.commit()
    assert again.acknowledged_at == DUE + timedelta(hours=1) and again.acknowledged_by == "tests"


def test_a_sweeper_whose_plan_went_stale_inserts_and_sends_nothing(engine, clock, mail_settings, smtp_sink):
    """The unique key, not the plan, decides: a sweeper that planned before another one committed loses."""
    _staff(engine, clock)
    _ico_obligation(engine, clock)
    with Session(engine) as slow:
        rows = service.plan(slow, now=DUE, settings=mail_settings)
        slow.rollback()  # SQLite takes the write lock at BEGIN: let the other sweeper in
        assert len(rows) == 2
        assert _sweep(engine, DUE, mail_settings) == 2
        assert service.insert_new(slow, rows) == {}
        slow.commit()
    assert len(smtp_sink.messages) == 2 and len(_reminders(engine)) == 2


def test_a_breachs_log_inclusion_is_not_reminded_the_monthly_submission_covers_it(engine, clock, settings):
    """Each breach of a month has a log_inclusion due with that month's log_submission; reminding for both
    would send near-identical reminders once per breach as the log deadline nears."""
    log_due = datetime(2026, 4, 7, 23, 0, tzinfo=UTC)
    breach = add_breach(engine, aware_at=ANCHOR, now=clock.now())
    inclusion = add_obligation(
        engine,
        breach_id=breach.id,
        kind=ObligationKind.log_inclusion,
        anchor_at=ANCHOR,
        due_at=log_due,
        period="2026-03",
        statutory=False,
        now=clock.now(),
    )
    submission = add_obligation(
        engine,
        breach_id=None,
        kind=ObligationKind.log_submission,
        period="2026-03",
        statutory=False,
        anchor_at=datetime(2026, 3, 31, 23, 0, tzinfo=UTC),
        due_at=log_due,
        now=clock.now(),
    )
    for moment in (
        datetime(2026, 3, 25, 12, 0, tzinfo=UTC),
        datetime(2026, 4, 4, 11, 0, tzinfo=UTC),
        datetime(2026, 4, 7, 12, 0, tzinfo=UTC),
        log_due,
    ):
        _sweep(engine, moment, settings)
    reminded = {(r.obligation_id, r.threshold) for r in _reminders(engine)}
    assert {obligation for obligation, _ in reminded} == {submission.id}
    assert inclusion.id not in {obligation for obligation, _ in reminded}
    assert reminded == {
        (submission.id, Threshold.half),
        (submission.id, Threshold.ninety),
        (submission.id, Threshold.overdue),
        (submission.id, Threshold.escalated),
    }
