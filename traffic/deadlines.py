"""Traffic data's declarations on the core deadlines (provider.deadlines).

One owner kind, `retention_hold`: each hold owns one deadline, its end. Erasure of what it covers
resumes then, so the people who answer for the hold are reminded before it ends (to record a renewed
notice or order as a new hold in time) and the `traffic.hold_release` job meets the deadline when it
releases the hold. Releasing a hold early meets it then. Holds are legal matters (court orders, notices,
certificates), so without a named owner reminders go to compliance officers only. Importing this
module registers it.
"""

from __future__ import annotations

from sqlalchemy import select

from provider.deadlines import registry
from provider.deadlines.registry import DeadlineKind, OwnerKind
from provider.security.roles import Permission, Role
from traffic.models import RetentionHold

RETENTION_HOLD = "retention_hold"
HOLD_ENDS = "hold_ends"
BASIS = "Retention hold: erasure of the data it covers resumes when it ends (PECR regs 7, 28, 29; IPA 2016 Part 4)"


_references = registry.selected_references(
    lambda ids: select(RetentionHold.id, RetentionHold.reference).where(RetentionHold.id.in_(ids)),
    lambda hold_id, reference: f"hold {hold_id} ({reference})",
)


HOLD_KINDS = registry.register(
    OwnerKind(
        name=RETENTION_HOLD,
        label="Retention hold",
        kinds=(DeadlineKind(HOLD_ENDS, "end of a retention hold"),),
        read_permission=Permission.traffic_read,
        write_permission=Permission.traffic_write,
        fallback_roles=(Role.compliance_officer,),
        link=lambda owner_id, _period: f"/traffic/retention#hold-{owner_id}",
        subject=lambda reference, _period: reference or "a retention hold",
        references=_references,
        audit_prefix="traffic",
    )
)
