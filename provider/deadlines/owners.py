"""The owner and deputy of an item: who is reminded about its deadlines, and where its escalations go.

Setting them is audited in the caller's transaction (action "<domain>.deadline_owner_set" on the item).
Only active staff whose role may write the owner kind can own or deputise, because they must be able to
open the item and act on it; the deputy must differ from the owner, and there is no deputy without an owner.
"""

from __future__ import annotations

from collections.abc import Collection, Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import select
from sqlmodel import Session

from provider.deadlines import registry
from provider.deadlines.models import DeadlineOwner, OwnerPublic
from provider.errors import FieldError, Invalid, NotFound
from provider.security import audit
from provider.security.actor import Actor
from provider.security.models import User
from provider.security.roles import ROLE_PERMISSIONS, Role


@dataclass(frozen=True)
class Addresses:
    """The e-mail addresses of an item's named owner and deputy (empty when unnamed or unreachable)."""

    owner: tuple[str, ...] = ()
    deputy: tuple[str, ...] = ()


def _declared(owner_kind: str) -> registry.OwnerKind:
    declared = registry.find(owner_kind)
    if declared is None:
        raise NotFound(f"no items of kind {owner_kind!r}")
    return declared


def _check_item(session: Session, declared: registry.OwnerKind, owner_id: int) -> None:
    if owner_id not in declared.references(session, [owner_id]):
        raise NotFound(f"{declared.label.lower()} {owner_id} not found")


def eligible_roles(declared: registry.OwnerKind) -> list[Role]:
    return [role for role, granted in ROLE_PERMISSIONS.items() if declared.write_permission in granted]


def candidates(session: Session, owner_kind: str) -> list[User]:
    """Active users who may own or deputise for items of this kind, by username."""
    roles = [role.value for role in eligible_roles(_declared(owner_kind))]
    statement = select(User).where(User.is_active.is_(True), User.role.in_(roles)).order_by(User.username)
    return list(session.execute(statement).scalars())


def find(session: Session, owner_kind: str, owner_id: int) -> DeadlineOwner | None:
    return session.execute(
        select(DeadlineOwner).where(DeadlineOwner.owner_kind == owner_kind, DeadlineOwner.owner_id == owner_id)
    ).scalar_one_or_none()


def _person(session: Session, declared: registry.OwnerKind, user_id: int | None, field: str) -> User | None:
    if user_id is None:
        return None
    user = session.get(User, user_id)
    if user is None or not user.is_active or Role(user.role) not in eligible_roles(declared):
        raise Invalid(
            f"{field}: not an active user who may act on this {declared.label.lower()}",
            errors=[FieldError(field, f"choose an active user who may act on this {declared.label.lower()}")],
        )
    return user


def _summary(session: Session, row: DeadlineOwner | None) -> dict[str, str | None]:
    if row is None:
        return {"owner": None, "deputy": None}
    owner = session.get(User, row.owner_user_id)
    deputy = session.get(User, row.deputy_user_id) if row.deputy_user_id else None
    return {"owner": owner.username if owner else None, "deputy": deputy.username if deputy else None}


def _check_choice(
    session: Session, declared: registry.OwnerKind, owner_user_id: int | None, deputy_user_id: int | None
) -> None:
    if deputy_user_id is not None and owner_user_id is None:
        raise Invalid(
            "deputy_user_id: a deputy needs an owner", errors=[FieldError("deputy_user_id", "choose an owner first")]
        )
    if deputy_user_id is not None and deputy_user_id == owner_user_id:
        raise Invalid(
            "deputy_user_id: the deputy must not be the owner",
            errors=[FieldError("deputy_user_id", "choose someone other than the owner")],
        )
    _person(session, declared, owner_user_id, "owner_user_id")
    _person(session, declared, deputy_user_id, "deputy_user_id")


def set_owner(
    session: Session,
    *,
    actor: Actor,
    now: datetime,
    owner_kind: str,
    owner_id: int,
    owner_user_id: int | None,
    deputy_user_id: int | None,
) -> DeadlineOwner | None:
    """Name (or change, or with no owner remove) the item's owner and deputy; audited. Returns the row."""
    declared = _declared(owner_kind)
    _check_item(session, declared, owner_id)
    _check_choice(session, declared, owner_user_id, deputy_user_id)
    row = find(session, owner_kind, owner_id)
    before = _summary(session, row)
    if owner_user_id is None:
        if row is not None:
            session.delete(row)
        row = None
    else:
        row = row or DeadlineOwner(owner_kind=owner_kind, owner_id=owner_id, owner_user_id=owner_user_id)
        row.owner_user_id, row.deputy_user_id = owner_user_id, deputy_user_id
        row.updated_at, row.updated_by = now, actor.name
        session.add(row)
    session.flush()
    after = _summary(session, row)
    if before != after:
        audit.record(
            session,
            actor=actor,
            action=f"{declared.action_prefix}.deadline_owner_set",
            entity_type=owner_kind,
            entity_id=owner_id,
            now=now,
            before=before,
            after=after,
        )
    return row


def owner_public(session: Session, owner_kind: str, owner_id: int) -> OwnerPublic:
    declared = _declared(owner_kind)
    _check_item(session, declared, owner_id)
    row = find(session, owner_kind, owner_id)
    names = _summary(session, row)
    return OwnerPublic(
        owner_kind=owner_kind,
        owner_id=owner_id,
        owner_user_id=row.owner_user_id if row else None,
        owner_username=names["owner"],
        deputy_user_id=row.deputy_user_id if row else None,
        deputy_username=names["deputy"],
        fallback_roles=[Role(role).value for role in declared.fallback_roles],
        updated_at=row.updated_at if row else None,
        updated_by=row.updated_by if row else None,
    )


def _reachable(users: Iterable[User | None]) -> tuple[str, ...]:
    return tuple(user.email.strip() for user in users if user and user.is_active and user.email.strip())


def addresses(session: Session, owner_kind: str, owner_ids: Collection[int]) -> dict[int, Addresses]:
    """For each item with a named owner: the owner's and the deputy's addresses, if they can be reached."""
    if not owner_ids:
        return {}
    rows = list(
        session.execute(
            select(DeadlineOwner).where(
                DeadlineOwner.owner_kind == owner_kind, DeadlineOwner.owner_id.in_(list(owner_ids))
            )
        ).scalars()
    )
    wanted = {row.owner_user_id for row in rows} | {row.deputy_user_id for row in rows if row.deputy_user_id}
    users = {user.id: user for user in session.execute(select(User).where(User.id.in_(wanted))).scalars()}
    return {
        row.owner_id: Addresses(
            _reachable([users.get(row.owner_user_id)]),
            _reachable([users.get(row.deputy_user_id)] if row.deputy_user_id else []),
        )
        for row in rows
    }


def role_addresses(session: Session, roles: Sequence[Role]) -> list[str]:
    """Active users of these roles who have an e-mail address (an item's fallback when it has no owner)."""
    if not roles:
        return []
    statement = (
        select(User.email)
        .where(User.role.in_([Role(role).value for role in roles]), User.is_active.is_(True), User.email != "")
        .distinct()
        .order_by(User.email)
    )
    return [address.strip() for address in session.execute(statement).scalars() if address.strip()]
