"""Who is acting: a staff user on a form, a system through a token, or the scheduler."""

from __future__ import annotations

from dataclasses import dataclass, field
from enum import StrEnum

from provider.security.roles import Permission, Role


class ActorKind(StrEnum):
    user = "user"
    token = "token"
    system = "system"


@dataclass(frozen=True)
class Actor:
    kind: ActorKind
    name: str
    user_id: int | None = None
    token_id: int | None = None
    role: Role | None = None
    permissions: frozenset[Permission] = field(default_factory=frozenset)

    @property
    def audit_id(self) -> int | None:
        return self.token_id if self.kind is ActorKind.token else self.user_id

    def can(self, permission: Permission) -> bool:
        return permission in self.permissions


SYSTEM = Actor(kind=ActorKind.system, name="scheduler", permissions=frozenset(Permission))


def system_actor(name: str) -> Actor:
    return Actor(kind=ActorKind.system, name=name, permissions=frozenset(Permission))
