"""Traffic and location data: PECR regulations 7, 8 and 14 (and 16A for emergency alerts); rules.md §3, §4, §9.

Invariants: every traffic and location record has a retention class and a `retain_until` set at ingest by
`traffic.rules`; the erasure sweep removes what is past it unless a retention hold covers it, and each
sweep leaves an erasure receipt (counts and a hash of ids, never content); identifying fields are
encrypted at rest under a data key per day (`traffic.keys`), destroyed once nothing of that day remains.

Consent (`traffic.consent`) is the person's own (subscriber or named line user), per data kind and
purpose, given only after the notice its purpose needs was served to that person, never inferred from a
bill or privacy policy, withdrawn at once; its history is append-only and the current state is derived;
an active privacy switch refuses identifiable location data on its line; calls to 999 and 112 lift the
location restriction.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from provider.manifest import Benchmark, BenchOption, Manifest, NavLink
from provider.security.roles import Permission

if TYPE_CHECKING:
    from datetime import datetime
    from typing import Any

    from sqlalchemy import ColumnElement
    from sqlmodel import Session

    from traffic.billable import BillableRecord

MANIFEST = Manifest(
    package="traffic",
    routers=(
        "traffic.api:router",
        "traffic.retention.api:router",
        "traffic.retention.views:router",
        "traffic.consent.api:router",
        "traffic.consent.views:router",
    ),
    subscriber_panels=("traffic.consent.views:PANEL",),
    navigation=(NavLink("Retention", "/traffic/retention", Permission.traffic_read, position=55),),
    model_modules=("traffic.models", "traffic.consent.models"),
    job_modules=("traffic.jobs",),
    registrations=("traffic.deadlines", "traffic.leavers"),
    templates=("templates", "consent/templates"),
    commands=("traffic.commands:traffic_app", "traffic.commands:retention_app"),
    permissions=(Permission.traffic_read, Permission.traffic_write),
    benchmarks=(
        Benchmark(
            name="traffic",
            run="traffic.bench:run",
            summary="Traffic ingest (checks, encryption) vs plain COPY; the sweep vs raw DELETE (PostgreSQL).",
            options=(BenchOption("count", 1_000_000, "synthetic traffic records", minimum=1000),),
        ),
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


def billable_records(
    session: Session,
    *,
    subscriber_id: int,
    start: datetime,
    end: datetime,
    master_key: str,
    key_store: str | None = None,
) -> list[BillableRecord]:
    """Traffic's public answer for bills (a domain asks another through its `__init__`); see
    `traffic.billable`; `key_store` is the PECR_KEY_STORE directory. Imported on call, so reading the manifest
    stays light."""
    from provider.security.keystore import KeyStore
    from traffic.billable import billable_records as records

    store = None if key_store is None else KeyStore(key_store)
    return records(session, subscriber_id=subscriber_id, start=start, end=end, master_key=master_key, store=store)


def retention_hold_covers(
    *, subscriber_id: ColumnElement[Any], line_number: ColumnElement[Any], started_at: ColumnElement[Any],
    now: datetime,
) -> ColumnElement[bool]:  # fmt: skip
    """Traffic's public answer for erasures of traffic data kept elsewhere (the imported call list): a SQL
    condition, true where an active retention hold covers the communication (`traffic.holds`). Imported on
    call, so reading the manifest stays light."""
    from traffic.holds import covered

    return covered(subscriber_id=subscriber_id, line_number=line_number, started_at=started_at, now=now)
