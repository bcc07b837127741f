"""Subscribers, their lines and the named users of each line: the core every PECR duty hangs from.

PECR regulation 2 distinguishes the *subscriber* (the party to the contract, an individual or a
corporate body) from the *user* (the person using the service, who may be someone else): consents
over traffic and location data (regs 6-8, 14) are the user's, directory rights (reg 18) differ for
individual and corporate subscribers. Invariants: account references and line numbers are unique;
numbers are stored in E.164; every change is audited without copying personal data into the chain.
"""

from provider.manifest import Benchmark, BenchOption, Manifest, NavLink, PanelRef
from provider.security.roles import Permission

MANIFEST = Manifest(
    package="provider.subscribers",
    routers=(
        "provider.subscribers.api:router",
        "provider.subscribers.leaving.api:router",
        "provider.subscribers.views:router",
        "provider.subscribers.leaving.views:router",
    ),
    subscriber_panels=("provider.subscribers.leaving.views:PANEL",),
    navigation=(NavLink("Subscribers", "/subscribers", Permission.subscribers_read, position=20),),
    dashboard_panels=(PanelRef("provider.subscribers.dashboard:PANEL", position=30),),
    model_modules=("provider.subscribers.models", "provider.subscribers.leaving.models"),
    job_modules=("provider.subscribers.leaving.jobs",),
    templates=("templates", "leaving/templates"),
    permissions=(Permission.subscribers_read, Permission.subscribers_write),
    demo="provider.subscribers.demo:load_if_empty",
    benchmarks=(
        Benchmark(
            name="subscribers",
            run="provider.subscribers.bench:run",
            summary="Subscriber list page (first page, searches, deep page) at COUNT subscribers.",
            options=(
                BenchOption("count", 1_000_000, "subscribers in the database", minimum=1),
                BenchOption("repeats", 20, "requests per case", minimum=1),
            ),
        ),
    ),
)
