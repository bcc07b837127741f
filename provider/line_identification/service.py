"""Use cases of line identification: a line's CLI settings (read, change with history and audit) and
decisions for the switch, one call or a batch, served from the cache (`provider.line_identification.cache`).

A change bumps the state version in its own transaction, so the very next decision on any replica reads
it. A decision writes nothing, except that a call to a line under an active trace records the caller's
identity (`TraceCapture`), which is never part of what the called party is shown.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from datetime import datetime
from typing import Any

from sqlalchemy import select
from sqlmodel import Session

from provider.batching import no_cycle_collection
from provider.db.bulk import insert_rows
from provider.errors import invalid
from provider.line_identification import cache, rules
from provider.line_identification.models import (
    CallIn,
    CliChangePublic,
    CliSettingsPublic,
    CliSettingsUpdate,
    LineCliChange,
    LineCliSetting,
    TraceCapture,
)
from provider.line_identification.rules import Call, Context, Decision, Origin, Prefixes
from provider.security import audit
from provider.security.actor import Actor
from provider.settings import Settings
from provider.subscribers import service as subscribers
from provider.subscribers.leaving import guard
from provider.subscribers.models import Line

OPTION_FIELDS = (
    "withhold_all",
    "hide_incoming",
    "reject_anonymous",
    "rejection_method",
    "rejection_charge",
    "withhold_connected",
)
HISTORY_SHOWN = 50


def prefixes_of(settings: Settings) -> Prefixes:
    return Prefixes(withhold=settings.cli_withhold_prefix, release=settings.cli_release_prefix)


# --- settings ------------------------------------------------------------------------------------


def setting_of(session: Session, line_id: int) -> LineCliSetting | None:
    return session.execute(select(LineCliSetting).where(LineCliSetting.line_id == line_id)).scalar_one_or_none()


def history_of(session: Session, line_id: int, limit: int = HISTORY_SHOWN) -> list[LineCliChange]:
    query = select(LineCliChange).where(LineCliChange.line_id == line_id)
    return list(session.execute(query.order_by(LineCliChange.id.desc()).limit(limit)).scalars())


def settings_public(session: Session, line: Line) -> CliSettingsPublic:
    row = setting_of(session, line.id)
    options = _options_summary(row or LineCliSetting())
    return CliSettingsPublic(
        line_id=line.id,
        number=line.number,
        **options,
        requested_by=row.requested_by if row else None,
        channel=row.channel if row else None,
        requested_at=row.requested_at if row else None,
        history=[
            CliChangePublic.model_validate(change, from_attributes=True) for change in history_of(session, line.id)
        ],
    )


def _options_summary(row: Any) -> dict[str, Any]:
    return {name: getattr(row, name) for name in OPTION_FIELDS}


def update_settings(
    session: Session, *, actor: Actor, now: datetime, line_id: int, data: CliSettingsUpdate
) -> LineCliSetting:
    """Apply the subscriber's choice, keep it in the history, audit it, and invalidate every cache; a line
    that has left (ported out, ceased) takes no new settings."""
    line = subscribers.get_line(session, line_id)
    guard.ensure_line_open(session, line.id)
    if data.requested_at is not None and data.requested_at > now:
        raise invalid("requested_at", "must not be in the future")
    row = setting_of(session, line.id)
    before = _options_summary(row) if row else None
    options = data.model_dump(include=set(OPTION_FIELDS))
    asked = {"requested_by": data.requested_by, "channel": data.channel, "requested_at": data.requested_at or now}
    if row is None:
        row = LineCliSetting(line_id=line.id, recorded_by=actor.name, changed_at=now, **options, **asked)
        session.add(row)
    else:
        for name, value in {**options, **asked}.items():
            setattr(row, name, value)
        row.recorded_by, row.changed_at = actor.name, now
    row.version = cache.bump(session, now)
    session.add(LineCliChange(line_id=line.id, recorded_by=actor.name, recorded_at=now, **options, **asked))
    session.flush()
    audit.record(
        session,
        actor=actor,
        action="line_identification.settings_changed",
        entity_type="subscriber_line",
        entity_id=line.id,
        now=now,
        before=before,
        after={**options, "requested_by": data.requested_by, "channel": data.channel},
    )
    return row


# --- decisions -----------------------------------------------------------------------------------


def call_of(data: CallIn) -> Call:
    # Positional, in the field order of `Call`: a batch converts a hundred thousand of them.
    return Call(
        data.network_number,
        data.origin,
        data.dialled,
        data.privacy,
        data.presentation_number,
        data.called,
        data.uk_origin_shown,
        data.roaming,
    )


def _key(number: str) -> str:
    """The cache's key for a number: lines are stored in E.164, which most switches send already."""
    return number if number[:1] == "+" else (rules.e164(number) or number)


def _decide_all(
    snapshot: cache.Snapshot, calls: Iterable[Call], prefixes: Prefixes, now: datetime, unverified_roaming: bool
) -> list[Decision]:
    """`rules.decide` for each call against one snapshot; the loop binds its lookups once, as a batch
    runs it a hundred thousand times."""
    lines, traces, numbering = snapshot.lines.get, snapshot.traces.get, snapshot.numbering
    decide, key, own, new = rules.decide, _key, Origin.own_subscriber, tuple.__new__
    called_digits = rules.called_digits
    decisions: list[Decision] = []
    append = decisions.append
    with no_cycle_collection():
        for call in calls:
            network, called = call.network_number, call.called or called_digits(call, prefixes)
            # The rules read the caller's line only on a call from our own subscriber: a look-up in a
            # million lines is a cache miss, so the others are spared it.
            caller = lines(network if network[:1] == "+" else key(network)) if call.origin is own else None
            called_key = called if called[:1] == "+" else key(called)
            # tuple.__new__ makes the same Context as Context(...) without its Python-level constructor.
            context = new(
                Context,
                (caller, lines(called_key), traces(called_key), numbering, prefixes, now, unverified_roaming),
            )
            append(decide(call, context))
    return decisions


def _captures(calls: Sequence[Call], decisions: Sequence[Decision], now: datetime) -> list[dict[str, Any]]:
    return [
        {"trace_id": d.trace_id, "caller_number": c.network_number, "withheld": d.withheld, "captured_at": now}
        for c, d in zip(calls, decisions, strict=True)
        if d.trace_id is not None
    ]


def decide_calls(
    session: Session, *, settings: Settings, now: datetime, calls: Sequence[CallIn], record: bool = True
) -> list[Decision]:
    """Decisions for many calls against one fresh snapshot; calls to a traced line are recorded (the
    caller commits) unless `record` is false (a call tried by hand on a page is no real call)."""
    with no_cycle_collection():
        plain = [call_of(data) for data in calls]
    return decide_checked(session, settings=settings, now=now, calls=plain, record=record)


def decide_checked(
    session: Session, *, settings: Settings, now: datetime, calls: Sequence[Call], record: bool = True
) -> list[Decision]:
    """`decide_calls` for calls already checked against `CallIn` (a batch read by `batch_in`)."""
    snapshot = cache.for_engine(session.get_bind()).current(session)
    decisions = _decide_all(snapshot, calls, prefixes_of(settings), now, settings.cli_unverified_uk_mobile_roaming)
    captured = _captures(calls, decisions, now) if record else []
    if captured:
        insert_rows(session, TraceCapture.__table__, captured)
    return decisions


def decide_plain(
    session: Session,
    *,
    prefixes: Prefixes,
    now: datetime,
    calls: Sequence[Call],
    unverified_roaming: bool = False,
) -> list[Decision]:
    """The benchmark's way in: plain calls, no schema parsing, nothing recorded."""
    snapshot = cache.for_engine(session.get_bind()).current(session)
    return _decide_all(snapshot, calls, prefixes, now, unverified_roaming)
