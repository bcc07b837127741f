"""The rules of leaving and erasure as pure functions: values and a `now` in, values out.

* A leave is dated when it happened, never in the future, and never before the subscriber or line existed.
* A left line or subscriber is closed: new consents and settings are refused, naming why (the
  relationship the consent or setting would serve is over). Withdrawing a consent stays possible.
* Erasure needs the subscriber (or line) to have left, not to be erased already, and nothing kept by
  any domain. The receipt's hash covers the ids erased only.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable, Sequence
from datetime import datetime
from zoneinfo import ZoneInfo

from provider.clock import LONDON, format_local, london
from provider.subscribers.leaving.registry import Kept

REASON_WORDS = {"ported_out": "ported out", "ceased": "ceased"}


def left_on(left_at: datetime | None, zone: ZoneInfo = LONDON) -> str:
    """The London date a leave is shown with ('1 Dec 2026'); empty when it has not left."""
    return "" if left_at is None else f"{london(left_at, zone):%-d %b %Y}"


def leave_time_error(left_at: datetime, *, created_at: datetime, now: datetime) -> str | None:
    if left_at > now:
        return "may not be in the future"
    if left_at < created_at:
        return "may not be before it was created"
    return None


def closed_words(what: str, left_at: datetime, reason: str, zone: ZoneInfo = LONDON) -> str:
    """Why a write to a left line or subscriber is refused."""
    return (
        f"{what} left on {left_on(left_at, zone)} ({REASON_WORDS.get(reason, reason)}): it takes no new consents "
        "or changes to its settings"
    )


def erasure_refusals(
    *, left_at: datetime | None, erased_at: datetime | None, kept: Sequence[Kept], zone: ZoneInfo = LONDON
) -> list[str]:
    """Every reason erasure must wait, in words; empty when it may go ahead."""
    if erased_at is not None:
        return [f"already erased on {left_on(erased_at, zone)}"]
    refusals = [] if left_at is not None else ["it has not left: record the leave first"]
    for item in kept:
        until = f"until {format_local(item.until, zone)}" if item.until else "until its end is known"
        refusals.append(f"{item.what} ({item.records}) kept: {item.why}, {until}")
    return refusals


def erased_when(kept: Sequence[Kept], zone: ZoneInfo = LONDON) -> str:
    """When the erasure sweep can erase, as far as is known now."""
    if not kept:
        return "as soon as it has left, since nothing is kept"
    if any(item.until is None for item in kept):
        return "not known yet: something is kept until an event that has not happened (a bill, a resolution)"
    last = max(item.until for item in kept if item.until is not None)
    return f"by the first erasure sweep after {format_local(last, zone)}, if nothing new is kept by then"


def ids_hash(subscriber_id: int, line_ids: Iterable[int], user_ids: Iterable[int]) -> str:
    """SHA-256 over the erased ids (never their content), so a receipt can be matched to a later query."""
    text = f"subscriber:{subscriber_id};lines:{','.join(map(str, sorted(line_ids)))};"
    text += f"users:{','.join(map(str, sorted(user_ids)))}"
    return hashlib.sha256(text.encode()).hexdigest()
