"""The location privacy switch (PECR reg 14(3)-(4)): a line's free, simple, temporary refusal of
location processing. While on, `authorise` refuses identifiable location data for that line, consent
or not; it ends by itself at `ends_at`, or earlier when switched off.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime

from sqlalchemy import or_, select
from sqlmodel import Session

from provider.errors import Conflict, FieldError, Invalid, NotFound
from provider.security import audit
from provider.security.actor import Actor
from provider.subscribers.models import Line
from traffic.consent import rules
from traffic.consent.models import PrivacySwitch


def switch_on(
    session: Session, *, actor: Actor, now: datetime, line: Line, starts_at: datetime | None, ends_at: datetime
) -> PrivacySwitch:
    starts_at = starts_at or now
    errors: list[FieldError] = rules.switch_errors(starts_at=starts_at, ends_at=ends_at, now=now)
    if errors:
        raise Invalid("; ".join(f"{e.field}: {e.reason}" for e in errors), errors=errors)
    switch = PrivacySwitch(line_id=line.id, starts_at=starts_at, ends_at=ends_at, set_by=actor.name, created_at=now)
    session.add(switch)
    session.flush()
    audit.record(
        session,
        actor=actor,
        action="traffic.privacy_switch_on",
        entity_type="traffic_privacy_switch",
        entity_id=switch.id,
        now=now,
        after={"line_id": line.id, "starts_at": starts_at, "ends_at": ends_at},
    )
    return switch


def switch_off(session: Session, *, actor: Actor, now: datetime, switch_id: int, line: Line) -> PrivacySwitch:
    switch = session.get(PrivacySwitch, switch_id)
    if switch is None or switch.line_id != line.id:
        raise NotFound(f"privacy switch {switch_id} is not one of line {line.id}'s")
    if not rules.switch_active(starts_at=switch.starts_at, ends_at=switch.ends_at, ended_at=switch.ended_at, now=now):
        raise Conflict("this privacy switch is not on")
    switch.ended_at = now
    session.add(switch)
    audit.record(
        session,
        actor=actor,
        action="traffic.privacy_switch_off",
        entity_type="traffic_privacy_switch",
        entity_id=switch.id,
        now=now,
        before={"ends_at": switch.ends_at},
        after={"ended_at": now},
    )
    return switch


def of_lines(session: Session, line_ids: Iterable[int]) -> list[PrivacySwitch]:
    ids = list(line_ids)
    if not ids:
        return []
    statement = select(PrivacySwitch).where(PrivacySwitch.line_id.in_(ids)).order_by(PrivacySwitch.id.desc())
    return list(session.execute(statement).scalars())


def active_statement(line_ids: Iterable[int], now: datetime):
    """Switches on at `now` for these lines (the rule `rules.switch_active`, said in SQL)."""
    return select(PrivacySwitch.line_id, PrivacySwitch.ends_at, PrivacySwitch.ended_at).where(
        PrivacySwitch.line_id.in_(list(line_ids)),
        PrivacySwitch.starts_at <= now,
        PrivacySwitch.ends_at > now,
        or_(PrivacySwitch.ended_at.is_(None), PrivacySwitch.ended_at > now),
    )


def active_until(session: Session, line_ids: Iterable[int], now: datetime) -> dict[int, datetime]:
    """line id -> when its active switch ends (the latest end, if several overlap)."""
    found: dict[int, datetime] = {}
    for line_id, ends_at, ended_at in session.execute(active_statement(line_ids, now)):
        end = min(ends_at, ended_at) if ended_at else ends_at
        found[line_id] = max(found.get(line_id, end), end)
    return found
