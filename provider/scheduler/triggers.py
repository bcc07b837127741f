"""APScheduler triggers built from a JobSpec so that every scheduler computes the same fire times.

A fire time is half of the run key (job_id, scheduled_for), so two schedulers must agree on it to the
microsecond. APScheduler's interval trigger starts, by default, one interval after the process
started, which gives each process its own phase; here every interval is anchored to a fixed epoch
instead, so "every hour" fires on the hour everywhere. Cron triggers are already aligned; their wall
times mean Europe/London (the configured zone) unless a spec names another zone. Jitter is refused:
it would give each scheduler a different time.
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any
from zoneinfo import ZoneInfo

from apscheduler.triggers.base import BaseTrigger
from apscheduler.triggers.cron import CronTrigger
from apscheduler.triggers.interval import IntervalTrigger

from provider.clock import ensure_utc
from provider.scheduler.registry import JobSpec

INTERVAL_EPOCH = datetime(2000, 1, 1, tzinfo=UTC)
_UNITS = ("weeks", "days", "hours", "minutes", "seconds")


def build_trigger(spec: JobSpec, zone: ZoneInfo) -> BaseTrigger:
    arguments: dict[str, Any] = dict(spec.trigger_args)
    if "jitter" in arguments:
        raise ValueError(f"job {spec.id}: jitter would give each scheduler a different run key")
    if spec.trigger == "interval":
        arguments.setdefault("start_date", INTERVAL_EPOCH)
        arguments.setdefault("timezone", UTC)
        return IntervalTrigger(**arguments)
    if spec.trigger == "cron":
        arguments.setdefault("timezone", zone)
        return CronTrigger(**arguments)
    raise ValueError(f"job {spec.id}: unknown trigger {spec.trigger!r} (use 'interval' or 'cron')")


def next_run_time(spec: JobSpec, now: datetime, zone: ZoneInfo) -> datetime | None:
    """The next fire time at or after `now` (from the injected clock), in UTC; None if it never fires again."""
    fire_time = build_trigger(spec, zone).get_next_fire_time(None, now)
    return ensure_utc(fire_time) if fire_time is not None else None


def describe_trigger(spec: JobSpec, zone: ZoneInfo) -> str:
    """Plain words for pages and the console: 'every 1 hour', 'cron day=7 hour=9 (Europe/London)'."""
    arguments = spec.trigger_args
    if spec.trigger == "interval":
        parts = [
            f"{arguments[unit]} {unit[:-1] if arguments[unit] == 1 else unit}" for unit in _UNITS if arguments.get(unit)
        ]
        return "every " + " ".join(parts or ["1 second"])
    fields = " ".join(f"{key}={value}" for key, value in arguments.items() if key != "timezone")
    timezone = arguments.get("timezone", zone)
    return f"cron {fields} ({getattr(timezone, 'key', timezone)})"
