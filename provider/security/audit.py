"""The append-only audit trail as a SHA-256 hash chain.

Every state change calls `record` inside the transaction that makes the change, so the change and
its event commit or vanish together. Each event's hash covers its content and its predecessor's
hash; the `audit_head` row holds the newest hash and is locked by each writer, which serialises
appends across processes and makes deleting the newest event detectable. Summaries never hold
secrets: keys that look secret are dropped before hashing.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal
from enum import Enum
from typing import Any

from sqlalchemy import select, update
from sqlmodel import Session

from provider.clock import ensure_utc
from provider.security.actor import Actor
from provider.security.models import AuditEvent, AuditHead

GENESIS_HASH = "0" * 64
SECRET_MARKERS = ("password", "secret", "token", "totp", "api_key", "smtp_pass")


def _plain(value: Any) -> Any:
    if isinstance(value, datetime):
        return ensure_utc(value).isoformat()
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, Enum):
        return value.value
    if isinstance(value, Decimal):
        return str(value)
    if isinstance(value, Mapping):
        return {str(k): _plain(v) for k, v in value.items() if not _is_secret(str(k))}
    if isinstance(value, list | tuple | set | frozenset):
        return [_plain(v) for v in value]
    return value


def _is_secret(key: str) -> bool:
    lowered = key.lower()
    return any(marker in lowered for marker in SECRET_MARKERS)


def summary(data: Mapping[str, Any] | None) -> str | None:
    """Canonical JSON of a before/after summary with secret-looking keys removed."""
    if data is None:
        return None
    return json.dumps(_plain(data), sort_keys=True, separators=(",", ":"), ensure_ascii=False)


def event_hash(event: AuditEvent) -> str:
    payload = json.dumps(
        [
            event.id,
            ensure_utc(event.occurred_at).isoformat(),
            event.actor_kind,
            event.actor_id,
            event.actor_name,
            event.action,
            event.entity_type,
            event.entity_id,
            event.before,
            event.after,
            event.prev_hash,
        ],
        separators=(",", ":"),
        ensure_ascii=False,
    )
    return hashlib.sha256(payload.encode("utf-8")).hexdigest()


def _lock_head(session: Session) -> AuditHead:
    statement = select(AuditHead).where(AuditHead.id == 1)
    if session.get_bind().dialect.name == "postgresql":
        statement = statement.with_for_update()
    head = session.execute(statement).scalar_one_or_none()
    if head is None:
        raise RuntimeError("audit chain head missing: run `pecr db upgrade`")
    return head


def record(
    session: Session,
    *,
    actor: Actor,
    action: str,
    entity_type: str,
    entity_id: Any,
    now: datetime,
    before: Mapping[str, Any] | None = None,
    after: Mapping[str, Any] | None = None,
) -> AuditEvent:
    """Append one event to the chain in the caller's transaction (the caller commits)."""
    head = _lock_head(session)
    event = AuditEvent(
        id=head.last_event_id + 1,
        occurred_at=ensure_utc(now),
        actor_kind=actor.kind.value,
        actor_id=actor.audit_id,
        actor_name=actor.name,
        action=action,
        entity_type=entity_type,
        entity_id=str(entity_id),
        before=summary(before),
        after=summary(after),
        prev_hash=head.last_hash,
        hash="",
    )
    event.hash = event_hash(event)
    session.add(event)
    session.execute(
        update(AuditHead)
        .where(AuditHead.id == 1)
        .values(last_event_id=event.id, last_hash=event.hash)
        .execution_options(synchronize_session=False)
    )
    session.expire(head)
    return event


@dataclass(frozen=True)
class ChainProblem:
    event_id: int | None
    reason: str


@dataclass(frozen=True)
class ChainReport:
    events_checked: int
    problem: ChainProblem | None

    @property
    def intact(self) -> bool:
        return self.problem is None


def _events(session: Session, batch: int = 5000) -> Iterator[AuditEvent]:
    last_id = 0
    while True:
        rows = (
            session.execute(select(AuditEvent).where(AuditEvent.id > last_id).order_by(AuditEvent.id).limit(batch))
            .scalars()
            .all()
        )
        if not rows:
            return
        yield from rows
        last_id = rows[-1].id
        session.expunge_all()


def verify_chain(session: Session) -> ChainReport:
    """Walk the chain in id order; report the first event that does not fit."""
    expected_prev, expected_id, checked = GENESIS_HASH, 1, 0
    for event in _events(session):
        if event.id != expected_id:
            return ChainReport(checked, ChainProblem(expected_id, "event missing (deleted)"))
        if event.prev_hash != expected_prev:
            return ChainReport(checked, ChainProblem(event.id, "predecessor hash does not match"))
        if event_hash(event) != event.hash:
            return ChainReport(checked, ChainProblem(event.id, "content altered (hash mismatch)"))
        expected_prev, expected_id, checked = event.hash, expected_id + 1, checked + 1
    head = session.get(AuditHead, 1)
    if head is None or head.last_hash != expected_prev or head.last_event_id != expected_id - 1:
        return ChainReport(
            checked, ChainProblem(head.last_event_id if head else None, "newest event missing or head altered")
        )
    return ChainReport(checked, None)
