"""Use cases of the breach log (PECR reg 5A(8)): keep the monthly submission
obligation, and record a submission with the exact documents sent.

Inclusion rule (see `rules.contains`): a breach is in the log of the London month in which the
provider became aware of it. The monthly submission obligation is labelled *not statutory*: reg 5A(8)
requires the log to be kept and produced; the monthly sending is the ICO's standing request, and the
due day (default the 7th of the following month) is the product's policy.
"""

from __future__ import annotations

from datetime import datetime
from zoneinfo import ZoneInfo

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlmodel import Session

from breach.deadlines import BREACH, BREACH_LOG
from breach.log import rules
from breach.log.contents import build_log, checked_period, render_documents, stamped
from breach.log.models import (
    BreachLog,
    BreachLogPublic,
    LogObligationPublic,
    LogSubmission,
    LogSubmissionPublic,
    SubmissionMethod,
)
from breach.models import ObligationKind
from provider.clock import LONDON
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
    confirm_incomplete: bool = False,
    incomplete_reason: str = "",
) -> LogSubmission:
    """Record that the month's log (or nil return) was sent: store the documents (stamped as produced now by
    the actor), meet the obligation with `first_filed_at` = sending time and freeze how late it was. When
    some breaches lack an ICO notification or remedial action, Invalid naming them unless confirmed with a
    reason (kept in the note). `expected_pdf_sha256` is that of the log's content (the page's PDF, unstamped)."""
    checked_period(period)
    _check_submission(session, period=period, sent_at=sent_at, now=now, zone=zone)
    obligation, _changed = ensure_obligation(session, actor=actor, now=now, period=period, due_day=due_day, zone=zone)
    log = build_log(session, period=period, zone=zone)
    _, content_pdf = render_documents(log)
    if expected_pdf_sha256 and expected_pdf_sha256 != sha256(content_pdf):
        raise invalid("expected_pdf_sha256", "the log has changed since that PDF was made: review it and send again")
    note = _incomplete_note(log, note, confirm_incomplete, incomplete_reason)
    sent = log.model_copy(update={"provisional": rules.is_provisional(log.period_end, sent_at)})
    sent = stamped(sent, now=now, by=actor.name)
    csv_bytes, pdf_bytes = render_documents(sent)
    submission = _submission_row(
        sent, obligation, actor=actor, now=now, sent_at=sent_at, method=method, recipient=recipient, note=note
    )
    submission.csv_sha256, submission.csv_bytes = sha256(csv_bytes), csv_bytes
    submission.pdf_sha256, submission.pdf_bytes = sha256(pdf_bytes), pdf_bytes
    try:
        with session.begin_nested():
            session.add(submission)
            session.flush()
    except IntegrityError as error:
        raise Conflict(f"the log for {rules.period_label(period)} was recorded as sent by someone else") from error
    deadlines.meet(obligation, sent_at)
    session.add(obligation)
    included = _meet_inclusions(session, [row.breach_id for row in log.rows], sent_at)
    _audit_submission(session, actor, submission, included, now)
    return submission


def _incomplete_note(log: BreachLog, note: str, confirmed: bool, reason: str) -> str:
    """The note to store; Invalid listing the incomplete breaches when not confirmed with a reason."""
    lacking = rules.incomplete_rows(log.rows)
    if not lacking:
        return note
    if not confirmed or not reason.strip():
        raise invalid(
            "confirm_incomplete",
            "some breaches are incomplete (" + "; ".join(lacking) + "): confirm sending it anyway and give the reason",
        )
    return "\n".join(
        part for part in (note.strip(), f"Sent incomplete ({'; '.join(lacking)}): {reason.strip()}") if part
    )


def _submission_row(
    log: BreachLog,
    obligation: Obligation,
    *,
    actor: Actor,
    now: datetime,
    sent_at: datetime,
    method: SubmissionMethod,
    recipient: str,
    note: str,
) -> LogSubmission:
    """The submission as sent, lateness frozen; the caller adds the documents and their digests."""
    return LogSubmission(
        period=log.period,
        obligation_id=obligation.id,
        sent_at=sent_at,
        sent_by=actor.name,
        method=method,
        recipient=recipient.strip() or "ICO",
        note=note.strip(),
        nil_return=not log.rows,
        breach_count=len(log.rows),
        due_at=obligation.due_at,
        late_by_seconds=rules.late_by_seconds(sent_at, obligation.due_at),
        recorded_at=now,
        csv_sha256="",
        csv_bytes=b"",
        pdf_sha256="",
        pdf_bytes=b"",
        snapshot=log.model_dump(mode="json"),
    )


def _audit_submission(
    session: Session, actor: Actor, submission: LogSubmission, included: list[int], now: datetime
) -> None:
    audit.record(
        session,
        actor=actor,
        action="breach.log_submitted",
        entity_type="breach_log_submission",
        entity_id=submission.id,
        now=now,
        after={
            "period": submission.period,
            "sent_at": submission.sent_at,
            "method": submission.method,
            "recipient": submission.recipient,
            "nil_return": submission.nil_return,
            "breach_count": submission.breach_count,
            "late_by_seconds": submission.late_by_seconds,
            "csv_sha256": submission.csv_sha256,
            "pdf_sha256": submission.pdf_sha256,
            "log_inclusions_met": included,
        },
    )


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
    changes = rules.changes_since_sent(submission.snapshot, log.model_dump(mode="json")) if submission else []
    return BreachLogPublic(
        **log.model_dump(),
        needs_resubmission=bool(changes),
        changes_since_sent=changes,
        nil_return=not log.rows,
        due_at=due_at,
        obligation=LogObligationPublic.model_validate(obligation, from_attributes=True) if obligation else None,
        submission=LogSubmissionPublic.model_validate(submission, from_attributes=True) if submission else None,
    )
