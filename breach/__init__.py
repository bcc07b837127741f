"""Personal-data breaches: PECR regulation 5A (as amended by the Data (Use and Access) Act 2025) and
Commission Regulation (EU) No 611/2013.

Invariants: every breach is notified to the ICO (no threshold); deadlines are stored obligation rows
computed from `aware_at` under the regime in force at that moment and frozen at first filing; a filing
is immutable (an amendment supersedes it); customer notices carry no marketing.

The manifest below covers the whole domain, its sub-packages (breach.log, breach.notices,
its deadline kinds (breach.deadlines) included.
"""

from provider.manifest import Benchmark, BenchOption, Manifest, NavLink, PanelRef
from provider.security.roles import Permission

MANIFEST = Manifest(
    package="breach",
    routers=(
        # The breach log's pages go before the breach pages, so /breaches/log is
        # never read as /breaches/{id}.
        "breach.log.views:router",
        "breach.log.api:router",
        "breach.notices.api:router",
        "breach.notices.views:router",
        "breach.notices.media_views:router",
        "breach.api:router",
        "breach.correction_api:router",
        "breach.views:router",
    ),
    navigation=(
        NavLink("Breaches", "/breaches", Permission.breach_read, position=30),
        NavLink("Breach log", "/breaches/log", Permission.breach_read, position=40),
    ),
    dashboard_panels=(PanelRef("breach.dashboard:PANEL", position=10),),
    model_modules=("breach.models", "breach.ico.models", "breach.log.models", "breach.notices.models"),
    job_modules=("breach.log.jobs",),
    templates=("templates", "log/templates", "notices/templates", "ico/templates"),
    permissions=(Permission.breach_read, Permission.breach_write),
    registrations=("breach.deadlines",),
    demo="breach.demo:load_if_empty",
    benchmarks=(
        Benchmark(
            name="notices",
            run="breach.notices.bench:run",
            summary="Customer breach notices: time and peak memory to generate COUNT letters and e-mails.",
            options=(
                BenchOption("count", 100_000, "customer notices to generate", minimum=1),
                BenchOption("trace_memory", False, "also measure the Python heap peak (slower)"),
                BenchOption("workers", 0, "rendering processes; 0: one per core", minimum=0),
            ),
        ),
    ),
)
