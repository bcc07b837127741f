"""The register's use cases: record a request, its decision and disclosure; keep the procedure; report."""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import select
from sqlmodel import Session

from provider.clock import ensure_utc
from provider.disclosures import rules
from provider.disclosures.models import (
    CountRow,
    DecisionCreate,
    DisclosureCreate,
    DisclosureRequest,
    ProcedurePublic,
    ProcedureUpdate,
    ReportPublic,
    RequestCreate,
    RequestPublic,
)
from provider.errors import Invalid, NotFound, invalid
from provider.security import audit
from provider.security.actor import Actor
from provider.subscribers import service as subscribers
from provider.wording import service as wording
from provider.wording.models import WordingVersion
from provider.wording.rules import Purpose

PROCEDURE = Purpose(name="disclosures.procedure", label="Procedure for disclosure requests", parts=("title", "body"))


def _refuse(errors: list) -> None:
    if errors:
        raise Invalid("; ".join(f"{e.field}: {e.reason}" for e in errors), errors=errors)


def _procedure_public(version: WordingVersion) -> ProcedurePublic:
    return ProcedurePublic(
        version_id=version.id,
        version=version.version,
        title=version.parts["title"],
        body=version.parts["body"],
        sha256=version.content_sha256,
        created_at=version.created_at,
        created_by=version.created_by,
    )


def current_procedure(session: Session) -> WordingVersion | None:
    text = wording.find_text(session, purpose=PROCEDURE)
    return wording.latest_version(session, text_id=text.id) if text else None


def procedures(session: Session) -> list[ProcedurePublic]:
    text = wording.find_text(session, purpose=PROCEDURE)
    """Every version, the first first."""
    if text is None:
        return []
    return sorted((_procedure_public(v) for v in wording.versions(session, text_id=text.id)), key=lambda p: p.version)


def save_procedure(session: Session, *, actor: Actor, now: datetime, change: ProcedureUpdate) -> ProcedurePublic:
    version = wording.save(
        session,
        actor=actor,
        now=now,
        purpose=PROCEDURE,
        parts={"title": change.title.strip(), "body": change.body.strip()},
        material_change=change.material_change,
        material_change_note=change.material_change_note.strip(),
    )
    return _procedure_public(version)


def get_request(session: Session, request_id: int) -> DisclosureRequest:
    found = session.get(DisclosureRequest, request_id)
    if found is None:
        raise NotFound(f"there is no disclosure request {request_id}")
    return found


def list_requests(
    session: Session, *, start: datetime | None = None, end: datetime | None = None
) -> list[DisclosureRequest]:
    statement = select(DisclosureRequest).order_by(DisclosureRequest.received_at.desc(), DisclosureRequest.id.desc())
    if start is not None:
        statement = statement.where(DisclosureRequest.received_at >= start)
    if end is not None:
        statement = statement.where(DisclosureRequest.received_at < end)
    return list(session.scalars(statement))


def _audit(session: Session, actor: Actor, now: datetime, action: str, request: DisclosureRequest, after: dict) -> None:
    # The summary names the basis and the decision, never the data requested or disclosed.
    audit.record(
        session,
        actor=actor,
        action=action,
        entity_type="disclosure_request",
        entity_id=request.id,
        now=now,
        after=after,
    )


def record_request(session: Session, *, actor: Actor, now: datetime, data: RequestCreate) -> DisclosureRequest:
    received_at = ensure_utc(data.received_at)
    _refuse(rules.received_errors(received_at, now))
    if data.subscriber_id is not None:
        try:
            subscribers.get_subscriber(session, data.subscriber_id)
        except NotFound as error:
            raise invalid("subscriber_id", "there is no subscriber with this number") from error
    procedure = current_procedure(session)
    if procedure is not None:
        wording.mark_used(session, version_id=procedure.id, now=now)
    request = DisclosureRequest(
        **data.model_dump(exclude={"received_at"}),
        received_at=received_at,
        procedure_version_id=procedure.id if procedure else None,
        recorded_at=now,
        recorded_by=actor.name,
    )
    session.add(request)
    session.flush()
    _audit(session, actor, now, "disclosure.request_recorded", request, {"legal_basis": request.legal_basis.value})
    return request


def record_decision(
    session: Session, *, actor: Actor, now: datetime, request: DisclosureRequest, data: DecisionCreate
) -> DisclosureRequest:
    decided_at = ensure_utc(data.decided_at) if data.decided_at else now
    _refuse(rules.decision_errors(data.decision, received_at=request.received_at, decided_at=decided_at, now=now))
    if request.disclosed_at is not None:
        raise Invalid("decision: a disclosure was already recorded; the decision that led to it stays as it is")
    request.decision, request.decision_reasons = data.decision, data.reasons.strip()
    request.decided_at, request.decided_by = decided_at, actor.name
    session.add(request)
    _audit(session, actor, now, "disclosure.decided", request, {"decision": data.decision.value})
    return request


def record_disclosure(
    session: Session, *, actor: Actor, now: datetime, request: DisclosureRequest, data: DisclosureCreate
) -> DisclosureRequest:
    disclosed_at = ensure_utc(data.disclosed_at) if data.disclosed_at else now
    _refuse(
        rules.disclosure_errors(request.decision, decided_at=request.decided_at, disclosed_at=disclosed_at, now=now)
    )
    request.disclosed_summary, request.disclosed_at, request.disclosed_by = (
        data.summary.strip(),
        disclosed_at,
        actor.name,
    )
    session.add(request)
    _audit(session, actor, now, "disclosure.disclosed", request, {"decision": request.decision.value})
    return request


def report(session: Session, *, actor: Actor, now: datetime, date_from: date, date_to: date, zone) -> ReportPublic:
    _refuse(rules.period_errors(date_from, date_to))
    start, end = rules.period_bounds(date_from, date_to, zone)
    rows = list_requests(session, start=start, end=end)
    by_basis, by_decision = rules.counts((row.legal_basis, row.decision) for row in rows)
    return ReportPublic(
        date_from=date_from,
        date_to=date_to,
        produced_at=now,
        produced_by=actor.name,
        total=len(rows),
        by_legal_basis=[CountRow(name=name, count=count) for name, count in by_basis],
        by_decision=[CountRow(name=name, count=count) for name, count in by_decision],
        procedures=procedures(session),
        requests=[RequestPublic.model_validate(row, from_attributes=True) for row in reversed(rows)],
    )
