"""Who may see and act on deadlines: the read and write permissions each owner kind registered.

Reminders of every owner kind share one list, so a reader sees the reminders of the kinds their role (or
token) may read, and may acknowledge those of the kinds it may write. Someone who may read no registered
kind is refused the list outright, as a role without the domain's read permission always was.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Annotated

from fastapi import Depends, HTTPException

from provider.deadlines import registry
from provider.security.actor import Actor
from provider.security.roles import Permission
from provider.web.deps import ApiActor, PageActor

PAGE_REFUSAL = "your role does not allow this page"


@dataclass(frozen=True)
class Access:
    actor: Actor
    readable: frozenset[str]
    writable: frozenset[str]

    def can_read(self, owner_kind: str) -> bool:
        return owner_kind in self.readable

    def can_write(self, owner_kind: str) -> bool:
        return owner_kind in self.writable


def access_of(actor: Actor) -> Access:
    return Access(
        actor,
        frozenset(kind.name for kind in registry.readable_by(actor)),
        frozenset(kind.name for kind in registry.writable_by(actor)),
    )


def _token_refusal(permissions: set[Permission]) -> str:
    return f"this token lacks the {' or '.join(sorted(p.value for p in permissions))} permission"


def _page_reader(actor: PageActor) -> Access:
    access = access_of(actor)
    if not access.readable:
        raise HTTPException(403, PAGE_REFUSAL)
    return access


def _page_writer(actor: PageActor) -> Access:
    access = access_of(actor)
    if not access.writable:
        raise HTTPException(403, PAGE_REFUSAL)
    return access


def _api_reader(actor: ApiActor) -> Access:
    access = access_of(actor)
    if not access.readable:
        raise HTTPException(403, _token_refusal({k.read_permission for k in registry.all_owner_kinds()}))
    return access


def _api_writer(actor: ApiActor) -> Access:
    access = access_of(actor)
    if not access.writable:
        raise HTTPException(403, _token_refusal({k.write_permission for k in registry.all_owner_kinds()}))
    return access


PageReader = Annotated[Access, Depends(_page_reader)]
PageWriter = Annotated[Access, Depends(_page_writer)]
ApiReader = Annotated[Access, Depends(_api_reader)]
ApiWriter = Annotated[Access, Depends(_api_writer)]


def check_write(access: Access, owner_kind: str, *, api: bool) -> registry.OwnerKind:
    """The owner kind, if the caller may write it: 404 for a kind nobody registered or the caller cannot
    even read (its items are not theirs to know of), 403 for one they may read but not change."""
    declared = registry.find(owner_kind)
    if declared is None or not access.can_read(owner_kind):
        raise HTTPException(404, f"no items of kind {owner_kind!r}")
    if not access.can_write(owner_kind):
        raise HTTPException(403, _token_refusal({declared.write_permission}) if api else PAGE_REFUSAL)
    return declared
