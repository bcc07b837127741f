"""Filing ICO notifications: check content and lateness, snapshot, render, store, meet obligations.

A filing is append-only (an amendment is a new filing with `supersedes_id`). The obligation it meets gets
`first_filed_at` and `late_by_seconds` once, at the first filing that meets it, and never again (frozen
clock: correcting `aware_at` later cannot turn a late filing into an on-time one). The filing stores the
exact PDF bytes, their SHA-256 and the snapshot they were rendered from, so what was sent can be proven.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlmodel import Session, select

from breach import documents, obligations, rules
from breach.forms import FIELD_LABELS
from breach.ico import customer_notice
from breach.ico import rules as ico_rules
from breach.ico.models import FilingSubmission
from breach.models import Breach, BreachCorrection, CorrectionStatus, Filing, FilingStage
from provider.clock import ensure_utc, london
from provider.deadlines.models import Obligation
from provider.errors import FieldError, Invalid, NotFound
from provider.evidence import sha256
from provider.notices import fonts
from provider.profile.models import ProfileBase, ProviderProfile
from provider.profile.service import find_profile
from provider.security import audit
from provider.security.actor import Actor

SNAPSHOT_PROVIDER_FIELDS = (
    "legal_name",
    "trading_name",
    "address",
    "ico_registration_number",
    "contact_name",
    "contact_role",
    "contact_email",
    "contact_phone",
)
SNAPSHOT_BREACH_EXCLUDED = ("id", "created_by", "updated_at")
SNAPSHOT_ZONE = "Europe/London"
CHANGE_LABELS = {
    **FIELD_LABELS,
    "legal_name": "Provider name",
    "contact_name": "Contact point",
    "contact_email": "Contact e-mail",
    "contact_phone": "Contact telephone",
}


def lock_breach(session: Session, breach_id: int) -> Breach:
    """Load the breach with a row lock (PostgreSQL; SQLite transactions already hold the write lock), so two
    filings or corrections of one breach run one after the other. NotFound when there is no such breach."""
    breach = session.exec(
        select(Breach).where(Breach.id == breach_id).with_for_update().execution_options(populate_existing=True)
    ).first()
    if breach is None:
        raise NotFound(f"breach {breach_id} not found")
    return breach


def _json_value(value: Any) -> Any:
    if isinstance(value, datetime):
        return ensure_utc(value).isoformat()
    if isinstance(value, list):
        return [_json_value(item) for item in value]
    return getattr(value, "value", value)


def breach_snapshot(breach: Breach) -> dict[str, Any]:
    return {
        name: _json_value(getattr(breach, name)) for name in Breach.model_fields if name not in SNAPSHOT_BREACH_EXCLUDED
    }


def provider_snapshot(profile: ProviderProfile | ProfileBase) -> dict[str, Any]:
    return {name: getattr(profile, name) for name in SNAPSHOT_PROVIDER_FIELDS}


def _earlier_filings(session: Session, breach_id: int) -> list[Filing]:
    return list(session.exec(select(Filing).where(Filing.breach_id == breach_id).order_by(Filing.sequence)).all())


def _order_errors(stage: FilingStage, earlier: list[Filing], supersedes_id: int | None) -> list[FieldError]:
    """A second or follow-up needs an initial first; a further initial must be an amendment; an amendment
    names a filing of the same breach that nothing has superseded yet."""
    initials = [f for f in earlier if FilingStage(f.stage) is FilingStage.initial]
    errors = []
    if stage is not FilingStage.initial and not initials:
        errors.append(FieldError("stage", "file the initial notification first"))
    if stage is FilingStage.initial and initials and supersedes_id is None:
        errors.append(
            FieldError(
                "stage",
                f"an initial notification was already filed (filing "
                f"{initials[0].sequence}); to correct it, file an amendment that "
                "supersedes it",
            )
        )
    if supersedes_id is not None:
        by_id = {f.id: f for f in earlier}
        newer = [f for f in earlier if f.supersedes_id == supersedes_id]
        if supersedes_id not in by_id:
            errors.append(FieldError("supersedes_id", "is not a filing of this breach"))
        elif newer:
            errors.append(
                FieldError(
                    "supersedes_id",
                    f"filing {by_id[supersedes_id].sequence} was already "
                    f"superseded by filing {newer[0].sequence}; amend that one",
                )
            )
    return errors


def _reference_errors(breach: Breach, ico_reference: str | None) -> list[FieldError]:
    if ico_reference and breach.ico_reference and ico_reference != breach.ico_reference:
        return [
            FieldError(
                "ico_reference",
                f"differs from the ICO reference already recorded ({breach.ico_reference}); correct that first",
            )
        ]
    return []


def file_notification(
    session: Session,
    *,
    actor: Actor,
    now: datetime,
    breach_id: int,
    stage: FilingStage | str,
    delay_reasons: str = "",
    ico_reference: str | None = None,
    supersedes_id: int | None = None,
    gaps: dict[str, Any] | None = None,
) -> Filing:
    """File a notification of `stage` now.

    Invalid (one FieldError per field, all at once) when a field its stage needs is missing
    (rules.missing_fields) or when it is late for a statutory deadline without `delay_reasons`. Stores the
    PDF bytes, SHA-256 and snapshot; meets the matching open obligations with frozen lateness; after the
    first initial filing creates the ico_second_target obligation (not_required when Section 2 was already
    complete); audited "breach.filed". A second/follow-up needs an initial first; a further initial needs
    `supersedes_id` (an amendment). A second or follow-up may leave Section 2 items out when `gaps` gives
    each a reason and expected date (ico_rules.gap_errors). Filing makes the document permanent only: the
    deadline is met when its submission is recorded (breach.submissions)."""
    stage, delay_reasons = FilingStage(stage), (delay_reasons or "").strip()
    ico_reference = (ico_reference or "").strip() or None
    breach = lock_breach(session, breach_id)
    earlier = _earlier_filings(session, breach.id)
    profile = find_profile(session)
    rows = obligations.load(session, breach.id)
    statutory = rules.statutory_obligation_for(stage, rows.values())
    late_by = rules.lateness_if_filed(stage, rows.values(), now)
    amended_late_by, amended_reasons = _amended_lateness(session, earlier, supersedes_id)
    late_by, delay_reasons = amended_late_by or late_by, delay_reasons or amended_reasons
    missing, accepted = ico_rules.gap_errors(
        ico_rules.missing_fields(breach, profile, stage), gaps, stage, london(now).date()
    )
    errors = _order_errors(stage, earlier, supersedes_id) + missing
    _refuse_if_incomplete(errors, stage, late_by, delay_reasons, breach, ico_reference)
    if ico_reference and not breach.ico_reference:
        breach.ico_reference = ico_reference
        session.add(breach)
    filing = _new_filing(
        breach,
        profile,
        stage,
        earlier,
        statutory,
        actor=actor,
        now=now,
        late_by=late_by,
        delay_reasons=delay_reasons,
        supersedes_id=supersedes_id,
        gaps=accepted,
        customer_notice=customer_notice.notice_snapshot(session, breach.id),
        original_due=_original_due(session, breach.id),
    )
    session.add(filing)
    session.flush()
    _audit_filing(session, actor, breach, filing, now)
    return filing


def draft_preview(
    session: Session,
    *,
    actor: Actor,
    now: datetime,
    breach_id: int,
    stage: FilingStage | str,
    delay_reasons: str = "",
    supersedes_id: int | None = None,
) -> bytes:
    """The PDF a filing of `stage` made now would have, watermarked "DRAFT – not submitted"; nothing is
    stored and nothing is refused (missing items print as not provided), so it can be checked first."""
    stage = FilingStage(stage)
    breach = session.get(Breach, breach_id)
    if breach is None:
        raise NotFound(f"breach {breach_id} not found")
    earlier = _earlier_filings(session, breach.id)
    rows = obligations.load(session, breach.id)
    filing = _new_filing(
        breach,
        find_profile(session) or ProfileBase.model_construct(**dict.fromkeys(SNAPSHOT_PROVIDER_FIELDS, "")),
        stage,
        earlier,
        rules.statutory_obligation_for(stage, rows.values()),
        actor=actor,
        now=now,
        late_by=rules.lateness_if_filed(stage, rows.values(), now),
        delay_reasons=(delay_reasons or "").strip(),
        supersedes_id=supersedes_id,
        draft=True,
        customer_notice=customer_notice.notice_snapshot(session, breach.id),
        original_due=_original_due(session, breach.id),
    )
    return filing.pdf_bytes


def _original_due(session: Session, breach_id: int) -> dict[str, Any]:
    """The statutory deadlines as they stood before the first approved correction of the breach's times."""
    first = session.exec(
        select(BreachCorrection.original_due)
        .where(BreachCorrection.breach_id == breach_id, BreachCorrection.status == CorrectionStatus.approved)
        .order_by(BreachCorrection.id)
        .limit(1)
    ).first()
    return dict(first) if first else {}


def _amended_lateness(session: Session, earlier: list[Filing], supersedes_id: int | None) -> tuple[int | None, str]:
    """An amendment of a late filing is late too: how late the amended one was, and the reasons it gave."""
    amended = next((f for f in earlier if f.id == supersedes_id), None)
    if amended is None:
        return None, ""
    submitted = session.exec(select(FilingSubmission).where(FilingSubmission.filing_id == amended.id)).first()
    late_by = ico_rules.amendment_lateness(
        amended.late, amended.late_by_seconds, submitted.late_by_seconds if submitted and submitted.late else None
    )
    reasons = amended.delay_reasons or (submitted.delay_reasons if submitted else "")
    return late_by, reasons if late_by else ""


def _refuse_if_incomplete(
    errors: list[FieldError],
    stage: FilingStage,
    late_by: int | None,
    delay_reasons: str,
    breach: Breach,
    ico_reference: str | None,
) -> None:
    """Invalid with every problem at once: order of stages, missing content, reasons for a delay, reference."""
    errors = list(errors)
    errors += ico_rules.delay_errors(late=bool(late_by), delay_reasons=delay_reasons, regime=breach.regime)
    errors += _reference_errors(breach, ico_reference)
    if errors:
        raise Invalid(
            f"the {stage.value} notification cannot be filed: " + "; ".join(f"{e.field}: {e.reason}" for e in errors),
            errors=errors,
        )


def _new_filing(
    breach: Breach,
    profile: Any,
    stage: FilingStage,
    earlier: list[Filing],
    statutory: Obligation | None,
    *,
    actor: Actor,
    now: datetime,
    late_by: int | None,
    delay_reasons: str,
    supersedes_id: int | None,
    draft: bool = False,
    gaps: dict[str, Any] | None = None,
    customer_notice: dict[str, Any] | None = None,
    original_due: dict[str, Any] | None = None,
) -> Filing:
    """The filing row with its snapshot, PDF bytes and their SHA-256 (not yet added to the session)."""
    superseded = next((f for f in earlier if f.id == supersedes_id), None)
    filing = Filing(
        breach_id=breach.id,
        sequence=(earlier[-1].sequence if earlier else 0) + 1,
        stage=stage,
        filed_at=now,
        filed_by=actor.name,
        late=bool(late_by),
        late_by_seconds=late_by,
        delay_reasons=delay_reasons,
        ico_reference=breach.ico_reference,
        supersedes_id=supersedes_id,
        pdf_sha256="",
        pdf_bytes=b"",
    )
    filing.snapshot = {
        "provider": provider_snapshot(profile),
        "breach": breach_snapshot(breach),
        "filing": _filing_snapshot(filing, breach, statutory, superseded),
        "timezone": SNAPSHOT_ZONE,
    }
    if gaps:
        filing.snapshot["gaps"] = gaps
    if customer_notice:
        filing.snapshot["customer_notice"] = customer_notice
    if original_due:
        filing.snapshot["original_due"] = original_due
    if earlier:
        filing.snapshot["changes"] = {
            "since_sequence": earlier[-1].sequence,
            "items": ico_rules.snapshot_changes(earlier[-1].snapshot or {}, filing.snapshot, CHANGE_LABELS),
        }
    if missing := documents.undrawable_fields(filing.snapshot):
        errors = [FieldError(name, f"no installed font can print {fonts.describe(chars)}") for name, chars in missing]
        raise Invalid(
            "the notification cannot be printed: " + "; ".join(f"{e.field}: {e.reason}" for e in errors), errors=errors
        )
    filing.pdf_bytes = documents.render_ico_notification(filing.snapshot, draft=draft)
    filing.pdf_sha256 = sha256(filing.pdf_bytes)
    return filing


def _audit_filing(session: Session, actor: Actor, breach: Breach, filing: Filing, now: datetime) -> None:
    audit.record(
        session,
        actor=actor,
        action="breach.filed",
        entity_type="breach",
        entity_id=breach.id,
        now=now,
        after={
            "filing_id": filing.id,
            "sequence": filing.sequence,
            "stage": filing.stage,
            "late": filing.late,
            "late_by_seconds": filing.late_by_seconds,
            "sha256": filing.pdf_sha256,
            "supersedes_id": filing.supersedes_id,
            "ico_reference": filing.ico_reference,
        },
    )


def _filing_snapshot(
    filing: Filing,
    breach: Breach,
    statutory: Obligation | None,
    superseded: Filing | None,
) -> dict[str, Any]:
    return {
        "stage": filing.stage.value if isinstance(filing.stage, FilingStage) else filing.stage,
        "sequence": filing.sequence,
        "filed_at": _json_value(filing.filed_at),
        "filed_by": filing.filed_by,
        "late": filing.late,
        "late_by_seconds": filing.late_by_seconds,
        "delay_reasons": filing.delay_reasons,
        "ico_reference": filing.ico_reference,
        "supersedes_sequence": superseded.sequence if superseded is not None else None,
        "statutory_due_at": _json_value(statutory.due_at) if statutory is not None else None,
        "regime": _json_value(breach.regime),
    }


def list_filings(session: Session, *, breach_id: int) -> list[Filing]:
    """The breach's filings in sequence order (NotFound for an unknown breach)."""
    if session.get(Breach, breach_id) is None:
        raise NotFound(f"breach {breach_id} not found")
    return _earlier_filings(session, breach_id)


def get_filing(session: Session, *, filing_id: int) -> Filing:
    filing = session.get(Filing, filing_id)
    if filing is None:
        raise NotFound(f"filing {filing_id} not found")
    return filing


def get_filing_pdf(session: Session, *, filing_id: int) -> tuple[bytes, str, str]:
    """(exact stored bytes, their SHA-256, a download file name like BR-2026-0001-01-initial.pdf)."""
    filing = get_filing(session, filing_id=filing_id)
    breach = session.get(Breach, filing.breach_id)
    reference = breach.reference if breach is not None else f"breach-{filing.breach_id}"
    return bytes(filing.pdf_bytes), filing.pdf_sha256, f"{reference}-{filing.sequence:02d}-{filing.stage}.pdf"
