"""Traffic and location data: PECR regulations 7, 8 and 14 (and 16A for emergency alerts); rules.md §3, §4, §9.

Invariants: every traffic and location record has a retention class and a `retain_until` set at ingest by
`traffic.rules`; the erasure sweep removes what is past it unless a retention hold covers it, and each
sweep leaves an erasure receipt (counts and a hash of ids, never content); identifying fields are
encrypted at rest under a data key per day (`traffic.keys`), destroyed once nothing of that day remains.
"""

from provider.manifest import Benchmark, BenchOption, Manifest, NavLink
from provider.security.roles import Permission

MANIFEST = Manifest(
    package="traffic",
    routers=("traffic.api:router", "traffic.retention.api:router", "traffic.retention.views:router"),
    navigation=(NavLink("Retention", "/traffic/retention", Permission.traffic_read, position=55),),
    model_modules=("traffic.models",),
    job_modules=("traffic.jobs",),
    templates=("templates",),
    commands=("traffic.commands:traffic_app", "traffic.commands:retention_app"),
    permissions=(Permission.traffic_read, Permission.traffic_write),
    benchmarks=(
        Benchmark(
            name="traffic",
            run="traffic.bench:run",
            summary="Traffic ingest (checks, encryption) vs plain COPY; the sweep vs raw DELETE (PostgreSQL).",
            options=(BenchOption("count", 1_000_000, "synthetic traffic records", minimum=1000),),
        ),
    ),
)
