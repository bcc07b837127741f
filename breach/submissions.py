"""Recording what really happened to a filing: its submission to the ICO and the ICO's acknowledgement.

Filing (breach.filings) makes the permanent document. Submitting it is done outside the product (the ICO's
online form, an e-mail, a call), so the person who did it records when and how. That moment, not the
moment the PDF was made, meets the statutory deadline: the obligations it answers are met at
`submitted_at`, with their lateness frozen (provider.deadlines), and the second-notification obligation is
anchored on the first initial submission. Each filing has one submission; acknowledgements are appended.
"""

from __future__ import annotations

from collections.abc import Collection
from datetime import datetime
from types import SimpleNamespace
from typing import Any

from sqlmodel import Session, select

from breach import obligations, rules
from breach.filings import get_filing, lock_breach
from breach.ico import rules as ico_rules
from breach.ico.models import FilingAcknowledgement, FilingSubmission, SubmissionMethod
from breach.models import Breach, Filing, FilingStage, ObligationKind
from provider.clock import ensure_utc
from provider.deadlines.models import Obligation, ObligationStatus
from provider.errors import Conflict, FieldError, Invalid, NotFound
from provider.evidence import sha256
from provider.security import audit
from provider.security.actor import Actor

MAX_ACK_BYTES = 10 * 1024 * 1024


def submission_of(session: Session, filing_id: int) -> FilingSubmission | None:
    return session.exec(select(FilingSubmission).where(FilingSubmission.filing_id == filing_id)).first()


def submissions_for(session: Session, filing_ids: Collection[int]) -> dict[int, FilingSubmission]:
    if not filing_ids:
        return {}
    rows = session.exec(select(FilingSubmission).where(FilingSubmission.filing_id.in_(list(filing_ids)))).all()
    return {row.filing_id: row for row in rows}


def acknowledgements_for(session: Session, filing_ids: Collection[int]) -> dict[int, list[FilingAcknowledgement]]:
    result: dict[int, list[FilingAcknowledgement]] = {filing_id: [] for filing_id in filing_ids}
    if not filing_ids:
        return result
    rows = session.exec(
        select(FilingAcknowledgement)
        .where(FilingAcknowledgement.filing_id.in_(list(filing_ids)))
        .order_by(FilingAcknowledgement.id)
    ).all()
    for row in rows:
        result[row.filing_id].append(row)
    return result


def _raise(errors: list[FieldError], detail: str) -> None:
    if errors:
        raise Invalid(f"{detail}: " + "; ".join(f"{e.field}: {e.reason}" for e in errors), errors=errors)


def record_submission(
    session: Session,
    *,
    actor: Actor,
    now: datetime,
    filing_id: int,
    method: SubmissionMethod | str,
    submitted_at: datetime | None = None,
    submitted_by: str | None = None,
    delay_reasons: str = "",
) -> FilingSubmission:
    """Record when (default `now`) and how the filing was submitted to the ICO, and by whom (default the
    actor). Invalid when the time is in the future, before the document existed, or after the statutory
    deadline without reasons (the filing's own reasons count); Conflict when already recorded. Meets the
    obligations the filing's stage answers at `submitted_at`; audited "breach.filing_submitted"."""
    filing = get_filing(session, filing_id=filing_id)
    breach = lock_breach(session, filing.breach_id)
    if submission_of(session, filing.id) is not None:
        raise Conflict(f"the submission of filing {filing.sequence} was already recorded")
    try:
        method = SubmissionMethod(method)
    except ValueError:
        _raise([FieldError("method", "choose online form, e-mail or telephone")], "the submission cannot be recorded")
    at = ensure_utc(submitted_at) if submitted_at is not None else now
    delay_reasons = (delay_reasons or "").strip()
    rows = obligations.load(session, breach.id)
    late_by = rules.lateness_if_filed(FilingStage(filing.stage), rows.values(), at)
    reasons = delay_reasons or filing.delay_reasons
    errors = ico_rules.submission_errors(
        submitted_at=at,
        filed_at=filing.filed_at,
        now=now,
        late=bool(late_by),
        delay_reasons=reasons,
        regime=breach.regime,
    )
    _raise(errors, "the submission cannot be recorded")
    submission = FilingSubmission(
        filing_id=filing.id,
        submitted_at=at,
        method=method,
        submitted_by=(submitted_by or "").strip() or actor.name,
        late=bool(late_by),
        late_by_seconds=late_by,
        delay_reasons=delay_reasons,
        recorded_at=now,
        recorded_by=actor.name,
    )
    session.add(submission)
    session.flush()
    met = _meet_obligations(session, breach, filing, rows, at, now)
    _audit_submission(session, actor, breach, filing, submission, met, now)
    return submission


def _audit_submission(
    session: Session,
    actor: Actor,
    breach: Breach,
    filing: Filing,
    submission: FilingSubmission,
    met: dict[str, Any],
    now: datetime,
) -> None:
    audit.record(
        session,
        actor=actor,
        action="breach.filing_submitted",
        entity_type="breach",
        entity_id=breach.id,
        now=now,
        after={
            "filing_id": filing.id,
            "sequence": filing.sequence,
            "submitted_at": submission.submitted_at,
            "method": SubmissionMethod(submission.method).value,
            "submitted_by": submission.submitted_by,
            "late": submission.late,
            "late_by_seconds": submission.late_by_seconds,
            "obligations": met,
        },
    )


def _first_initial_submission(session: Session, breach_id: int, filing: Filing) -> bool:
    """Whether `filing` is an initial and no other initial of the breach has a submission yet."""
    if FilingStage(filing.stage) is not FilingStage.initial:
        return False
    others = session.exec(
        select(FilingSubmission.id)
        .join(Filing, Filing.id == FilingSubmission.filing_id)
        .where(Filing.breach_id == breach_id, Filing.stage == FilingStage.initial, Filing.id != filing.id)
    ).first()
    return others is None


def _meet_obligations(
    session: Session,
    breach: Breach,
    filing: Filing,
    rows: dict[ObligationKind, Obligation],
    submitted_at: datetime,
    now: datetime,
) -> dict[str, Any]:
    """Meet the open obligations this stage answers at the submission time (frozen); after the first
    initial submission, plan the second (not required when the submitted document held all of Section 2)."""
    met: dict[str, Any] = {}
    for kind in rules.kinds_met_by(FilingStage(filing.stage)):
        row = rows.get(kind)
        if row is not None and ObligationStatus(row.status) is ObligationStatus.open:
            obligations.meet(row, submitted_at)
            session.add(row)
            met[kind.value] = {"status": "met", "late_by_seconds": row.late_by_seconds}
    if _first_initial_submission(session, breach.id, filing) and ObligationKind.ico_second_target not in rows:
        complete = not ico_rules.missing_fields(*_snapshot_objects(filing), FilingStage.second)
        plan = rules.second_obligation(breach.regime, submitted_at, initial_complete=complete)
        obligations.store(session, breach.id, plan, now)
        met[plan.kind.value] = {"status": plan.status, "due_at": plan.due_at, "statutory": plan.statutory}
    session.flush()
    return met


def _snapshot_objects(filing: Filing) -> tuple[Any, Any]:
    """The breach and provider as the filed document had them (what the ICO received)."""
    snapshot = filing.snapshot or {}
    return SimpleNamespace(**snapshot.get("breach", {})), SimpleNamespace(**snapshot.get("provider", {}))


def record_acknowledgement(
    session: Session,
    *,
    actor: Actor,
    now: datetime,
    filing_id: int,
    case_reference: str = "",
    received_at: datetime | None = None,
    note: str = "",
    file_name: str = "",
    content_type: str = "",
    content: bytes | None = None,
) -> FilingAcknowledgement:
    """Attach what the ICO sent back: its case reference (also stored on the breach when it has none) and/or
    the copy of the responses it e-mails (kept with its SHA-256). Audited "breach.filing_acknowledged"."""
    filing = get_filing(session, filing_id=filing_id)
    breach = lock_breach(session, filing.breach_id)
    case_reference, content = (case_reference or "").strip(), content or None
    errors = []
    if not case_reference and content is None and not note.strip():
        errors.append(FieldError("case_reference", "give the ICO's case reference, attach its e-mail, or both"))
    if content is not None and len(content) > MAX_ACK_BYTES:
        errors.append(FieldError("file", f"is larger than {MAX_ACK_BYTES // (1024 * 1024)} MB"))
    if received_at is not None and ensure_utc(received_at) > now:
        errors.append(FieldError("received_at", "is in the future"))
    _raise(errors, "the acknowledgement cannot be recorded")
    ack = FilingAcknowledgement(
        filing_id=filing.id,
        case_reference=case_reference,
        received_at=received_at,
        note=note.strip(),
        file_name=file_name[:255] if content is not None else "",
        content_type=content_type[:100] if content is not None else "",
        content=content,
        content_sha256=sha256(content) if content is not None else "",
        recorded_at=now,
        recorded_by=actor.name,
    )
    session.add(ack)
    if case_reference and not breach.ico_reference:
        breach.ico_reference, breach.updated_at = case_reference, now
        session.add(breach)
    session.flush()
    audit.record(
        session,
        actor=actor,
        action="breach.filing_acknowledged",
        entity_type="breach",
        entity_id=breach.id,
        now=now,
        after={
            "filing_id": filing.id,
            "case_reference": case_reference,
            "file_name": ack.file_name,
            "sha256": ack.content_sha256,
        },
    )
    return ack


def get_acknowledgement(session: Session, *, ack_id: int) -> FilingAcknowledgement:
    ack = session.get(FilingAcknowledgement, ack_id)
    if ack is None:
        raise NotFound(f"acknowledgement {ack_id} not found")
    return ack


def record_ico_reference(
    session: Session,
    *,
    actor: Actor,
    now: datetime,
    breach_id: int,
    ico_reference: str,
) -> Breach:
    """Store (or correct) the ICO's case reference on the breach, audited "breach.ico_reference_recorded" with
    before and after; filings made afterwards carry it, filings already made keep what they carried."""
    ico_reference = ico_reference.strip()
    if not ico_reference:
        raise Invalid("ico_reference: must not be blank", errors=[FieldError("ico_reference", "must not be blank")])
    breach = lock_breach(session, breach_id)
    if breach.ico_reference == ico_reference:
        return breach
    before = {"ico_reference": breach.ico_reference}
    breach.ico_reference = ico_reference
    breach.updated_at = now
    session.add(breach)
    session.flush()
    audit.record(
        session,
        actor=actor,
        action="breach.ico_reference_recorded",
        entity_type="breach",
        entity_id=breach.id,
        now=now,
        before=before,
        after={"ico_reference": ico_reference},
    )
    return breach
