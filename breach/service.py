"""Breach use cases: record, correct, list, and read breaches with their stored deadlines.

Functions take `session` first, then keyword-only `actor` and `now` when they change something. They
raise provider.errors (NotFound, Invalid with one FieldError per field, Conflict), write an audit event
in the same transaction for every change, and leave the commit to the caller (route or job).

Filing ICO notifications lives in breach.filings and is re-exported here, so callers need only
`from breach import service as breach_service`.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import func, or_, text
from sqlmodel import Session, select

from breach import corrections, obligations, rules
from breach.deadlines import BREACH
from breach.filings import (
    draft_preview,
    file_notification,
    get_filing,
    get_filing_pdf,
    list_filings,
    lock_breach,
)
from breach.ico import rules as ico_rules
from breach.models import (
    Breach,
    BreachCreate,
    BreachStatus,
    BreachUpdate,
    FilingStage,
)
from breach.submissions import (
    acknowledgements_for,
    get_acknowledgement,
    record_acknowledgement,
    record_ico_reference,
    record_submission,
    submissions_for,
)
from provider.clock import ensure_utc, london
from provider.db.like import contains_pattern
from provider.deadlines import service as deadlines
from provider.deadlines.models import Obligation, ObligationStatus
from provider.errors import FieldError, Invalid, NotFound
from provider.notices import fonts
from provider.profile.service import find_profile
from provider.security import audit
from provider.security.actor import Actor

__all__ = [
    "BreachPage",
    "create_breach",
    "update_breach",
    "get_breach",
    "list_breaches",
    "obligations_for",
    "open_obligations",
    "readiness",
    "file_notification",
    "record_ico_reference",
    "list_filings",
    "get_filing",
    "get_filing_pdf",
    "lock_breach",
    "draft_preview",
    "record_submission",
    "submissions_for",
    "record_acknowledgement",
    "acknowledgements_for",
    "get_acknowledgement",
]

DEFAULT_LOG_DUE_DAY = 7
TIME_FIELDS = ("occurred_at", "occurred_is_estimate", "detected_at", "aware_at", "awareness_justification")
NULLABLE_FIELDS = ("occurred_at", "individuals_affected")
# Serialises reference numbering on PostgreSQL (SQLite transactions already take the write lock up front).
REFERENCE_LOCK_KEY = 0x42520000
SUMMARY_TEXT_LIMIT = 300


@dataclass(frozen=True)
class BreachPage:
    items: list[Breach]
    total: int
    limit: int
    offset: int


def _normalised(values: dict[str, Any]) -> dict[str, Any]:
    """Strip text, put times in UTC, keep categories as plain unique strings in the order given."""
    result: dict[str, Any] = {}
    for name, value in values.items():
        if isinstance(value, str):
            value = value.strip()
        elif isinstance(value, datetime):
            value = ensure_utc(value)
        elif name == "data_categories" and value is not None:
            value = list(dict.fromkeys(str(getattr(item, "value", item)) for item in value))
        result[name] = value
    return result


def _raise_if(errors: list[FieldError], detail: str) -> None:
    if errors:
        raise Invalid(f"{detail}: " + "; ".join(f"{e.field}: {e.reason}" for e in errors), errors=errors)


def _undrawable_errors(values: dict[str, Any]) -> list[FieldError]:
    """Text no installed font can print, by field: the breach log and filings are PDFs for the ICO, so
    whoever types it is told now rather than a box appearing in a document later."""
    errors = []
    for name, value in values.items():
        missing = fonts.undrawable([value]) if isinstance(value, str) else []
        if missing:
            errors.append(FieldError(name, f"no installed font can print {fonts.describe(missing)}"))
    return errors


def _time_errors(values: dict[str, Any], now: datetime) -> list[FieldError]:
    return rules.time_errors(
        occurred_at=values["occurred_at"],
        occurred_is_estimate=bool(values["occurred_is_estimate"]),
        detected_at=values["detected_at"],
        aware_at=values["aware_at"],
        awareness_justification=values["awareness_justification"] or "",
        now=now,
    )


def _summary_value(value: Any) -> Any:
    if isinstance(value, str) and len(value) > SUMMARY_TEXT_LIMIT:
        return value[:SUMMARY_TEXT_LIMIT] + "…"
    return value


def _next_reference(session: Session, aware_at: datetime) -> str:
    """BR-YYYY-NNNN: the year awareness fell in, London time; numbered per year in order of recording."""
    year = london(aware_at).year
    if session.get_bind().dialect.name == "postgresql":
        session.execute(text("SELECT pg_advisory_xact_lock(:key)"), {"key": REFERENCE_LOCK_KEY + year})
    prefix = f"BR-{year}-"
    newest = session.exec(
        select(Breach.reference)
        .where(Breach.reference.like(f"{prefix}%"))
        .order_by(func.length(Breach.reference).desc(), Breach.reference.desc())
        .limit(1)
    ).first()
    number = int(newest[len(prefix) :]) + 1 if newest else 1
    return f"{prefix}{number:04d}"


def create_breach(
    session: Session,
    *,
    actor: Actor,
    now: datetime,
    data: BreachCreate,
    log_due_day: int = DEFAULT_LOG_DUE_DAY,
) -> Breach:
    """Record a breach: reference BR-YYYY-NNNN (year of awareness in London), regime from `aware_at`, and
    its obligations (rules.plan_obligations), audited as "breach.created". Invalid when the title is blank
    or the times break rules.time_errors (every problem listed at once)."""
    values = _normalised(data.model_dump())
    errors = [FieldError("title", "must not be blank")] if not values["title"] else []
    _raise_if(errors + _undrawable_errors(values) + _time_errors(values, now), "the breach cannot be recorded")
    breach = Breach(
        **values,
        reference=_next_reference(session, values["aware_at"]),
        regime=rules.regime_for(values["aware_at"]),
        status=BreachStatus.open,
        created_at=now,
        created_by=actor.name,
        updated_at=now,
    )
    session.add(breach)
    session.flush()
    rows = {
        plan.kind: obligations.store(session, breach.id, plan, now)
        for plan in rules.plan_obligations(breach.regime, breach.aware_at, log_due_day=log_due_day)
    }
    session.flush()
    after = {
        "reference": breach.reference,
        "title": breach.title,
        "regime": breach.regime,
        "circumstance": breach.circumstance,
        "detected_at": breach.detected_at,
        "aware_at": breach.aware_at,
        "obligations": obligations.due_summary(rows),
    }
    audit.record(
        session,
        actor=actor,
        action="breach.created",
        entity_type="breach",
        entity_id=breach.id,
        now=now,
        before=None,
        after=after,
    )
    return breach


def _changes(breach: Breach, data: BreachUpdate) -> dict[str, Any]:
    sent = _normalised(data.model_dump(exclude_unset=True))
    nulls = [
        FieldError(name, "must not be null")
        for name, value in sent.items()
        if value is None and name not in NULLABLE_FIELDS
    ]
    if sent.get("title") == "":
        nulls.append(FieldError("title", "must not be blank"))
    _raise_if(nulls + _undrawable_errors(sent), "the breach cannot be changed")
    return {name: value for name, value in sent.items() if getattr(breach, name) != value}


def update_breach(
    session: Session,
    *,
    actor: Actor,
    now: datetime,
    breach_id: int,
    data: BreachUpdate,
    log_due_day: int = DEFAULT_LOG_DUE_DAY,
    approved: bool = False,
) -> Breach:
    """Apply the fields that were sent; audited "breach.updated" with before/after of changed fields only.

    Once a statutory deadline has passed, a change of aware_at or detected_at is refused (Invalid on those
    fields) unless `approved` (breach.corrections: a justified request approved by a second person).

    A change to any time (or the justification) is re-validated against the merged record. A changed
    aware_at may change the regime and recomputes OPEN obligations only (audited
    "breach.obligations_recomputed"); met ones keep their frozen first_filed_at and lateness."""
    breach = lock_breach(session, breach_id)
    changed = _changes(breach, data)
    if not changed:
        return breach
    if not approved and corrections.needs_approval(session, breach, changed, now):
        _raise_if(corrections.approval_errors(changed), "the breach cannot be changed")
    if any(name in changed for name in TIME_FIELDS):
        merged = {name: changed.get(name, getattr(breach, name)) for name in TIME_FIELDS}
        _raise_if(_time_errors(merged, now), "the breach cannot be changed")
    before = {name: _summary_value(getattr(breach, name)) for name in changed}
    for name, value in changed.items():
        setattr(breach, name, value)
    if "aware_at" in changed:
        new_regime = rules.regime_for(breach.aware_at)
        if new_regime != breach.regime:
            before["regime"], changed["regime"] = breach.regime, new_regime
            breach.regime = new_regime
    breach.updated_at = now
    session.add(breach)
    session.flush()
    audit.record(
        session,
        actor=actor,
        action="breach.updated",
        entity_type="breach",
        entity_id=breach.id,
        now=now,
        before=before,
        after={name: _summary_value(value) for name, value in changed.items()},
    )
    if "aware_at" in changed:
        _recompute(session, actor, breach, now, log_due_day)
    return breach


def _recompute(session: Session, actor: Actor, breach: Breach, now: datetime, log_due_day: int) -> None:
    due_before, due_after = obligations.recompute(session, breach, now, log_due_day=log_due_day)
    if due_before != due_after:
        audit.record(
            session,
            actor=actor,
            action="breach.obligations_recomputed",
            entity_type="breach",
            entity_id=breach.id,
            now=now,
            before=due_before,
            after=due_after,
        )


def get_breach(session: Session, *, breach_id: int) -> Breach:
    """NotFound when there is no such breach."""
    breach = session.get(Breach, breach_id)
    if breach is None:
        raise NotFound(f"breach {breach_id} not found")
    return breach


def list_breaches(
    session: Session,
    *,
    status: BreachStatus | None = None,
    due_before: datetime | None = None,
    q: str | None = None,
    limit: int = 50,
    offset: int = 0,
) -> BreachPage:
    """Newest awareness first. `due_before`: only breaches with an OPEN obligation due before that instant;
    `q`: case-insensitive match on reference or title."""
    conditions = []
    if status is not None:
        conditions.append(Breach.status == BreachStatus(status))
    if due_before is not None:
        conditions.append(
            Breach.id.in_(
                select(Obligation.owner_id).where(
                    Obligation.owner_kind == BREACH,
                    Obligation.status == ObligationStatus.open,
                    Obligation.due_at < ensure_utc(due_before),
                )
            )
        )
    if q and q.strip():
        pattern = contains_pattern(q.strip().lower())
        conditions.append(
            or_(
                func.lower(Breach.reference).like(pattern, escape="\\"),
                func.lower(Breach.title).like(pattern, escape="\\"),
            )
        )
    total = session.exec(select(func.count()).select_from(Breach).where(*conditions)).one()
    items = session.exec(
        select(Breach).where(*conditions).order_by(Breach.aware_at.desc(), Breach.id.desc()).limit(limit).offset(offset)
    ).all()
    return BreachPage(items=list(items), total=int(total), limit=limit, offset=offset)


def _due_order(row: Obligation) -> tuple[bool, datetime | None, int]:
    return (row.due_at is None, row.due_at, row.id or 0)


def obligations_for(session: Session, *, breach_ids: list[int]) -> dict[int, list[Obligation]]:
    """Obligations of several breaches in one query, each list ordered by due time (no due time last)."""
    result = deadlines.for_owners(session, BREACH, breach_ids)
    for rows in result.values():
        rows.sort(key=_due_order)
    return result


def open_obligations(
    session: Session,
    *,
    due_before: datetime | None = None,
    limit: int = 100,
) -> list[tuple[Obligation, Breach]]:
    """Open obligations with a due time, soonest first, each with its breach (dashboard, reminder sweeps)."""
    statement = (
        select(Obligation, Breach)
        .join(Breach, obligations.of_joined_breach())
        .where(Obligation.status == ObligationStatus.open, Obligation.due_at.is_not(None))
    )
    if due_before is not None:
        statement = statement.where(Obligation.due_at < ensure_utc(due_before))
    statement = statement.order_by(Obligation.due_at, Obligation.id).limit(limit)
    return [(row, breach) for row, breach in session.exec(statement).all()]


def readiness(session: Session, *, breach_id: int, stage: FilingStage) -> list[FieldError]:
    """What a filing of `stage` would still lack (rules.missing_fields with the current profile)."""
    return ico_rules.missing_fields(get_breach(session, breach_id=breach_id), find_profile(session), stage)
