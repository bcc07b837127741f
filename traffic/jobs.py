"""Scheduled work of traffic data: daily partitions made ahead, holds released at their end, the nightly sweep,
and emergency-alert data erased before its deadline.

The sweep's time comes from PECR_TRAFFIC_SWEEP_HOUR / _MINUTE (in the scheduler's zone, Europe/London;
default 02:30). Both jobs are idempotent: partitions are made only where missing, and a sweep finds
nothing left to erase the second time (it still writes its receipt, so every run is on record).

Reg 16A gives alert data a deadline (7 days after the alert period, 48 hours for a test) that the nightly
sweep would miss by up to a day, so `traffic.alert_erasure` runs every ALERT_EVERY and erases the alert
data due before its next run: each record goes at most ALERT_EVERY before its retain-until, never after.
It writes a receipt only when it erases something.
"""

from __future__ import annotations

from datetime import timedelta

from sqlmodel import Session

from provider.scheduler.registry import JobContext, JobSpec, register
from provider.security.actor import system_actor
from provider.security.keystore import KeyStore
from traffic import partitions, rules
from traffic.models import RetentionClass
from traffic.policy import TrafficSettings
from traffic.retention import service
from traffic.sweep import sweep, sweep_class

SETTINGS = TrafficSettings()
ACTOR = system_actor("scheduler:traffic.hold_release")
ALERT_EVERY = timedelta(minutes=15)


def make_partitions(context: JobContext) -> int:
    with Session(context.engine) as session:
        made = partitions.ensure_ahead(session, rules.utc_day(context.clock.now()), SETTINGS.partitions_ahead_days)
        session.commit()
    return made


def release_holds(context: JobContext) -> int:
    with Session(context.engine) as session:
        released = service.release_ended_holds(session, actor=ACTOR, now=context.clock.now())
        session.commit()
    return released


def erasure_sweep(context: JobContext) -> int:
    store = KeyStore(context.settings.key_store)
    return sweep(context.engine, now=context.clock.now(), batch=SETTINGS.sweep_batch, store=store).rows_erased


def erase_alert_data(context: JobContext) -> int:
    # The look-ahead is one interval and a minute, so a run a little late still leaves nothing overdue.
    ahead = ALERT_EVERY + timedelta(minutes=1)
    result = sweep_class(
        context.engine, now=context.clock.now(), only=RetentionClass.emergency_alert, ahead=ahead,
        batch=SETTINGS.sweep_batch, store=KeyStore(context.settings.key_store),
    )  # fmt: skip
    return 0 if result is None else result.rows_erased


register(
    JobSpec(
        id="traffic.partitions",
        func=make_partitions,
        trigger="cron",
        trigger_args={"hour": 0, "minute": 5},
        description="create the daily partitions of the traffic and location tables ahead (PostgreSQL)",
    )
)
register(
    JobSpec(
        id="traffic.hold_release",
        func=release_holds,
        trigger="interval",
        trigger_args={"minutes": 15},
        description="release the retention holds whose end has come and close their obligations",
    )
)
register(
    JobSpec(
        id="traffic.erasure_sweep",
        func=erasure_sweep,
        trigger="cron",
        trigger_args={"hour": SETTINGS.sweep_hour, "minute": SETTINGS.sweep_minute},
        description="erase traffic and location records past their retain-until and not held; write a receipt",
    )
)
register(
    JobSpec(
        id="traffic.alert_erasure",
        func=erase_alert_data,
        trigger="interval",
        trigger_args={"minutes": int(ALERT_EVERY.total_seconds() // 60)},
        description="erase emergency-alert location data (reg 16A) before its 7-day or 48-hour deadline",
    )
)
