"""Itemised bills' keeper on the core's leaving registry (`provider.subscribers.leaving.registry`).

The imported call list is what an itemised bill was made from: while any call of the subscriber is
within its retain-until (`rules.call_list_retain_until`: the bill can still be challenged, PECR reg 7(3)),
the subscriber is needed, until the last of them; so it is while a traffic retention hold covers one of
its calls (the nightly erasure spares those too). Calls past their retain-until and not held block
nothing: the nightly erasure would take them anyway, and the subscriber's erasure takes them at once. On erasure the
subscriber's calls and its history of itemisation requests go: the history is evidence of a preference
for bills that will never be produced again. Importing this module registers the keeper.
"""

from __future__ import annotations

from collections.abc import Collection
from datetime import datetime
from typing import Any

from sqlalchemy import ColumnElement, delete, exists, func, or_, select
from sqlmodel import Session

import traffic
from provider.billing.models import BillCall, ItemisedBillChoice
from provider.subscribers.leaving.registry import Keeper, Kept, register
from provider.subscribers.models import Line

WHAT = "itemised call list"
WHY = "the itemised bill made from it can still be challenged"
WHY_HELD = "past its retention but covered by a traffic retention hold (see the traffic records' holds)"


def _held(now: datetime) -> ColumnElement[bool]:
    return traffic.retention_hold_covers(
        subscriber_id=BillCall.subscriber_id, line_number=BillCall.line_number, started_at=BillCall.started_at, now=now
    )


def kept(session: Session, *, subscriber_id: int, line_ids: Collection[int] | None, now: datetime) -> list[Kept]:
    within = BillCall.retain_until > now
    query = select(within, func.count(), func.max(BillCall.retain_until)).where(
        BillCall.subscriber_id == subscriber_id, or_(within, _held(now))
    )
    if line_ids is not None:
        query = query.where(BillCall.line_number.in_(select(Line.number).where(Line.id.in_(line_ids))))
    rows = session.execute(query.group_by(within).order_by(within.desc())).all()
    return [Kept(WHAT, WHY, count, until) if challengeable else Kept(f"{WHAT}, held", WHY_HELD, count, None)
            for challengeable, count, until in rows]  # fmt: skip


def needed(subscriber_id: ColumnElement[Any], now: datetime) -> ColumnElement[bool]:
    return exists().where(BillCall.subscriber_id == subscriber_id, or_(BillCall.retain_until > now, _held(now)))


def on_erase(session: Session, *, subscriber_ids: list[int], line_ids: list[int], now: datetime) -> dict[str, int]:  # noqa: ARG001
    # A line erased on its own (its subscriber stays) takes the calls made from it.
    of_lines = BillCall.line_number.in_(select(Line.number).where(Line.id.in_(line_ids)))
    calls = session.execute(delete(BillCall).where(or_(BillCall.subscriber_id.in_(subscriber_ids), of_lines)))
    choices = session.execute(delete(ItemisedBillChoice).where(ItemisedBillChoice.subscriber_id.in_(subscriber_ids)))
    return {"calls": calls.rowcount, "itemised_choices": choices.rowcount}


KEEPER = register(Keeper("billing", kept=kept, needed=needed, on_erase=on_erase))
