"""A retention hold's end is a deadline on the core: reminded before it ends, met when it is released."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from sqlalchemy import select

from provider.deadlines import reminders
from provider.deadlines.models import Obligation, ObligationStatus, Reminder, Threshold
from provider.scheduler.registry import JobContext
from provider.settings import Settings
from tests.traffic.conftest import ACTOR
from traffic.deadlines import HOLD_ENDS, RETENTION_HOLD
from traffic.jobs import release_holds
from traffic.models import HoldBasis
from traffic.retention import service
from traffic.retention.models import HoldCreate

START = datetime(2026, 3, 1, tzinfo=UTC)
END = datetime(2026, 3, 11, tzinfo=UTC)


def _hold(session, clock, reference="CO/1"):
    clock.set(START)
    data = HoldCreate(basis=HoldBasis.court_order, reference=reference, ends_at=END)
    hold = service.create_hold(session, data=data, actor=ACTOR, now=clock.now())
    session.commit()
    return hold


def _obligation(session, hold_id):
    (row,) = session.execute(
        select(Obligation).where(Obligation.owner_kind == RETENTION_HOLD, Obligation.owner_id == hold_id)
    ).scalars()
    return row


def test_a_hold_owns_its_end_as_an_internal_deadline(session, clock, world):
    hold = _hold(session, clock)
    row = _obligation(session, hold.id)
    assert (row.kind, row.anchor_at, row.due_at, row.statutory) == (HOLD_ENDS, START, END, False)
    assert row.status is ObligationStatus.open


def test_staff_are_reminded_before_a_hold_ends_and_not_after_it_is_released(session, clock, world, settings):
    hold = _hold(session, clock)
    row = _obligation(session, hold.id)
    clock.set(START + timedelta(days=9, hours=1))  # 90 % of the ten days
    reminders.record_due(session, now=clock.now(), settings=settings)
    session.commit()
    sent = {r.threshold for r in session.execute(select(Reminder).where(Reminder.obligation_id == row.id)).scalars()}
    assert Threshold.ninety in sent
    service.release_hold(session, hold_id=hold.id, actor=ACTOR, now=clock.now())
    session.commit()
    session.refresh(row)
    assert row.first_filed_at == clock.now() and row.late_by_seconds == 0
    clock.set(END + timedelta(days=1))
    reminders.record_due(session, now=clock.now(), settings=settings)
    session.commit()
    thresholds = [r.threshold for r in session.execute(select(Reminder).where(Reminder.obligation_id == row.id))
                  .scalars()]  # fmt: skip
    assert Threshold.overdue not in thresholds


def test_the_release_job_meets_the_deadline_at_the_holds_end_not_when_the_job_ran(engine, session, clock, world):
    hold = _hold(session, clock)
    clock.set(END + timedelta(minutes=14))
    assert release_holds(JobContext(engine=engine, clock=clock, settings=Settings())) == 1
    row = _obligation(session, hold.id)
    session.refresh(row)
    assert row.first_filed_at == END and row.late_by_seconds == 0
