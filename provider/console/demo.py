"""Demo data: a demo provider profile, subscribers and breaches for a first look, or millions for a benchmark."""

from __future__ import annotations

from typing import Annotated

import typer
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn
from sqlalchemy import Engine
from sqlmodel import Session, select

from breach import demo as breach_demo
from breach.models import Breach
from provider.clock import Clock
from provider.console import context
from provider.db.session import session_scope
from provider.profile.models import ProviderProfile
from provider.security.actor import system_actor
from provider.subscribers import demo
from provider.subscribers.models import Subscriber

DEMO = system_actor("demo")
DEFAULT_DEMO_SUBSCRIBERS = 2000
DEMO_REFERENCE_PREFIX = "DEMO-"  # provider.subscribers.demo numbers its account references DEMO-00000001, ...
DEMO_PROFILE = {
    "legal_name": "Demo Telecom Ltd",
    "trading_name": "Demo Telecom",
    "address": "1 Example Street, Leeds LS1 4AP",
    "ico_registration_number": "ZA123456",
    "contact_name": "Priya Shah",
    "contact_role": "Data Protection Officer",
    "contact_email": "dpo@example.com",
    "contact_phone": "0113 496 0999",
    "website": "https://www.example.com",
}


def _ensure_profile(session: Session, clock: Clock) -> bool:
    """Add the demo provider profile unless one exists; True when it was added."""
    if session.get(ProviderProfile, 1) is not None:
        return False
    session.add(ProviderProfile(id=1, updated_at=clock.now(), **DEMO_PROFILE))
    session.flush()
    return True


def _wants_demo_breaches(session: Session) -> bool:
    """No breach yet and every subscriber (if any) a demo one: demo breaches never join real customer data."""
    if session.exec(select(Breach.id).limit(1)).first() is not None:
        return False
    real = select(Subscriber.id).where(Subscriber.account_reference.not_like(f"{DEMO_REFERENCE_PREFIX}%")).limit(1)
    return session.exec(real).first() is None


def load_demo_if_empty(engine: Engine, clock: Clock, count: int = DEFAULT_DEMO_SUBSCRIBERS) -> bool:
    """On a database with no subscribers, load the demo profile (if none) and `count` subscribers; on one
    with no breaches and no real subscribers, three demo breaches (breach.demo) relative to now.

    One audit event (demo.loaded) covers the profile and the subscribers; the breaches are audited by the
    breach services like any other. Returns whether anything was loaded.
    """
    with session_scope(engine) as session:
        written, profile_added = None, False
        if session.exec(select(Subscriber.id).limit(1)).first() is None:
            profile_added = _ensure_profile(session, clock)
            written = demo.load_demo(
                session,
                actor=DEMO,
                now=clock.now(),
                count=count,
                summary={"provider_profile": "added" if profile_added else "kept"},
            )
        breaches = (
            breach_demo.load_if_no_breaches(session, actor=DEMO, now=clock.now())
            if _wants_demo_breaches(session)
            else []
        )
    if written is not None:
        context.err.print(
            f"demo data loaded: {written.subscribers:,} subscribers, {written.lines:,} lines, "
            f"{written.users:,} named users" + (" and a demo provider profile" if profile_added else "")
        )
    if breaches:
        context.err.print("demo breaches loaded: " + ", ".join(b.reference for b in breaches))
    return written is not None or bool(breaches)


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
        profile_added = _ensure_profile(session, clock)
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
