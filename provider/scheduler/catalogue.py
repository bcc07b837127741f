"""Imports every package's jobs modules so the registry is complete (a composition root for jobs).

The jobs modules come from the manifests of the packages `provider.domains` lists.
"""

from __future__ import annotations

from provider.domains import import_registrations, manifests
from provider.manifest import import_all
from provider.scheduler.registry import JobSpec, all_jobs


def job_modules() -> list[str]:
    return [module for manifest in manifests() for module in manifest.job_modules]


def load_jobs() -> list[JobSpec]:
    import_registrations()
    import_all(job_modules())
    return all_jobs()
