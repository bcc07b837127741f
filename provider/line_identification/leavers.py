"""Line identification's keeper on the core's leaving registry (`provider.subscribers.leaving.registry`).

A malicious or nuisance call trace (PECR reg 15) concerning one of the subscriber's lines keeps the
subscriber while it is open: requested and not yet decided, or approved and still active (open-ended, or
its period not over). The subscriber asked for it, the provider may still have to decide or disclose, and
the line's number is what the trace matches calls on. A refused or ended trace keeps nothing: its record
stays as the provider's own (decision, reasons, disclosures), its captures go by `jobs` as before.

A request to stop unwanted call forwarding (PECR reg 17) that is not done yet keeps the subscriber too,
shown with its due time ("due <first due time>"). Decision: the line leaving does not end the duty. The
subscriber asked for the forwarding to be stopped, the third party may still forward to the number (which
can be reassigned), and the request's deadline is the provider's record of whether it acted without
avoidable delay; closing it because the line went would hide a late or forgotten stop. So erasure waits
until staff complete the request through the normal path (`requests.complete_forwarding_stop`), which
meets its deadline, and so ends its reminders; only then does erasure unname it. No open deadline is
ever left behind an erased request. A completed request keeps nothing.

On erasure the lines' CLI settings and their history of changes go (a preference for lines that no longer
exist), and the name of whoever asked for a trace or a forwarding stop is replaced by "(erased)", with the
description of the calls complained of, which is the subscriber's account of its own calls. An erasure
that deleted settings renews the decision cache's epoch, so every replica reloads without the lines.
Importing this module registers the keeper.
"""

from __future__ import annotations

from collections.abc import Collection
from datetime import datetime
from typing import Any

from sqlalchemy import ColumnElement, Select, and_, delete, exists, func, or_, select, update
from sqlmodel import Session

from provider.clock import format_local
from provider.line_identification import cache
from provider.line_identification.models import (
    ForwardingRequest,
    LineCliChange,
    LineCliSetting,
    TraceRequest,
    TraceStatus,
)
from provider.subscribers.leaving.registry import Keeper, Kept, register
from provider.subscribers.models import Line

ERASED = "(erased)"
WHY = {
    TraceStatus.requested: "a malicious or nuisance call trace asked for on its line is not decided yet",
    TraceStatus.approved: "a malicious or nuisance call trace on its line is still active",
}


def _open(now: datetime) -> ColumnElement[bool]:
    active = and_(
        TraceRequest.status == TraceStatus.approved,
        or_(TraceRequest.active_until.is_(None), TraceRequest.active_until > now),
    )
    return or_(TraceRequest.status == TraceStatus.requested, active)


def kept(session: Session, *, subscriber_id: int, line_ids: Collection[int] | None, now: datetime) -> list[Kept]:
    lines = select(Line.id).where(Line.subscriber_id == subscriber_id)
    if line_ids is not None:
        lines = lines.where(Line.id.in_(line_ids))
    rows = session.execute(
        select(TraceRequest.status, func.count(), func.max(TraceRequest.active_until),
               func.count(TraceRequest.active_until))
        .where(TraceRequest.line_id.in_(lines), _open(now))
        .group_by(TraceRequest.status).order_by(TraceRequest.status)
    ).all()  # fmt: skip
    found = []
    for status, count, last, ending in rows:
        # An undecided trace, or an active one without an end, has no known end: the summary says so.
        until = last if status == TraceStatus.approved and ending == count else None
        found.append(Kept("call trace requests", WHY[TraceStatus(status)], count, until))
    return found + _kept_forwarding(session, lines)


def _kept_forwarding(session: Session, lines: Select) -> list[Kept]:
    count, first_due = session.execute(
        select(func.count(), func.min(ForwardingRequest.due_at)).where(
            ForwardingRequest.line_id.in_(lines), ForwardingRequest.completed_at.is_(None)
        )
    ).one()
    if not count:
        return []
    # Its end is when staff stop the forwarding, not known yet; the due time says how urgent that is.
    why = f"a request to stop call forwarding to its line is not done yet, due {format_local(first_due)}"
    return [Kept("call forwarding requests", why, count, None)]


def needed(subscriber_id: ColumnElement[Any], now: datetime) -> ColumnElement[bool]:
    lines = select(Line.id).where(Line.subscriber_id == subscriber_id)
    forwarding = exists().where(ForwardingRequest.line_id.in_(lines), ForwardingRequest.completed_at.is_(None))
    return or_(exists().where(TraceRequest.line_id.in_(lines), _open(now)), forwarding)


def on_erase(session: Session, *, subscriber_ids: list[int], line_ids: list[int], now: datetime) -> dict[str, int]:  # noqa: ARG001
    # subscriber_ids is unused: everything here belongs to a line.
    if not line_ids:
        return {}
    settings = session.execute(delete(LineCliSetting).where(LineCliSetting.line_id.in_(line_ids))).rowcount
    changes = session.execute(delete(LineCliChange).where(LineCliChange.line_id.in_(line_ids))).rowcount
    traces = session.execute(
        update(TraceRequest).where(TraceRequest.line_id.in_(line_ids)).values(requested_by=ERASED, description=ERASED)
    ).rowcount
    forwarding = session.execute(
        update(ForwardingRequest).where(ForwardingRequest.line_id.in_(line_ids)).values(requested_by=ERASED)
    ).rowcount
    if settings or traces:
        cache.renew(session, now)
    return {"cli_settings": settings, "cli_changes": changes, "trace_requests_unnamed": traces,
            "forwarding_requests_unnamed": forwarding}  # fmt: skip


KEEPER = register(Keeper("line_identification", kept=kept, needed=needed, on_erase=on_erase))
