"""Traffic and location data: PECR regulations 7, 8 and 14 (with 16).

Invariants: consent is the person's own (subscriber or named line user), per data kind and purpose,
given only after the notice its purpose needs was served to that person, never inferred from a bill
or privacy policy, withdrawn at once; its history is append-only and the current state is derived;
an active privacy switch refuses identifiable location data on its line; calls to 999 and 112 lift
the location restriction. Notices and consent live in `traffic.consent`.
"""

from provider.manifest import Benchmark, BenchOption, Manifest
from provider.security.roles import Permission

MANIFEST = Manifest(
    package="traffic",
    routers=("traffic.consent.api:router", "traffic.consent.views:router"),
    subscriber_panels=("traffic.consent.views:PANEL",),
    model_modules=("traffic.consent.models",),
    templates=("consent/templates",),
    permissions=(Permission.traffic_read, Permission.traffic_write),
    benchmarks=(
        Benchmark(
            name="authorise",
            run="traffic.consent.bench:run",
            summary="Purpose checks: single authorise over HTTP beside /healthz, and the batch rate.",
            options=(
                BenchOption("count", 100_000, "subscribers asked about in the batch", minimum=1),
                BenchOption("repeats", 500, "single requests per endpoint", minimum=1),
            ),
        ),
    ),
)
