"""The disclosure register's keeper on the core's leaving registry (`provider.subscribers.leaving.registry`).

The register (PECR reg 29A) is the provider's own record of what a law-enforcement or national-security
body asked and what was disclosed; the ICO may ask for any period's requests and responses, and no
retention period for it is set, so an entry is never erased with the subscriber it names: it keeps the
subscriber's id (which resolves to the erased row) and its free-text fields as recorded, even where they
name the subscriber or its number. What the subscriber's erasure must wait for is an undecided request
naming it: the decision may be to disclose the subscriber's data, which erasure would make impossible
(and to erase it then would defeat the request). The kept item says only that a compliance request is
being decided, never which body asked or why, since those who read a leaver's summary need not see the
register (disclosures:read). Nothing is erased here. Importing this module registers the keeper.
"""

from __future__ import annotations

from collections.abc import Collection
from datetime import datetime
from typing import Any

from sqlalchemy import ColumnElement, exists, func, select
from sqlmodel import Session

from provider.disclosures.models import Decision, DisclosureRequest
from provider.subscribers.leaving.registry import Keeper, Kept, register

WHAT = "compliance request"
WHY = "a request naming the subscriber is still being decided (ask a compliance officer)"


def kept(session: Session, *, subscriber_id: int, line_ids: Collection[int] | None, now: datetime) -> list[Kept]:  # noqa: ARG001
    # A request names the subscriber, not a line: it keeps the whole subscriber, so one line's summary
    # shows it too; it is pending whatever the time, so `now` plays no part.
    count = session.execute(
        select(func.count()).where(
            DisclosureRequest.subscriber_id == subscriber_id, DisclosureRequest.decision == Decision.pending
        )
    ).scalar_one()
    return [Kept(WHAT, WHY, count, None)] if count else []


def needed(subscriber_id: ColumnElement[Any], now: datetime) -> ColumnElement[bool]:  # noqa: ARG001
    return exists().where(
        DisclosureRequest.subscriber_id == subscriber_id, DisclosureRequest.decision == Decision.pending
    )


KEEPER = register(Keeper("disclosures", kept=kept, needed=needed))
