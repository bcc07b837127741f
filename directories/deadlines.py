"""Directories' declarations on the core deadlines (provider.deadlines): each delivery of an edition to a
recipient owns one internal deadline, its acknowledgement, reminded while it is unacknowledged.

Read with directories:read, met with directories:write; without a named owner the reminders go to
compliance officers and agents. Importing this module registers the owner kind.
"""

from __future__ import annotations

from sqlalchemy import select

from directories.models import DirectoryDelivery, DirectoryRecipient
from provider.deadlines import registry
from provider.deadlines.registry import DeadlineKind, OwnerKind
from provider.security.roles import Permission, Role

DELIVERY = "directory_delivery"
ACKNOWLEDGEMENT = "acknowledgement"
BASIS = "Internal target: a recipient confirms each edition, so corrections and withdrawals reach it (PECR reg 18)"


_references = registry.selected_references(
    lambda ids: (
        select(DirectoryDelivery.id, DirectoryDelivery.edition_id, DirectoryRecipient.name)
        .join(DirectoryRecipient, DirectoryRecipient.id == DirectoryDelivery.recipient_id)
        .where(DirectoryDelivery.id.in_(ids))
    ),
    lambda _delivery_id, edition_id, name: f"edition {edition_id} to {name}",
)


DELIVERY_KINDS = registry.register(
    OwnerKind(
        name=DELIVERY,
        label="Directory delivery",
        kinds=(DeadlineKind(ACKNOWLEDGEMENT, "acknowledgement of a directory edition"),),
        read_permission=Permission.directories_read,
        write_permission=Permission.directories_write,
        fallback_roles=(Role.compliance_officer, Role.agent),
        link=lambda _owner_id, _period: "/directory/editions",
        subject=lambda reference, _period: f"delivery of {reference}" if reference else "a directory delivery",
        references=_references,
        audit_prefix="directories",
    )
)
