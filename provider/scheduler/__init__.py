"""Scheduled work: a registry of idempotent jobs, APScheduler wiring and a database leader lease."""

from provider.manifest import Manifest, NavLink
from provider.security.roles import Permission

MANIFEST = Manifest(
    package="provider.scheduler",
    routers=("provider.scheduler.api:router", "provider.scheduler.views:router"),
    navigation=(NavLink("Jobs", "/admin/jobs", Permission.jobs_read, position=110),),
    model_modules=("provider.scheduler.models",),
    job_modules=("provider.scheduler.housekeeping",),
    templates=("templates",),
    permissions=(Permission.jobs_read, Permission.jobs_run),
)
