"""Line identification's declarations on the core deadlines (provider.deadlines).

One owner kind, `call_forwarding`: each request to stop a third party's call forwarding to a subscriber's
line (reg 17: "without avoidable delay") owns one internal target, due PECR_CALL_FORWARDING_TARGET_HOURS
after the request, met when the forwarding is stopped. Reminders and escalation (overdue) come from the
core's sweep; without a named owner they go to agents and compliance officers. Importing this module
registers it.
"""

from __future__ import annotations

from sqlalchemy import select

from provider.deadlines import registry
from provider.deadlines.registry import DeadlineKind, OwnerKind
from provider.line_identification.models import ForwardingRequest
from provider.security.roles import Permission, Role

CALL_FORWARDING = "call_forwarding"
FORWARDING_STOPPED = "forwarding_stopped"
BASIS = "PECR reg 17: stop call forwarding without avoidable delay (target hours set by the provider)"


_references = registry.selected_references(
    lambda ids: select(ForwardingRequest.id, ForwardingRequest.forwarded_from).where(ForwardingRequest.id.in_(ids)),
    lambda request_id, number: f"CF-{request_id} (from {number})",
)


FORWARDING_KINDS = registry.register(
    OwnerKind(
        name=CALL_FORWARDING,
        label="Call forwarding request",
        kinds=(DeadlineKind(FORWARDING_STOPPED, "stopping unwanted call forwarding"),),
        read_permission=Permission.lines_read,
        write_permission=Permission.lines_write,
        fallback_roles=(Role.agent, Role.compliance_officer),
        link=lambda owner_id, _period: f"/line-identification/forwarding/{owner_id}",
        subject=lambda reference, _period: f"call forwarding request {reference}",
        references=_references,
        audit_prefix="line_identification",
    )
)
