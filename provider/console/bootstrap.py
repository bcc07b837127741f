"""First start: migrate, create the first admin (credentials printed once), load demo data if empty."""

from __future__ import annotations

import secrets

from sqlalchemy import Engine, func
from sqlmodel import select

from provider.clock import Clock
from provider.console import context
from provider.db.migrate import upgrade_engine
from provider.db.session import session_scope
from provider.security import accounts
from provider.security.actor import system_actor
from provider.security.models import User
from provider.security.roles import Role

BOOTSTRAP = system_actor("bootstrap")


def ensure_first_admin(engine: Engine, clock: Clock) -> tuple[str, str] | None:
    """Create `admin` with a random password when there are no accounts; return the credentials."""
    with session_scope(engine) as session:
        if session.exec(select(func.count()).select_from(User)).one() > 0:
            return None
        password = secrets.token_urlsafe(15)
        accounts.create_user(
            session,
            actor=BOOTSTRAP,
            now=clock.now(),
            username="admin",
            password=password,
            role=Role.admin,
            full_name="First administrator",
            must_change_password=True,  # printed on a console: an initial password, changed at first sign-in
        )
        return "admin", password


def prepare(engine: Engine, clock: Clock, *, load_demo: bool) -> None:
    upgrade_engine(engine)
    credentials = ensure_first_admin(engine, clock)
    if load_demo:
        from provider.console.demo import load_demo_if_empty

        load_demo_if_empty(engine, clock)
    if credentials:
        username, password = credentials
        context.err.rule("first administrator — shown once, store it now")
        context.err.print(f"username: {username}\npassword: {password}")
        context.err.rule()
