"""A month whose log was sent is never changed silently: a later change marks it "needs resubmission" and
says what changed (breach added, removed by a corrected awareness time, or a fact changed)."""

from __future__ import annotations

from datetime import UTC, datetime

from sqlmodel import Session

from breach.log import rules, service
from breach.models import Breach
from tests.breach.log.factories import add_breach, add_profile
from tests.breach.log.test_service import _record


def _view(engine):
    with Session(engine, expire_on_commit=False) as session:
        return service.log_public(session, period="2026-03", due_day=7)


def test_a_change_after_sending_marks_the_month_and_names_the_change(engine, clock):
    add_profile(engine, clock.now())
    kept = add_breach(engine, aware_at=datetime(2026, 3, 10, tzinfo=UTC), now=clock.now())
    moved = add_breach(engine, aware_at=datetime(2026, 3, 31, 22, 30, tzinfo=UTC), now=clock.now())  # 23:30 BST
    _record(engine, clock)
    assert _view(engine).needs_resubmission is False
    with Session(engine) as session:
        session.get(Breach, kept.id).title = "Misdirected bills (corrected)"
        session.get(Breach, moved.id).aware_at = datetime(2026, 3, 31, 23, 0, tzinfo=UTC)  # 00:00 BST: April
        session.commit()
    view = _view(engine)
    assert view.needs_resubmission is True
    assert view.changes_since_sent == [f"{moved.reference} removed", f"{kept.reference}: title changed"]


def test_changes_since_sent_ignores_how_the_log_was_made():
    sent = {"rows": [{"reference": "A", "title": "t"}], "provider": {"n": 1}, "produced_by": "x", "provisional": True}
    now = {"rows": [{"reference": "A", "title": "t"}], "provider": {"n": 1}, "produced_by": "y", "provisional": False}
    assert rules.changes_since_sent(sent, now) == []
    assert rules.changes_since_sent(sent, {**now, "rows": []}) == ["A removed"]
