"""Imports every package's jobs module so the registry is complete (a composition root for jobs)."""

from __future__ import annotations

import importlib

from provider.scheduler.registry import JobSpec, all_jobs

JOB_MODULES = (
    "provider.scheduler.housekeeping",
    "provider.deadlines.jobs",
    "breach.log.jobs",
)


def load_jobs() -> list[JobSpec]:
    for name in JOB_MODULES:
        importlib.import_module(name)
    return all_jobs()
