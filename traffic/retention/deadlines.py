"""Traffic's declarations on the core deadlines: each retention hold owns the obligation to release it at
its end (`hold_end`), reminded before it ends; the release itself is automatic (`traffic.jobs`)."""

from __future__ import annotations

from collections.abc import Collection, Mapping

from sqlalchemy import select
from sqlmodel import Session

from provider.deadlines import registry
from provider.deadlines.registry import DeadlineKind, OwnerKind
from provider.security.roles import Permission, Role
from traffic.models import RetentionHold

HOLD = "traffic_hold"
HOLD_END = "hold_end"


def _references(session: Session, owner_ids: Collection[int]) -> Mapping[int, str]:
    if not owner_ids:
        return {}
    rows = session.execute(
        select(RetentionHold.id, RetentionHold.reference).where(RetentionHold.id.in_(list(owner_ids)))
    )
    return {hold_id: reference for hold_id, reference in rows}


HOLD_KINDS = registry.register(
    OwnerKind(
        name=HOLD,
        label="Retention hold",
        kinds=(DeadlineKind(HOLD_END, "retention hold end"),),
        read_permission=Permission.traffic_read,
        write_permission=Permission.traffic_write,
        fallback_roles=(Role.compliance_officer,),
        link=lambda owner_id, _period: f"/traffic/retention#hold-{owner_id}",
        subject=lambda reference, _period: f"retention hold {reference}",
        references=_references,
        audit_prefix="traffic",
    )
)
