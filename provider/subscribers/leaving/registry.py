"""What the domains tell the core about a subscriber that leaves: the keepers.

A domain registers one `Keeper` in a module its manifest names under `registrations` (imported by the
composition roots), as deadline kinds are registered on `provider.deadlines.registry`. The core asks the
keepers, never the domains' internals, so the layering holds (shared/design.md).
"""

from __future__ import annotations

from collections.abc import Callable, Collection, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import ColumnElement
from sqlmodel import Session


@dataclass(frozen=True)
class Kept:
    """Something a domain still keeps of a subscriber: what, why, how many and until when (UTC; None when
    its end is not known yet, as for a bill not yet issued)."""

    what: str
    why: str
    records: int
    until: datetime | None
    reference: str = ""


@dataclass(frozen=True)
class Keeper:
    """`kept(session, subscriber_id=, line_ids=, now=)` lists what is kept of the subscriber (of `line_ids`
    only, when given); `needed(subscriber_id_column, now)` is a SQL condition, true for a subscriber the
    domain still needs, so the erasure sweep is one statement; `on_leave(session, subscriber_id=,
    line_ids=, actor=, now=)` and `on_user_removed(session, subscriber_id=, line_id=, user_id=, actor=,
    now=)` let the domain end what the leave ends (each returns a summary for the audit event);
    `on_erase(session, subscriber_ids=, line_ids=, now=)` erases the domain's personal data of a batch of
    subscribers being erased, in the erasure's transaction, by a few set-based statements for the whole
    batch, and returns how many rows of each kind went (for the receipt and the audit event)."""

    name: str
    kept: Callable[..., Sequence[Kept]]
    needed: Callable[[ColumnElement[Any], datetime], ColumnElement[bool]]
    on_leave: Callable[..., dict[str, Any]] | None = None
    on_user_removed: Callable[..., dict[str, Any]] | None = None
    on_erase: Callable[..., dict[str, int]] | None = None


_KEEPERS: dict[str, Keeper] = {}


def register(keeper: Keeper) -> Keeper:
    _KEEPERS[keeper.name] = keeper
    return keeper


def keepers() -> list[Keeper]:
    return [_KEEPERS[name] for name in sorted(_KEEPERS)]


def kept_of(session: Session, *, subscriber_id: int, line_ids: Collection[int] | None, now: datetime) -> list[Kept]:
    """What every keeper still keeps, in keeper order."""
    return [
        item
        for keeper in keepers()
        for item in keeper.kept(session, subscriber_id=subscriber_id, line_ids=line_ids, now=now)
    ]


def erase_of(session: Session, *, subscriber_ids: list[int], line_ids: list[int], now: datetime) -> dict[str, int]:
    """Every keeper's erasure of the batch, in keeper order; counts named `<keeper>.<what>`."""
    counts: dict[str, int] = {}
    for keeper in keepers():
        if keeper.on_erase is not None:
            erased = keeper.on_erase(session, subscriber_ids=subscriber_ids, line_ids=line_ids, now=now)
            counts |= {f"{keeper.name}.{what}": int(rows) for what, rows in erased.items()}
    return counts
