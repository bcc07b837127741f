"""`pecr serve` on an empty database: demo breaches (overdue, due within a day, filed and closed) that give
the dashboard's timeline, penalty exposure and reminders something to show; loaded once, never beside
real subscribers."""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import func
from sqlmodel import Session, select

from breach import dashboard, obligations
from breach.models import Breach, Filing, ObligationKind
from provider.console.demo import load_demo_if_empty
from provider.deadlines import inbox
from provider.deadlines import reminders as reminder_service
from provider.deadlines import rules as deadline_rules
from provider.deadlines.models import Obligation, ObligationStatus
from provider.subscribers.models import Subscriber
from tests.conftest import START


def _breaches(engine) -> list[Breach]:
    with Session(engine) as session:
        return list(session.exec(select(Breach).order_by(Breach.id)).all())


def _obligation(session, breach, kind) -> Obligation:
    return session.exec(select(Obligation).where(obligations.of_breaches([breach.id]), Obligation.kind == kind)).one()


def test_an_empty_database_gets_an_overdue_a_due_soon_and_a_closed_breach_relative_to_now(engine, clock):
    assert load_demo_if_empty(engine, clock, count=20) is True
    overdue, due_soon, filed = _breaches(engine)
    now = clock.now()
    assert overdue.aware_at == now - timedelta(hours=80) and overdue.regime == "DUAA"
    assert (overdue.status, due_soon.status, filed.status) == ("open", "open", "closed")
    with Session(engine) as session:
        statutory = {b.id: _obligation(session, b, ObligationKind.ico_notification) for b in (overdue, due_soon, filed)}
        assert deadline_rules.deadline_state(statutory[overdue.id], now) == "overdue"
        assert now < statutory[due_soon.id].due_at <= now + timedelta(hours=24)
        assert (
            deadline_rules.deadline_state(statutory[filed.id], now) == "met"
            and statutory[filed.id].late_by_seconds == 0
        )
        filings = session.exec(select(Filing)).all()
        assert [(f.breach_id, f.stage, f.late) for f in filings] == [(filed.id, "initial", False)]
        decision = _obligation(session, filed, ObligationKind.customer_notice_decision)
        assert (decision.status, decision.decision) == (ObligationStatus.not_required, "do_not_notify")
        second = _obligation(session, filed, ObligationKind.ico_second_target)
        assert second.status == ObligationStatus.not_required  # the initial filing was complete


def test_the_dashboard_has_exposure_a_timeline_and_reminders_to_show(engine, clock, settings):
    load_demo_if_empty(engine, clock, count=20)
    with Session(engine) as session:
        panel = dashboard.build_panel(session=session, now=clock.now(), settings=settings)
        assert panel["exposure"] == 1000 and panel["overdue"] >= 1 and panel["due_soon"] >= 1
        assert panel["rows"] and "<svg" in str(panel["svg"])
        assert reminder_service.sweep(session, now=clock.now(), settings=settings) > 0
        about = {item.owner_id for item in inbox.list_reminders(session, page_size=100)[0]}
    overdue, due_soon, filed = _breaches(engine)
    assert {overdue.id, due_soon.id} <= about and filed.id not in about  # a closed breach has nothing due


def test_loading_again_adds_nothing_and_a_database_with_breaches_gets_no_demo_breaches(engine, clock):
    load_demo_if_empty(engine, clock, count=20)
    clock.advance(hours=5)
    assert load_demo_if_empty(engine, clock, count=20) is False
    assert len(_breaches(engine)) == 3


def test_no_demo_breaches_beside_real_subscribers(engine, clock):
    with Session(engine) as session:
        session.add(
            Subscriber(
                kind="individual",
                name="Real Person",
                address="1 Real Road",
                email="",
                account_reference="ACC-1",
                name_key="real person",
                created_at=START,
                updated_at=START,
            )
        )
        session.commit()
    assert load_demo_if_empty(engine, clock, count=20) is False
    with Session(engine) as session:
        assert session.exec(select(func.count()).select_from(Breach)).one() == 0
