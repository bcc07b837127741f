"""The breach-notification rules as pure functions: regimes, deadlines, awareness, lateness, penalty.

What a filing of each stage must hold (611/2013 Annex I) is in breach.ico.rules.

Sources: PECR regulation 5A (as amended by the Data (Use and Access) Act 2025, "DUAA"), Commission
Regulation (EU) No 611/2013 ("611/2013") and Regulation (EEC, Euratom) No 1182/71 (periods, dates and time
limits). See `shared/rules.md` §1. Nothing here reads a clock or a database: every function takes
values (and `now` where the answer depends on it) and returns values.

Invariants:
- The regime is chosen by `aware_at`, the legal anchor, never by `detected_at` (the operational time).
- Deadlines are elapsed time in UTC: a 73-hour period across the October clock change ends at a local
  wall time one hour earlier than a naive local-time count would give.
- Once a deadline has been met its lateness is frozen (provider.deadlines.rules.meet), whatever is
  corrected later; how late, and a deadline's state, are the core's rules too.
- "Without undue delay" gets no invented hours: such obligations carry only an internal target,
  labelled as such (`statutory=False`).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any, Protocol

from breach.log.rules import period_of, submission_due_at
from breach.models import FilingStage, ObligationKind, Regime
from provider.clock import LONDON, ensure_utc
from provider.deadlines import rules as deadline_rules
from provider.deadlines.models import ObligationStatus
from provider.errors import FieldError

# 611/2013 applies from 25 August 2013 (its Art 7); DUAA's amendment of reg 5A from 20 August 2025.
# Both boundaries are local midnights in London: 2025-08-20 00:00 BST is 2025-08-19 23:00 UTC.
EU_611_START = datetime(2013, 8, 25, tzinfo=LONDON).astimezone(UTC)
DUAA_COMMENCEMENT = datetime(2025, 8, 20, tzinfo=LONDON).astimezone(UTC)

EU_611_INITIAL_HOURS = 24
EU_611_SECOND_DAYS = 3
DUAA_NOTIFICATION_HOURS = 72

# Policy (rules.md §1): the 24-hour initial / 3-day second discipline is kept as internal targets, and the
# customer-notice decision ("without undue delay", no statutory hours) gets an internal target too.
INTERNAL_INITIAL_HOURS = 24
INTERNAL_SECOND_DAYS = 3
INTERNAL_CUSTOMER_DECISION_HOURS = 72

# Awareness more than this long after detection needs a written justification (rules.md §1).
AWARENESS_GAP_HOURS = 24
# A time "in the future" by less than this is a clock skew between the user's device and ours, not an error.
FUTURE_TOLERANCE = timedelta(minutes=5)

# PECR reg 5C fixed monetary penalty for failing to notify; £800 if paid within 21 days.
FIXED_PENALTY_POUNDS = 1_000
EARLY_PAYMENT_PENALTY_POUNDS = 800
EARLY_PAYMENT_DAYS = 21

NOTIFICATION_KINDS = frozenset({ObligationKind.ico_notification, ObligationKind.ico_second_target})
NONE_ANSWER = "none"

BASIS = {
    (
        Regime.eu_611_2013,
        ObligationKind.ico_notification,
    ): "611/2013 Art 2(2): initial notification no later than 24 hours after detection (deemed detected on "
    "sufficient awareness), where feasible; hours counted per Regulation 1182/71 Art 3",
    (
        Regime.duaa,
        ObligationKind.ico_notification,
    ): "PECR reg 5A as amended by DUAA 2025: without undue delay and, where feasible, within 72 hours of "
    "becoming aware; hours counted per Regulation 1182/71 Art 3",
    (
        Regime.duaa,
        ObligationKind.ico_initial_target,
    ): "Internal target (policy): initial notification within 24 hours of awareness",
    (
        Regime.eu_611_2013,
        ObligationKind.ico_second_target,
    ): "611/2013 Art 2(3): second notification within 3 days of the initial notification",
    (
        Regime.duaa,
        ObligationKind.ico_second_target,
    ): "Internal target (policy): second notification 3 days after the initial; DUAA: further information "
    "in phases without undue further delay (no statutory hours)",
    (
        None,
        ObligationKind.customer_notice_decision,
    ): "PECR reg 5A(3), 611/2013 Art 3: notify customers without undue delay when likely to be adversely "
    "affected; no statutory hours. Internal target (policy): decide within 72 hours of awareness",
    (
        None,
        ObligationKind.log_inclusion,
    ): "PECR reg 5A(8): breach log; the ICO asks for it monthly. Due day of the month is policy",
}


@dataclass(frozen=True)
class ObligationPlan:
    """One deadline as the rules compute it; the service stores it as an `Obligation` row."""

    kind: ObligationKind
    recipient: str
    statutory: bool
    basis: str
    anchor_at: datetime | None
    due_at: datetime | None
    period: str = ""
    status: ObligationStatus = ObligationStatus.open
    decision: str = ""


class ObligationLike(Protocol):
    kind: Any
    statutory: bool
    status: Any
    due_at: datetime | None
    late_by_seconds: int | None


# --- regime and deadlines ---------------------------------------------------------------------------------


def regime_for(aware_at: datetime) -> Regime:
    """The rule set in force at the moment of awareness.

    DUAA applies when `aware_at` is on or after 2025-08-20 00:00 Europe/London (= 2025-08-19 23:00 UTC);
    611/2013 applies before that. So 2025-08-19 22:59:59 UTC (23:59:59 BST on the 19th) is 611/2013 and
    2025-08-19 23:00 UTC (00:00 BST on the 20th) is DUAA. Raises ValueError before 611/2013 applied
    (25 August 2013), whose rules this product does not hold.
    """
    moment = ensure_utc(aware_at)
    if moment < EU_611_START:
        raise ValueError("awareness before 25 August 2013 predates Regulation 611/2013; not supported")
    return Regime.duaa if moment >= DUAA_COMMENCEMENT else Regime.eu_611_2013


def hours_after(event_at: datetime, hours: int) -> datetime:
    """End of a period of `hours` counted per Regulation 1182/71 Art 3(1) and 3(2)(a).

    The hour during which the event occurs is not counted; the period starts at the beginning of the next
    whole hour and ends when the last hour expires. Hence: the event floored to the hour, plus hours + 1.
    Flooring in UTC equals flooring in London because UK offsets are whole hours; elapsed hours are counted
    in UTC so a period spanning a clock change is still that many real hours. Aware 14:20 → 72 hours end
    at 15:00 three days later.
    """
    moment = ensure_utc(event_at)
    return moment.replace(minute=0, second=0, microsecond=0) + timedelta(hours=hours + 1)


def ico_notification_due(regime: Regime, aware_at: datetime) -> datetime:
    """The statutory deadline for notifying the ICO.

    DUAA: 72 hours after becoming aware (1182/71 counting) → `aware_at` floored to the hour + 73 hours.

    611/2013: Art 2(2) says "no later than 24 hours after the detection of the personal data breach, where
    feasible", and its last subparagraph says the provider "shall be deemed to have detected a personal
    data breach when [it] has acquired sufficient awareness that a security incident has occurred that led
    to personal data being compromised". Legal "detection" is therefore our `aware_at`, not the operational
    `detected_at`. 611/2013 is a Commission act, so 1182/71 Art 3 counts its hours too → floored + 25 hours.
    """
    hours = DUAA_NOTIFICATION_HOURS if Regime(regime) is Regime.duaa else EU_611_INITIAL_HOURS
    return hours_after(aware_at, hours)


def second_notification_due(initial_filed_at: datetime) -> datetime:
    """3 days after the first initial filing, as 72 elapsed hours.

    611/2013 Art 2(3) gives 3 days from the initial notification. 1182/71 would count whole days (ending at
    the end of the third day, extended past weekends and public holidays); we take the earlier, elapsed-time
    bound, so the product never shows a filing as on time that could be late. Under DUAA the same figure is
    an internal target.
    """
    return ensure_utc(initial_filed_at) + timedelta(days=EU_611_SECOND_DAYS)


def plan_obligations(regime: Regime, aware_at: datetime, *, log_due_day: int) -> list[ObligationPlan]:
    """The obligations a breach has from the moment it is recorded (the second one comes after filing).

    Under 611/2013 the 24-hour initial notification IS the statutory ICO deadline, so it is one row
    (`ico_notification`) and no `ico_initial_target` is planned. Under DUAA the statutory 72 hours and the
    internal 24-hour target are two rows, shown side by side.
    """
    aware, regime = ensure_utc(aware_at), Regime(regime)
    plans = [
        ObligationPlan(
            ObligationKind.ico_notification,
            "ico",
            True,
            BASIS[(regime, ObligationKind.ico_notification)],
            aware,
            ico_notification_due(regime, aware),
        )
    ]
    if regime is Regime.duaa:
        plans.append(
            ObligationPlan(
                ObligationKind.ico_initial_target,
                "ico",
                False,
                BASIS[(regime, ObligationKind.ico_initial_target)],
                aware,
                aware + timedelta(hours=INTERNAL_INITIAL_HOURS),
            )
        )
    plans.append(
        ObligationPlan(
            ObligationKind.customer_notice_decision,
            "customers",
            False,
            BASIS[(None, ObligationKind.customer_notice_decision)],
            aware,
            aware + timedelta(hours=INTERNAL_CUSTOMER_DECISION_HOURS),
        )
    )
    period = period_of(aware)
    plans.append(
        ObligationPlan(
            ObligationKind.log_inclusion,
            "ico",
            False,
            BASIS[(None, ObligationKind.log_inclusion)],
            aware,
            submission_due_at(period, log_due_day),
            period=period,
        )
    )
    return plans


def second_obligation(regime: Regime, initial_filed_at: datetime, *, initial_complete: bool) -> ObligationPlan:
    """The second-notification obligation, anchored on the first initial filing.

    Statutory under 611/2013, an internal target under DUAA. If the initial filing already held every
    Section 2 item, no second notification is needed: the row is recorded as not_required.
    """
    anchor, regime = ensure_utc(initial_filed_at), Regime(regime)
    status = ObligationStatus.not_required if initial_complete else ObligationStatus.open
    return ObligationPlan(
        ObligationKind.ico_second_target,
        "ico",
        regime is Regime.eu_611_2013,
        BASIS[(regime, ObligationKind.ico_second_target)],
        anchor,
        second_notification_due(anchor),
        status=status,
        decision="initial notification complete" if initial_complete else "",
    )


def kinds_met_by(stage: FilingStage) -> tuple[ObligationKind, ...]:
    """Which obligations a filing of `stage` meets. A follow-up meets none: it adds to what was sent."""
    stage = FilingStage(stage)
    if stage is FilingStage.initial:
        return (ObligationKind.ico_notification, ObligationKind.ico_initial_target)
    if stage is FilingStage.second:
        return (ObligationKind.ico_second_target,)
    return ()


def statutory_obligation_for(stage: FilingStage, obligations: Iterable[ObligationLike]) -> ObligationLike | None:
    """The statutory deadline a filing of `stage` answers (none for a follow-up, nor for DUAA's second)."""
    by_kind = {ObligationKind(row.kind): row for row in obligations}
    for kind in kinds_met_by(stage):
        row = by_kind.get(kind)
        if row is not None and row.statutory:
            return row
    return None


def lateness_if_filed(stage: FilingStage, obligations: Iterable[ObligationLike], now: datetime) -> int | None:
    """Seconds late a filing of `stage` made at `now` would be for the statutory deadline it is the first to
    meet (0 when on time); None when it meets no open statutory deadline. Truthy means reasons are needed."""
    statutory = statutory_obligation_for(stage, obligations)
    if statutory is None or ObligationStatus(statutory.status) is not ObligationStatus.open:
        return None
    return deadline_rules.lateness_seconds(statutory.due_at, now)


def penalty_exposure(obligations: Iterable[ObligationLike], now: datetime) -> int:
    """Pounds at risk: £1,000 (reg 5C fixed penalty; £800 if paid within 21 days) per statutory ICO
    notification that is overdue now or was filed late. Internal targets carry no penalty."""
    exposed = 0
    for obligation in obligations:
        if not obligation.statutory or ObligationKind(obligation.kind) not in NOTIFICATION_KINDS:
            continue
        if deadline_rules.deadline_state(obligation, now) in ("overdue", "met_late"):
            exposed += FIXED_PENALTY_POUNDS
    return exposed


# --- awareness and times ----------------------------------------------------------------------------------


def is_blank(value: Any) -> bool:
    return value is None or (isinstance(value, str) and not value.strip())


def time_errors(
    *,
    occurred_at: datetime | None,
    occurred_is_estimate: bool,
    detected_at: datetime,
    aware_at: datetime,
    awareness_justification: str,
    now: datetime,
) -> list[FieldError]:
    """Every problem with the breach's times, at once (rules.md §1 "two clocks").

    - awareness before detection is refused unless `awareness_justification` explains it (error on aware_at);
    - awareness more than 24 hours after detection needs the justification (error on awareness_justification);
    - the incident cannot have occurred after it was detected, estimate or not: an estimate may be at most
      the detection time;
    - no time may lie in the future (beyond a few minutes' clock skew);
    - awareness before 25 August 2013 predates the rules this product holds.
    """
    errors: list[FieldError] = []
    occurred, detected, aware, now = (
        _utc_or_none(occurred_at),
        ensure_utc(detected_at),
        ensure_utc(aware_at),
        ensure_utc(now),
    )
    justified = not is_blank(awareness_justification)
    if aware < detected and not justified:
        errors.append(FieldError("aware_at", "is before detected_at: give an awareness justification or correct it"))
    if aware - detected > timedelta(hours=AWARENESS_GAP_HOURS) and not justified:
        errors.append(
            FieldError(
                "awareness_justification",
                f"awareness came more than {AWARENESS_GAP_HOURS} hours after detection: explain why in writing",
            )
        )
    if occurred is not None and occurred > detected:
        reason = (
            "an estimate may be at most the detection time"
            if occurred_is_estimate
            else "the incident cannot have occurred after it was detected"
        )
        errors.append(FieldError("occurred_at", f"is after detected_at: {reason}"))
    for field, value in (("occurred_at", occurred), ("detected_at", detected), ("aware_at", aware)):
        if value is not None and value > now + FUTURE_TOLERANCE:
            errors.append(FieldError(field, "is in the future"))
    if aware < EU_611_START:
        errors.append(FieldError("aware_at", "is before 25 August 2013, when Regulation 611/2013 began to apply"))
    return errors


def _utc_or_none(value: datetime | None) -> datetime | None:
    return None if value is None else ensure_utc(value)


def due_order(obligations: Iterable[ObligationLike]) -> list[ObligationLike]:
    """Statutory deadlines first, then internal targets; within each, open before done, soonest due first."""

    def key(row: ObligationLike) -> tuple[bool, bool, bool, datetime]:
        done = ObligationStatus(row.status) is not ObligationStatus.open
        due = ensure_utc(row.due_at) if row.due_at is not None else datetime.max.replace(tzinfo=UTC)
        return (not row.statutory, done, row.due_at is None, due)

    return sorted(obligations, key=key)


def next_action(obligations: Iterable[ObligationLike]) -> ObligationLike | None:
    """What to do next on a breach: the open statutory deadline due soonest, else the open internal target
    due soonest; None when nothing with a due time is open. Overdue items are included (they are still due)."""
    open_rows = [
        row for row in obligations if ObligationStatus(row.status) is ObligationStatus.open and row.due_at is not None
    ]
    ordered = due_order(open_rows)
    return ordered[0] if ordered else None


CORRECTED_TIMES = ("aware_at", "detected_at")


def correction_needs_approval(changed: Iterable[str], obligations: Iterable[ObligationLike], now: datetime) -> bool:
    """A change of `aware_at` or `detected_at` once a statutory deadline has passed (its due time is before
    `now`, met or not) waits for a justification and a second person's approval: until then nothing moves,
    so "overdue" cannot quietly become "open" and a month already logged cannot lose the breach."""
    if not any(name in CORRECTED_TIMES for name in changed):
        return False
    return any(
        row.statutory and row.due_at is not None and ensure_utc(row.due_at) < ensure_utc(now) for row in obligations
    )


def may_approve(requested_by: str, approver: str) -> bool:
    """Approval is by a second person: never the one who asked for the correction, whether they act on a
    page ("dana") or through any of their API tokens ("dana/ci"; a username has no "/")."""
    return _person(requested_by) != _person(approver)


def _person(actor_name: str) -> str:
    return actor_name.strip().casefold().split("/", 1)[0].strip()
