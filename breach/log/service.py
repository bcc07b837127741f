"""Use cases of the breach log (PECR reg 5A(8)): build a month's log, keep the monthly submission
obligation, and record a submission with the exact documents sent.

Inclusion rule (see `rules.contains`): a breach is in the log of the London month in which the
provider became aware of it. The monthly submission obligation is labelled *not statutory*: reg 5A(8)
requires the log to be kept and produced; the monthly sending is the ICO's standing request, and the
due day (default the 7th of the following month) is the product's policy.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from enum import Enum
from zoneinfo import ZoneInfo

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlmodel import Session

from breach.deadlines import BREACH, BREACH_LOG
from breach.log import documents, rules
from breach.log.models import (
    BreachLog,
    BreachLogPublic,
    LogObligationPublic,
    LogRow,
    LogSubmission,
    LogSubmissionPublic,
    SubmissionMethod,
)
from breach.models import Breach, Filing, FilingStage, ObligationKind
from provider.clock import LONDON
from provider.deadlines import rules as deadline_rules
from provider.deadlines import service as deadlines
from provider.deadlines.models import Obligation, ObligationStatus
from provider.errors import Conflict, FieldError, Invalid, NotFound, invalid
from provider.evidence import sha256  # the log's views and tests call it as service.sha256
from provider.profile import service as profile_service
from provider.security import audit
from provider.security.actor import Actor

BASIS = (
    "PECR reg 5A(8) breach log; the ICO asks for it monthly, with a nil return for a month without "
    "breaches (regulator practice, not statute); the due day of the following month is policy"
)
COPIED_FIELDS = (
    "reference",
    "title",
    "status",
    "ico_reference",
    "occurred_at",
    "occurred_is_estimate",
    "detected_at",
    "aware_at",
    "regime",
    "circumstance",
    "circumstance_detail",
    "summary",
    "location_and_media",
    "data_categories",
    "data_description",
    "individuals_affected",
    "individuals_is_estimate",
    "likely_consequences",
    "mitigation_measures",
    "protection_measures",
    "other_providers",
    "cross_border",
    "customer_notification_summary",
)


def checked_period(period: str) -> str:
    """The period as given, or Invalid naming `month` (the name the API and the page use)."""
    try:
        rules.parse_period(period)
    except ValueError as error:
        raise invalid("month", str(error)) from error
    return period


# --- building the log ------------------------------------------------------------------------------


def build_log(session: Session, *, period: str, zone: ZoneInfo = LONDON) -> BreachLog:
    """Every breach the provider became aware of during `period` (local months), oldest first."""
    checked_period(period)
    start, end = rules.period_bounds(period, zone)
    breaches = (
        session.execute(
            select(Breach).where(Breach.aware_at >= start, Breach.aware_at < end).order_by(Breach.aware_at, Breach.id)
        )
        .scalars()
        .all()
    )
    profile = profile_service.find_profile(session)
    provider = {name: str(getattr(profile, name)) for name in profile_service.FIELDS} if profile else {}
    return BreachLog(
        period=period,
        label=rules.period_label(period),
        period_start=start,
        period_end=end,
        provider=provider,
        rows=_rows(session, breaches),
    )


def _rows(session: Session, breaches: Sequence[Breach]) -> list[LogRow]:
    ids = [breach.id for breach in breaches]
    if not ids:
        return []
    wanted = (ObligationKind.ico_notification, ObligationKind.customer_notice_decision)
    obligations = {
        (obligation.owner_id, obligation.kind): obligation
        for obligation in session.execute(
            select(Obligation).where(deadlines.owned_by(BREACH, ids), Obligation.kind.in_(wanted))
        ).scalars()
    }
    # Only the columns the log needs: a filing row also holds its PDF, which is not read here.
    filings = session.execute(
        select(Filing.breach_id, Filing.stage, Filing.filed_at, Filing.delay_reasons)
        .where(Filing.breach_id.in_(ids))
        .order_by(Filing.breach_id, Filing.sequence)
    ).all()
    first_by_stage: dict[tuple[int, str], datetime] = {}
    reasons: dict[int, list[str]] = {}
    for breach_id, stage, filed_at, delay_reasons in filings:
        first_by_stage.setdefault((breach_id, str(stage)), filed_at)
        if delay_reasons.strip() and delay_reasons.strip() not in reasons.setdefault(breach_id, []):
            reasons[breach_id].append(delay_reasons.strip())
    return [
        _row(
            breach,
            obligations.get((breach.id, ObligationKind.ico_notification)),
            obligations.get((breach.id, ObligationKind.customer_notice_decision)),
            {stage: first_by_stage.get((breach.id, stage.value)) for stage in FilingStage},
            "\n".join(reasons.get(breach.id, [])),
        )
        for breach in breaches
    ]


def _row(
    breach: Breach,
    ico: Obligation | None,
    customer: Obligation | None,
    first_filed: dict[FilingStage, datetime | None],
    delay_reasons: str,
) -> LogRow:
    values = {name: _plain(getattr(breach, name)) for name in COPIED_FIELDS}
    first_notified = (ico.first_filed_at if ico is not None else None) or first_filed[FilingStage.initial]
    frozen = ico.late_by_seconds if ico is not None and ico.first_filed_at is not None else None
    return LogRow(
        breach_id=breach.id,
        **values,
        ico_due_at=ico.due_at if ico else None,
        ico_deadline_statutory=ico.statutory if ico else True,
        initial_notified_at=first_filed[FilingStage.initial] or first_notified,
        second_notified_at=first_filed[FilingStage.second],
        follow_up_notified_at=first_filed[FilingStage.follow_up],
        notified_late_by_seconds=deadline_rules.recorded_lateness(ico.due_at if ico else None, first_notified, frozen),
        delay_reasons=delay_reasons,
        customer_notice_decision=customer.decision if customer else "",
        customer_notice_status=str(customer.status) if customer else "",
        customer_notice_decided_at=customer.decided_at if customer else None,
        customer_notice_rationale=customer.decision_rationale if customer else "",
    )


def _plain(value: object) -> object:
    return value.value if isinstance(value, Enum) else value


def render_documents(log: BreachLog) -> tuple[bytes, bytes]:
    """(CSV, PDF) of the log; pure and repeatable, so the same log gives the same bytes."""
    return documents.render_csv(log), documents.render_pdf(log)


# --- the monthly obligation ------------------------------------------------------------------------


def find_obligation(session: Session, period: str) -> Obligation | None:
    return deadlines.find_ownerless(session, BREACH_LOG, ObligationKind.log_submission, period)


def _new_obligation(session: Session, *, period: str, due_at: datetime, now: datetime, zone: ZoneInfo) -> Obligation:
    """The month's submission, owned by the breach log as a whole (no breach), labelled not statutory."""
    return deadlines.create(
        session,
        owner_kind=BREACH_LOG,
        owner_id=None,
        period=period,
        kind=ObligationKind.log_submission,
        recipient="ico",
        statutory=False,
        basis=BASIS,
        anchor_at=rules.period_bounds(period, zone)[1],
        due_at=due_at,
        now=now,
    )


def ensure_obligation(
    session: Session,
    *,
    actor: Actor,
    now: datetime,
    period: str,
    due_day: int,
    zone: ZoneInfo = LONDON,
) -> tuple[Obligation, bool]:
    """The month's log_submission obligation, created if missing; returns (row, changed).

    Idempotent and safe against a second scheduler (a partial unique index decides the race). An open
    obligation follows the configured due day; a met one is frozen and never moves again.
    """
    checked_period(period)
    due_at = rules.submission_due_at(period, due_day, zone)
    existing = find_obligation(session, period)
    if existing is None:
        try:
            with session.begin_nested():
                obligation = _new_obligation(session, period=period, due_at=due_at, now=now, zone=zone)
                session.flush()
        except IntegrityError:
            return find_obligation(session, period), False
        audit.record(
            session,
            actor=actor,
            action="breach.log_obligation_created",
            entity_type="obligation",
            entity_id=obligation.id,
            now=now,
            after={"period": period, "due_at": due_at, "statutory": False},
        )
        return obligation, True
    if existing.status == ObligationStatus.open and existing.first_filed_at is None and existing.due_at != due_at:
        before = {"period": period, "due_at": existing.due_at}
        existing.due_at = due_at
        session.add(existing)
        audit.record(
            session,
            actor=actor,
            action="breach.log_obligation_rescheduled",
            entity_type="obligation",
            entity_id=existing.id,
            now=now,
            before=before,
            after={"period": period, "due_at": due_at, "due_day": due_day},
        )
        return existing, True
    return existing, False


# --- submissions -----------------------------------------------------------------------------------


def find_submission(session: Session, period: str) -> LogSubmission | None:
    return session.execute(select(LogSubmission).where(LogSubmission.period == period)).scalar_one_or_none()


def get_submission(session: Session, submission_id: int) -> LogSubmission:
    submission = session.get(LogSubmission, submission_id)
    if submission is None:
        raise NotFound(f"log submission {submission_id} not found")
    return submission


def list_submissions(session: Session, limit: int = 36) -> list[LogSubmission]:
    """Newest months first; the stored documents are not needed for a list, so they stay unloaded."""
    from sqlalchemy.orm import defer

    statement = (
        select(LogSubmission)
        .options(defer(LogSubmission.csv_bytes), defer(LogSubmission.pdf_bytes), defer(LogSubmission.snapshot))
        .order_by(LogSubmission.period.desc())
        .limit(limit)
    )
    return list(session.execute(statement).scalars())


def _check_submission(session: Session, *, period: str, sent_at: datetime, now: datetime, zone: ZoneInfo) -> None:
    problems = rules.submission_problems(period, sent_at, now, zone)
    if problems:
        errors = [FieldError("sent_at", reason) for reason in problems]
        raise Invalid("; ".join(problems), errors=errors)
    existing = find_submission(session, period)
    if existing is not None:
        raise Conflict(
            f"the log for {rules.period_label(period)} was already recorded as sent "
            f"at {existing.sent_at.isoformat()} by {existing.sent_by}"
        )
    if profile_service.find_profile(session) is None:
        raise invalid("provider_profile", "set up the provider profile first: the log must name the provider")


def record_submission(
    session: Session,
    *,
    actor: Actor,
    now: datetime,
    period: str,
    sent_at: datetime,
    method: SubmissionMethod,
    recipient: str,
    note: str = "",
    due_day: int,
    zone: ZoneInfo = LONDON,
    expected_pdf_sha256: str | None = None,
) -> LogSubmission:
    """Record that the month's log (or nil return) was sent: store the documents, meet the obligation
    with `first_filed_at` = sending time and freeze how late it was."""
    checked_period(period)
    _check_submission(session, period=period, sent_at=sent_at, now=now, zone=zone)
    obligation, _changed = ensure_obligation(session, actor=actor, now=now, period=period, due_day=due_day, zone=zone)
    log = build_log(session, period=period, zone=zone)
    csv_bytes, pdf_bytes = render_documents(log)
    if expected_pdf_sha256 and expected_pdf_sha256 != sha256(pdf_bytes):
        raise invalid("expected_pdf_sha256", "the log has changed since that PDF was made: review it and send again")
    late_by = rules.late_by_seconds(sent_at, obligation.due_at)
    submission = LogSubmission(
        period=period,
        obligation_id=obligation.id,
        sent_at=sent_at,
        sent_by=actor.name,
        method=method,
        recipient=recipient.strip() or "ICO",
        note=note.strip(),
        nil_return=not log.rows,
        breach_count=len(log.rows),
        due_at=obligation.due_at,
        late_by_seconds=late_by,
        recorded_at=now,
        csv_sha256=sha256(csv_bytes),
        csv_bytes=csv_bytes,
        pdf_sha256=sha256(pdf_bytes),
        pdf_bytes=pdf_bytes,
        snapshot=log.model_dump(mode="json"),
    )
    try:
        with session.begin_nested():
            session.add(submission)
            session.flush()
    except IntegrityError as error:
        raise Conflict(f"the log for {rules.period_label(period)} was recorded as sent by someone else") from error
    deadlines.meet(obligation, sent_at)
    session.add(obligation)
    included = _meet_inclusions(session, [row.breach_id for row in log.rows], sent_at)
    audit.record(
        session,
        actor=actor,
        action="breach.log_submitted",
        entity_type="breach_log_submission",
        entity_id=submission.id,
        now=now,
        after={
            "period": period,
            "sent_at": sent_at,
            "method": method,
            "recipient": submission.recipient,
            "nil_return": submission.nil_return,
            "breach_count": submission.breach_count,
            "late_by_seconds": late_by,
            "csv_sha256": submission.csv_sha256,
            "pdf_sha256": submission.pdf_sha256,
            "log_inclusions_met": included,
        },
    )
    return submission


def _meet_inclusions(session: Session, breach_ids: list[int], sent_at: datetime) -> list[int]:
    """The breaches' own log_inclusion obligations are met by the submission that carried them."""
    if not breach_ids:
        return []
    open_inclusions = (
        session.execute(
            select(Obligation).where(
                deadlines.owned_by(BREACH, breach_ids),
                Obligation.kind == ObligationKind.log_inclusion,
                Obligation.status == ObligationStatus.open,
                Obligation.first_filed_at.is_(None),
            )
        )
        .scalars()
        .all()
    )
    for obligation in open_inclusions:
        deadlines.meet(obligation, sent_at)
        session.add(obligation)
    return sorted(obligation.id for obligation in open_inclusions)


# --- read models -----------------------------------------------------------------------------------


def log_public(session: Session, *, period: str, due_day: int, zone: ZoneInfo = LONDON) -> BreachLogPublic:
    """The log plus its obligation and submission, for the API and the page (reads only)."""
    log = build_log(session, period=period, zone=zone)
    obligation = find_obligation(session, period)
    submission = find_submission(session, period)
    due_at = obligation.due_at if obligation and obligation.due_at else rules.submission_due_at(period, due_day, zone)
    return BreachLogPublic(
        **log.model_dump(),
        nil_return=not log.rows,
        due_at=due_at,
        obligation=LogObligationPublic.model_validate(obligation, from_attributes=True) if obligation else None,
        submission=LogSubmissionPublic.model_validate(submission, from_attributes=True) if submission else None,
    )
