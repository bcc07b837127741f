"""Calling and connected line identification: PECR regulations 10 to 13, 15, 16 and 17, and Ofcom
General Condition C6 with its CLI guidance (from 15 May 2023; international calls from 29 January 2025).

Invariants: the decision for a call is a pure function of the call and the stored settings, traces and
numbering data (`rules.decide`); 999 and 112 always present the caller's number; the privacy marking is
always respected; every change to a line's settings records who asked, through which channel and when,
in a history row and an audit event, and bumps the state version so the next decision on any replica
sees it; a trace overrides withholding only once found necessary and expedient, and only captures, never
shows; every disclosure of a caller's identity names its recipient and their legitimate interest;
requests to stop call forwarding are deadlines on the core; a trace's captures are erased once its
period has ended plus the retention period (`jobs`).
"""

from provider.manifest import Benchmark, BenchOption, Manifest, NavLink
from provider.security.roles import Permission

MANIFEST = Manifest(
    package="provider.line_identification",
    routers=(
        "provider.line_identification.api:router",
        "provider.line_identification.requests_api:router",
        "provider.line_identification.views:router",
    ),
    navigation=(NavLink("Caller ID", "/line-identification", Permission.lines_read, position=65),),
    subscriber_panels=("provider.line_identification.views:PANEL",),
    model_modules=("provider.line_identification.models",),
    job_modules=("provider.line_identification.jobs",),
    templates=("templates",),
    permissions=(Permission.lines_read, Permission.lines_write),
    registrations=("provider.line_identification.deadlines", "provider.line_identification.leavers"),
    benchmarks=(
        Benchmark(
            name="cli",
            run="provider.line_identification.bench:run",
            summary="CLI decisions per second in process and over HTTP, beside a trivial endpoint, with COUNT lines.",
            options=(
                BenchOption("count", 1_000_000, "lines with CLI settings", minimum=1),
                BenchOption("ranges", 200_000, "numbering prefixes loaded", minimum=1),
                BenchOption("seconds", 3, "seconds per HTTP measurement", minimum=1),
                BenchOption("batch", 100_000, "calls in the batch decisions", minimum=1),
            ),
        ),
    ),
)
