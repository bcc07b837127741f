"""What each domain declares about its deadlines: its owner kinds and, per owner kind, its deadline kinds.

A domain registers its owner kinds once, at import of its declaring module (as jobs register with the
scheduler). The core never knows a domain's names, URLs or tables: everything it shows about an item
(the link, the short reference, the words naming it) comes from these declarations.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Collection, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from sqlmodel import Session

from provider.deadlines import rules
from provider.deadlines.models import Threshold
from provider.security.actor import Actor
from provider.security.roles import Permission, Role
from provider.settings import Settings


@dataclass(frozen=True)
class DeadlineKind:
    """One kind of deadline an owner kind has (an obligation's `kind`)."""

    name: str
    label: str  # in reminder text: "ICO notification"
    reminded: bool = True  # false for a kind whose reminder another kind's covers
    fractions: Mapping[Threshold, float] = field(default_factory=lambda: dict(rules.DEFAULT_FRACTIONS))

    def __post_init__(self) -> None:
        rules.check_fractions(self.fractions)


def _no_references(_session: Session, _owner_ids: Collection[int]) -> Mapping[int, str]:
    return {}


def selected_references(
    statement: Callable[[list[int]], Any], label: Callable[..., str]
) -> Callable[[Session, Collection[int]], Mapping[int, str]]:
    """An owner kind's `references` from one SELECT over the owner ids: `statement(ids)` selects the id
    first, then what `label(id, *rest)` needs to name the item."""

    def references(session: Session, owner_ids: Collection[int]) -> Mapping[int, str]:
        if not owner_ids:
            return {}
        return {row[0]: label(*row) for row in session.execute(statement(list(owner_ids)))}

    return references


def _no_addresses(_settings: Settings) -> Sequence[str]:
    return ()


def _no_public_fields(_owner_id: int | None, _reference: str | None) -> Mapping[str, Any]:
    return {}


@dataclass(frozen=True)
class OwnerKind:
    """A kind of item that owns obligations (a breach; the breach log as a whole).

    `link(owner_id, period)` is the page to open; `references(session, ids)` gives each existing item's
    short reference (no personal data) and so also says which ids exist; `subject(reference, period)` names
    the item in reminder text ("breach BR-2026-0001"); `escalation_addresses(settings)` are told of every
    escalation besides the deputy; `fallback_roles` are reminded while an item has no named owner;
    `public_fields(owner_id, reference)` adds the domain's own fields to the reminders API.
    """

    name: str
    label: str
    kinds: Sequence[DeadlineKind]
    read_permission: Permission
    write_permission: Permission
    fallback_roles: Sequence[Role]
    link: Callable[[int | None, str], str]
    subject: Callable[[str | None, str], str]
    references: Callable[[Session, Collection[int]], Mapping[int, str]] = _no_references
    escalation_addresses: Callable[[Settings], Sequence[str]] = _no_addresses
    public_fields: Callable[[int | None, str | None], Mapping[str, Any]] = _no_public_fields
    audit_prefix: str = ""  # the domain's audit action prefix; the owner kind's name when empty

    @property
    def action_prefix(self) -> str:
        return self.audit_prefix or self.name

    def kind(self, name: str) -> DeadlineKind:
        for kind in self.kinds:
            if kind.name == name:
                return kind
        raise LookupError(f"owner kind {self.name!r} has no deadline kind {name!r}")

    def kind_label(self, name: str) -> str:
        return next((kind.label for kind in self.kinds if kind.name == name), name)

    def fractions(self, name: str) -> Mapping[Threshold, float]:
        return next((kind.fractions for kind in self.kinds if kind.name == name), rules.DEFAULT_FRACTIONS)

    @property
    def unreminded(self) -> frozenset[str]:
        return frozenset(kind.name for kind in self.kinds if not kind.reminded)


_OWNER_KINDS: dict[str, OwnerKind] = {}
FALLBACK_LINK = "/reminders"


def register(owner_kind: OwnerKind) -> OwnerKind:
    """Declare an owner kind; declaring the same name again replaces it (a module imported twice)."""
    if not owner_kind.name or len(owner_kind.name) > 32:
        raise ValueError("an owner kind's name is 1 to 32 characters")
    _OWNER_KINDS[owner_kind.name] = owner_kind
    return owner_kind


def get(name: str) -> OwnerKind:
    """The registered owner kind; LookupError names it when no domain declared it."""
    try:
        return _OWNER_KINDS[name]
    except KeyError:
        raise LookupError(f"no domain has registered the owner kind {name!r}") from None


def find(name: str) -> OwnerKind | None:
    return _OWNER_KINDS.get(name)


def all_owner_kinds() -> list[OwnerKind]:
    return sorted(_OWNER_KINDS.values(), key=lambda owner_kind: owner_kind.name)


def readable_by(actor: Actor) -> list[OwnerKind]:
    return [owner_kind for owner_kind in all_owner_kinds() if actor.can(owner_kind.read_permission)]


def writable_by(actor: Actor) -> list[OwnerKind]:
    return [owner_kind for owner_kind in all_owner_kinds() if actor.can(owner_kind.write_permission)]


def describe(owner_kind: str, kind: str, statutory: bool, reference: str | None, period: str) -> str:
    """The reminder text naming what is due for which item, from the owner kind's declarations."""
    declared = get(owner_kind)
    return rules.describe(declared.kind_label(kind), statutory, declared.subject(reference, period))


def references_of(session: Session, pairs: Collection[tuple[str, int | None]]) -> dict[tuple[str, int], str]:
    """Each item's short reference by (owner kind, owner id), one query per owner kind."""
    by_kind: dict[str, set[int]] = defaultdict(set)
    for owner_kind, owner_id in pairs:
        if owner_id is not None:
            by_kind[owner_kind].add(owner_id)
    return {
        (owner_kind, owner_id): reference
        for owner_kind, ids in by_kind.items()
        for owner_id, reference in get(owner_kind).references(session, ids).items()
    }


def link_for(owner_kind: str, owner_id: int | None, period: str) -> str:
    """The page to open for an obligation of this item, as the owning domain builds it."""
    return get(owner_kind).link(owner_id, period) or FALLBACK_LINK
