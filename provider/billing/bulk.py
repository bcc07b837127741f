"""Erasing the expired part of the imported call list: set-based, in batches by id range.

A call is erased once its `retain_until` has come (PECR reg 7(3); `rules.call_list_retain_until`). Each
batch of `batch` ids is one DELETE and one transaction, with an audit event counting what it erased (never
what the rows held), so an interrupted run leaves every erased row on record and the next run goes on
from there. A call an active traffic retention hold covers (its subscriber, line, day; traffic's public
`retention_hold_covers`, one NOT EXISTS) is not erased while the hold lasts, as traffic's own sweep
spares held records. Then the key file of each period whose calls are all gone is deleted
(`keys.destroy_expired`), with its own audit event.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import Engine, and_, delete, func, select
from sqlmodel import Session

import traffic
from provider.billing import keys
from provider.billing.models import BillCall
from provider.security import audit
from provider.security.actor import Actor
from provider.security.keystore import KeyStore
from provider.settings import Settings, get_settings

BATCH_IDS = 20_000


@dataclass(frozen=True)
class Erased:
    rows: int
    keys: int


def _audit(session: Session, actor: Actor, now: datetime, after: dict) -> None:
    audit.record(
        session, actor=actor, action="billing.call_list_erased", entity_type="billing_call", entity_id="expired",
        now=now, after={**after, "cutoff": now.isoformat()},
    )  # fmt: skip


def erase_expired_calls(
    engine: Engine, *, actor: Actor, now: datetime, batch: int = BATCH_IDS, settings: Settings | None = None
) -> Erased:
    """Erase every call of the call list whose retain-until has come, then the key files of the periods left
    with no call (PECR_KEY_STORE of `settings`, the configured settings by default)."""
    settings = settings or get_settings()
    held = traffic.retention_hold_covers(
        subscriber_id=BillCall.subscriber_id, line_number=BillCall.line_number, started_at=BillCall.started_at, now=now
    )
    expired = and_(BillCall.retain_until <= now, ~held)
    erased = 0
    with Session(engine) as session:
        low, high = session.execute(select(func.min(BillCall.id), func.max(BillCall.id)).where(expired)).one()
        session.rollback()
        for start in range(low or 0, (high or -1) + 1, batch):
            statement = delete(BillCall).where(BillCall.id >= start, BillCall.id < start + batch, expired)
            rows = session.execute(statement).rowcount
            if rows:
                _audit(session, actor, now, {"rows_erased": rows})
            session.commit()
            erased += rows
        destroyed = keys.destroy_expired(
            session, now, store=KeyStore(settings.key_store), months=settings.billing_call_list_months,
            zone=settings.zone,
        )  # fmt: skip
        if destroyed:
            _audit(session, actor, now, {"keys_destroyed": destroyed})
        session.commit()
    return Erased(rows=erased, keys=destroyed)
