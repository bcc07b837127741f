"""`pecr demo`, and demo data on a first start: the provider profile, subscribers and each domain's
demo records for a first look, or millions of subscribers for a benchmark."""

from __future__ import annotations

from typing import Annotated

import typer
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn
from sqlalchemy import Engine

from provider.clock import Clock
from provider.console import context
from provider.db.session import session_scope
from provider.domains import manifests
from provider.manifest import DemoContext, resolve
from provider.profile.demo import ensure_demo_profile
from provider.security.actor import system_actor
from provider.subscribers import demo

DEMO = system_actor("demo")
DEFAULT_DEMO_SUBSCRIBERS = 2000


def load_demo_if_empty(engine: Engine, clock: Clock, count: int = DEFAULT_DEMO_SUBSCRIBERS) -> bool:
    """Each package's demo loader in manifest order, in one transaction: on a database with no
    subscribers, the demo profile (if none) and `count` subscribers; on one with no breaches and no
    real subscribers, three demo breaches (breach.demo) relative to now; and so on for each domain.

    Each loader audits what it adds. Returns whether anything was loaded.
    """
    demo_context = DemoContext(actor=DEMO, now=clock.now(), subscribers=count)
    with session_scope(engine) as session:
        told = [
            line for manifest in manifests() if manifest.demo for line in resolve(manifest.demo)(session, demo_context)
        ]
    for line in told:
        context.err.print(line)
    return bool(told)


def demo_command(
    subscribers: Annotated[
        int, typer.Option(min=1, max=50_000_000, help="how many demo subscribers to add")
    ] = DEFAULT_DEMO_SUBSCRIBERS,
    seed: Annotated[int, typer.Option(help="random seed (same seed and start, same people)")] = demo.DEFAULT_SEED,
) -> None:
    """Add demo subscribers (with lines and named users) whatever is already there, e.g. 1,000,000 for a
    benchmark; adds the demo provider profile too if there is none. Written in one transaction."""
    engine, clock = context.engine(), context.clock()
    columns = (TextColumn("demo subscribers"), BarColumn(), MofNCompleteColumn(), TimeElapsedColumn())
    with Progress(*columns, console=context.err) as progress, session_scope(engine) as session:
        task = progress.add_task("demo", total=subscribers)
        profile_added = ensure_demo_profile(session, clock.now())
        written = demo.load_demo(
            session,
            actor=DEMO,
            now=clock.now(),
            count=subscribers,
            seed=seed,
            progress=lambda rows: progress.update(task, advance=rows),
            summary={"provider_profile": "added" if profile_added else "kept"},
        )
        progress.update(task, description="committing")
    context.err.print(
        f"added {written.subscribers:,} subscribers, {written.lines:,} lines and {written.users:,} named users"
    )
