"""Customer-notice assessments on a real database: each decision is a new row that settles the breach's
customer-notice obligation with who decided, when and why, frozen at the first decision."""

from __future__ import annotations

import pytest
from sqlalchemy import select
from sqlmodel import Session

from breach.notices import assessments
from breach.notices.models import AssessmentInput, DatasetInput
from provider.errors import Invalid
from provider.security.models import AuditEvent
from tests.breach.notices.test_service import NOTIFY, obligation
from tests.conftest import TESTER


def test_deciding_to_notify_meets_the_decision_obligation_with_who_when_why(engine, breach, clock):
    with Session(engine) as session:
        clock.advance(hours=30)  # past the internal 24-hour target
        assessments.record_assessment(session, actor=TESTER, now=clock.now(), breach_id=breach.id, data=NOTIFY)
        session.commit()
        row = obligation(session, breach)
        assert (row.status, row.decision, row.decided_by) == ("met", "notify", "tests")
        assert row.decision_rationale == NOTIFY.rationale and row.first_filed_at == clock.now()
        assert row.late_by_seconds == 6 * 3600
        actions = session.execute(select(AuditEvent.action)).scalars().all()
        assert {"breach.customer_notice_assessed", "breach.obligation_decided"} <= set(actions)


def test_a_later_exemption_decision_is_appended_and_the_first_decision_time_stays_frozen(engine, breach, clock):
    exempt = AssessmentInput(
        natures=["location_data"],
        circumstances=["stolen"],
        exemption_claimed=True,
        datasets=[
            DatasetInput(
                dataset="tape",
                algorithm="AES-256-GCM",
                key_management="HSM",
                key_compromised=False,
                key_guessable=False,
            )
        ],
        rationale="The tape was encrypted after all",
    )
    with Session(engine) as session:
        first = clock.now()
        assessments.record_assessment(session, actor=TESTER, now=first, breach_id=breach.id, data=NOTIFY)
        clock.advance(hours=2)
        assessments.record_assessment(session, actor=TESTER, now=clock.now(), breach_id=breach.id, data=exempt)
        session.commit()
        history = assessments.assessment_history(session, breach.id)
        assert [a.outcome for a in history] == ["exempt_unintelligible", "notify"]
        row = obligation(session, breach)
        assert (row.status, row.decision, row.first_filed_at) == ("not_required", "exempt_unintelligible", first)


def test_an_assessment_without_rationale_is_refused_and_nothing_is_stored(engine, breach, clock):
    with Session(engine) as session:
        with pytest.raises(Invalid) as refused:
            assessments.record_assessment(
                session,
                actor=TESTER,
                now=clock.now(),
                breach_id=breach.id,
                data=AssessmentInput(natures=["financial"], rationale=""),
            )
        assert refused.value.errors[0].field == "rationale"
        assert assessments.current_assessment(session, breach.id) is None


def test_a_missing_decision_obligation_is_created_as_an_internal_one(engine, clock):
    from tests.breach.notices.conftest import add_breach

    with Session(engine) as session:
        breach = add_breach(session, "BR-2026-0002", obligation=False)
        assessments.record_assessment(session, actor=TESTER, now=clock.now(), breach_id=breach.id, data=NOTIFY)
        session.commit()
        row = obligation(session, breach)
        assert (row.statutory, row.due_at, row.status, row.recipient) == (False, None, "met", "customers")
        assert "no statutory hours" in row.basis
