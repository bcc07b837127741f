"""What the owner-and-deputy section of an item's page shows (deadlines/owners.html)."""

from __future__ import annotations

from dataclasses import dataclass

from sqlmodel import Session

from provider.deadlines import access, owners, registry
from provider.security.actor import Actor
from provider.security.models import User
from provider.security.roles import Role


@dataclass(frozen=True)
class OwnerSection:
    owner_kind: str
    owner_id: int
    item_words: str  # "breach"
    owner: User | None
    deputy: User | None
    candidates: list[User]
    fallback_words: str  # "breach managers and compliance officers"
    action: str
    can_write: bool


def role_words(roles: list[Role]) -> str:
    """'breach managers and compliance officers'."""
    names = [Role(role).value.replace("_", " ") + "s" for role in roles]
    return " and ".join([", ".join(names[:-1]), names[-1]] if len(names) > 1 else names) or "nobody"


def owner_section(session: Session, actor: Actor, owner_kind: str, owner_id: int) -> OwnerSection:
    """The named owner and deputy of one item, and (for those who may change them) whom they may choose."""
    declared = registry.get(owner_kind)
    row = owners.find(session, owner_kind, owner_id)
    can_write = access.access_of(actor).can_write(owner_kind)
    return OwnerSection(
        owner_kind=owner_kind,
        owner_id=owner_id,
        item_words=declared.label.lower(),
        owner=session.get(User, row.owner_user_id) if row else None,
        deputy=session.get(User, row.deputy_user_id) if row and row.deputy_user_id else None,
        candidates=owners.candidates(session, owner_kind) if can_write else [],
        fallback_words=role_words(list(declared.fallback_roles)),
        action=f"/deadlines/owners/{owner_kind}/{owner_id}",
        can_write=can_write,
    )
