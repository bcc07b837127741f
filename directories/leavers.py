"""Directories' keeper on the core's leaving registry (`provider.subscribers.leaving.registry`).

A line that has left is in no edition or look-up produced after its leave (`queries.entries` lists open
lines only), but the publishers keep what they were last delivered. So the subscriber is needed while the
latest edition delivered to any recipient still carries one of its lines: until an edition (full, or a
delta that tells the removal) without the line has been delivered to every publisher that had it, the
provider must be able to say what it published and to whom (reg 18: withdrawals reach every later
edition).

On erasure the lines' directory choice, its append-only history and the subscriber's correction and
withdrawal requests go (they hold the listed name and address); the lines' entries in past editions are
kept as rows, so each edition's counts still add up, with the number replaced by `#<line id>` and the
name and address by "(erased)". A past edition's file regenerated after that no longer matches its
recorded SHA-256 for those rows: the hash proves what was sent, the personal data in it is gone.
Importing this module registers the keeper.
"""

from __future__ import annotations

from collections.abc import Collection
from datetime import datetime
from typing import Any

from sqlalchemy import ColumnElement, String, cast, delete, exists, func, literal, select, update
from sqlmodel import Session

from directories.models import (
    EDITION_ENTRY,
    DirectoryChoice,
    DirectoryChoiceEvent,
    DirectoryDelivery,
    DirectoryRecipient,
    DirectoryRequest,
)
from provider.subscribers.leaving.registry import Keeper, Kept, register
from provider.subscribers.models import Line

ERASED = "(erased)"
WHY = "its removal from the directory has not been delivered to this publisher yet (kept until it is)"


def _last_delivered(now: datetime) -> Any:
    """Per recipient, the latest edition delivered to it by `now`: what that publisher holds."""
    return (
        select(DirectoryDelivery.recipient_id, func.max(DirectoryDelivery.edition_id).label("edition_id"))
        .where(DirectoryDelivery.delivered_at <= now)
        .group_by(DirectoryDelivery.recipient_id)
        .subquery("last_delivered")
    )


def kept(session: Session, *, subscriber_id: int, line_ids: Collection[int] | None, now: datetime) -> list[Kept]:
    lines = select(Line.id).where(Line.subscriber_id == subscriber_id)
    if line_ids is not None:
        lines = lines.where(Line.id.in_(line_ids))
    last = _last_delivered(now)
    rows = session.execute(
        select(DirectoryRecipient.name, last.c.edition_id, func.count())
        .select_from(last)
        .join(DirectoryRecipient, DirectoryRecipient.id == last.c.recipient_id)
        .join(EDITION_ENTRY, EDITION_ENTRY.c.edition_id == last.c.edition_id)
        .where(EDITION_ENTRY.c.line_id.in_(lines))
        .group_by(DirectoryRecipient.name, last.c.edition_id)
        .order_by(DirectoryRecipient.name)
    ).all()
    return [
        Kept(f"directory entries delivered to {name}", WHY, count, None, reference=f"edition {edition_id}")
        for name, edition_id, count in rows
    ]


def needed(subscriber_id: ColumnElement[Any], now: datetime) -> ColumnElement[bool]:
    last = _last_delivered(now)
    lines = select(Line.id).where(Line.subscriber_id == subscriber_id)
    return exists().where(EDITION_ENTRY.c.edition_id == last.c.edition_id, EDITION_ENTRY.c.line_id.in_(lines))


def on_erase(session: Session, *, subscriber_ids: list[int], line_ids: list[int], now: datetime) -> dict[str, int]:  # noqa: ARG001
    # Everything here belongs to a line; subscriber_ids and now are not needed.
    if not line_ids:
        return {}
    choices = session.execute(delete(DirectoryChoice).where(DirectoryChoice.line_id.in_(line_ids))).rowcount
    history = session.execute(delete(DirectoryChoiceEvent).where(DirectoryChoiceEvent.line_id.in_(line_ids))).rowcount
    requests = session.execute(delete(DirectoryRequest).where(DirectoryRequest.line_id.in_(line_ids))).rowcount
    entries = session.execute(
        update(EDITION_ENTRY).where(EDITION_ENTRY.c.line_id.in_(line_ids))
        .values(number=literal("#") + cast(EDITION_ENTRY.c.line_id, String), name=ERASED, address=ERASED)
    ).rowcount  # fmt: skip
    return {"choices": choices, "choice_history": history, "requests": requests, "edition_entries_anonymised": entries}


KEEPER = register(Keeper("directories", kept=kept, needed=needed, on_erase=on_erase))
