"""Directory listings: PECR regulation 18; the ICO's Guide to PECR, "Directories".

Invariants: an individual is in no edition or look-up until served the directory information notice
(a version on provider.wording, its serving recorded) and either choosing after it or letting the
opt-out period (PECR_DIRECTORY_NOTICE_WAIT_DAYS) pass; reverse search needs an individual's express
opt-in, recorded with the notice version; corporate subscribers are listed and reverse-searchable
unless they opt out. Eligibility is one SQL statement (directories.queries) read by editions, deltas
and look-ups, so a correction or withdrawal reaches look-ups the moment it commits and every later
edition; an edition's stored entries never change, but for the erasure of a subscriber, which keeps its
rows without its number, name and address (`directories.leavers`); a line that has left is in no edition
or look-up after its leave. Every choice keeps its notice version, channel and
moment in an append-only history.
"""

from provider.manifest import Benchmark, BenchOption, Manifest, NavLink
from provider.security.roles import Permission

MANIFEST = Manifest(
    package="directories",
    routers=(
        "directories.api:router",
        "directories.editions.api:router",
        "directories.views:router",
        "directories.editions.views:router",
    ),
    navigation=(NavLink("Directory", "/directory", Permission.directories_read, position=57),),
    subscriber_panels=("directories.views:PANEL",),
    model_modules=("directories.models",),
    templates=("templates",),
    permissions=(Permission.directories_read, Permission.directories_write),
    registrations=("directories.deadlines", "directories.leavers"),
    demo="directories.demo:load_if_empty",
    benchmarks=(
        Benchmark(
            name="directory",
            run="directories.bench:run",
            summary="A full directory edition of COUNT lines beside raw COPY TO, and look-ups over HTTP.",
            options=(BenchOption("count", 1_000_000, "lines in the directory", minimum=1),),
        ),
    ),
)
