"""The job registry: each package declares its periodic sweeps here under a stable id.

A job is a function `func(context) -> rows_touched`. It must be idempotent: it computes what is due
from the database and records each effect under a unique key, so running it twice, or on two
schedulers, changes nothing the second time.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import Engine

from provider.clock import Clock
from provider.settings import Settings


@dataclass(frozen=True)
class JobContext:
    engine: Engine
    clock: Clock
    settings: Settings
    scheduled_for: Any = None


@dataclass(frozen=True)
class JobSpec:
    id: str
    func: Callable[[JobContext], int]
    trigger: str  # "interval" or "cron", as APScheduler names them
    trigger_args: dict[str, Any] = field(default_factory=dict)
    description: str = ""


_JOBS: dict[str, JobSpec] = {}


def register(spec: JobSpec) -> JobSpec:
    existing = _JOBS.get(spec.id)
    if existing is not None and existing.func is not spec.func:
        raise ValueError(f"job id {spec.id!r} is already registered")
    _JOBS[spec.id] = spec
    return spec


def get(job_id: str) -> JobSpec:
    return _JOBS[job_id]


def all_jobs() -> list[JobSpec]:
    return sorted(_JOBS.values(), key=lambda spec: spec.id)
