"""Deciding whether customers must be told of a breach (PECR reg 5A(3)-(7); 611/2013 Art 3 and 4): each
assessment is a new row (the current one is the latest), validated by breach.notices.rules, and it
settles the breach's customer-notice obligation with who decided, when and why.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import select
from sqlmodel import Session

from breach import obligations
from breach.deadlines import BREACH
from breach.models import Breach, ObligationKind
from breach.notices import rules
from breach.notices.models import (
    AssessmentInput,
    NoticeAssessment,
)
from provider.deadlines import rules as deadline_rules
from provider.deadlines.models import Obligation, ObligationStatus
from provider.errors import FieldError, Invalid, NotFound
from provider.security import audit
from provider.security.actor import Actor

OBLIGATION_BASIS = "PECR reg 5A(3); 611/2013 Art 3: without undue delay (no statutory hours; any target is internal)"


def current_assessment(session: Session, breach_id: int) -> NoticeAssessment | None:
    return session.execute(
        select(NoticeAssessment)
        .where(NoticeAssessment.breach_id == breach_id)
        .order_by(NoticeAssessment.sequence.desc())
        .limit(1)
    ).scalar_one_or_none()


def assessment_history(session: Session, breach_id: int) -> list[NoticeAssessment]:
    return list(
        session.execute(
            select(NoticeAssessment)
            .where(NoticeAssessment.breach_id == breach_id)
            .order_by(NoticeAssessment.sequence.desc())
        ).scalars()
    )


def _rule_inputs(data: AssessmentInput) -> dict[str, Any]:
    exemption = None
    if data.exemption_claimed:
        exemption = [
            rules.DatasetEvidence(
                d.dataset.strip(), d.algorithm.strip(), d.key_management.strip(), d.key_compromised, d.key_guessable
            )
            for d in data.datasets
        ]
    delay = None
    if data.delay_agreed:
        delay = rules.AgreedDelay(data.delay_ico_reference.strip(), data.delay_agreed_on, data.delay_until)
    factors = rules.Factors(
        frozenset(data.natures), frozenset(data.consequences), frozenset(data.circumstances), data.other_adverse_effect
    )
    return {
        "factors": factors,
        "exemption": exemption,
        "ico_required": data.ico_required,
        "delay": delay,
        "rationale": data.rationale,
    }


def assessment_errors(data: AssessmentInput) -> list[FieldError]:
    """What would stop this assessment being recorded (empty when it can be)."""
    inputs = _rule_inputs(data)
    return rules.decide(
        inputs["factors"],
        inputs["exemption"],
        inputs["ico_required"],
        delay=inputs["delay"],
        rationale=inputs["rationale"],
    ).errors


def record_assessment(
    session: Session,
    *,
    actor: Actor,
    now: datetime,
    breach_id: int,
    data: AssessmentInput,
) -> NoticeAssessment:
    """Append a decision (who, when, why) and carry it onto the customer_notice_decision obligation."""
    breach = session.get(Breach, breach_id)
    if breach is None:
        raise NotFound(f"breach {breach_id} does not exist")
    inputs = _rule_inputs(data)
    decision = rules.decide(
        inputs["factors"],
        inputs["exemption"],
        inputs["ico_required"],
        delay=inputs["delay"],
        rationale=inputs["rationale"],
    )
    if decision.outcome is None:
        raise Invalid("; ".join(f"{e.field}: {e.reason}" for e in decision.errors), errors=decision.errors)
    previous = current_assessment(session, breach_id)
    assessment = NoticeAssessment(
        breach_id=breach.id,
        sequence=(previous.sequence + 1) if previous else 1,
        outcome=decision.outcome,
        likely_adverse=decision.likely_adverse,
        natures=sorted(data.natures),
        consequences=sorted(data.consequences),
        circumstances=sorted(data.circumstances),
        other_adverse_effect=data.other_adverse_effect.strip(),
        exemption_claimed=data.exemption_claimed,
        exemption_holds=decision.exemption_holds,
        exemption_evidence=[d.model_dump() for d in data.datasets] if data.exemption_claimed else [],
        ico_required=data.ico_required,
        ico_required_reference=data.ico_required_reference.strip(),
        delay_agreed=data.delay_agreed,
        delay_ico_reference=data.delay_ico_reference.strip(),
        delay_agreed_on=data.delay_agreed_on if data.delay_agreed else None,
        delay_until=data.delay_until if data.delay_agreed else None,
        rationale=data.rationale.strip(),
        reasons=decision.reasons,
        decided_by=actor.name,
        decided_at=now,
    )
    session.add(assessment)
    session.flush()
    audit.record(
        session,
        actor=actor,
        action="breach.customer_notice_assessed",
        entity_type="breach",
        entity_id=breach.id,
        now=now,
        before={"outcome": previous.outcome if previous else None},
        after={"assessment": assessment.sequence, "outcome": assessment.outcome, "reasons": assessment.reasons},
    )
    _decide_obligation(session, actor=actor, now=now, breach=breach, assessment=assessment)
    return assessment


def _obligation(session: Session, breach: Breach, now: datetime) -> Obligation:
    found = session.execute(
        select(Obligation).where(
            obligations.of_breaches([breach.id]),
            Obligation.kind == ObligationKind.customer_notice_decision,
        )
    ).scalar_one_or_none()
    if found is not None:
        return found
    # The breach service creates this row with the breach; one made here is labelled internal likewise.
    return Obligation(
        owner_kind=BREACH,
        owner_id=breach.id,
        kind=ObligationKind.customer_notice_decision,
        recipient="customers",
        statutory=False,
        basis=OBLIGATION_BASIS,
        anchor_at=breach.aware_at,
        created_at=now,
    )


def _obligation_summary(row: Obligation) -> dict[str, Any]:
    return {
        "status": row.status,
        "decision": row.decision,
        "decided_by": row.decided_by,
        "decided_at": row.decided_at,
        "first_filed_at": row.first_filed_at,
    }


def _decide_obligation(
    session: Session,
    *,
    actor: Actor,
    now: datetime,
    breach: Breach,
    assessment: NoticeAssessment,
) -> None:
    row = _obligation(session, breach, now)
    before = _obligation_summary(row) if row.id else None
    row.status = ObligationStatus(rules.obligation_status(assessment.outcome))
    row.decision = assessment.outcome.value
    row.decided_by, row.decided_at, row.decision_rationale = actor.name, now, assessment.rationale
    if row.first_filed_at is None:  # frozen at the first decision, like every obligation
        row.first_filed_at = now
        row.late_by_seconds = deadline_rules.lateness_seconds(row.due_at, now)
    session.add(row)
    session.flush()
    audit.record(
        session,
        actor=actor,
        action="breach.obligation_decided",
        entity_type="obligation",
        entity_id=row.id,
        now=now,
        before=before,
        after=_obligation_summary(row),
    )
