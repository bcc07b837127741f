"""The leader lease: only the scheduler holding the `scheduler` row runs jobs.

Acquiring and renewing are the same single statement, `INSERT ... ON CONFLICT (name) DO UPDATE ...
WHERE the lease has expired OR I already hold it ... RETURNING`, so two schedulers racing for an
expired lease cannot both win on SQLite or PostgreSQL. Times come from the injected Clock, not the
database server, so tests can freeze them; schedulers on different machines need synchronised
clocks (NTP) for the same reason every lease does.
"""

from __future__ import annotations

import os
import secrets
import socket
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import Connection, Engine, case, select, update
from sqlalchemy.dialects import postgresql, sqlite

from provider.scheduler.models import SchedulerLease
from provider.scheduler.runs import connected

LEASE_NAME = "scheduler"
TABLE = SchedulerLease.__table__


def new_holder_id(kind: str = "scheduler") -> str:
    """Unique per process: host and pid for operators, a random suffix so a reused pid is not the old holder."""
    return f"{kind}:{socket.gethostname()[:100]}:{os.getpid()}:{secrets.token_hex(3)}"


def _upsert(engine: Engine) -> Any:
    return postgresql.insert(TABLE) if engine.dialect.name == "postgresql" else sqlite.insert(TABLE)


def acquire(engine: Engine, *, holder: str, now: datetime, lease_seconds: int, name: str = LEASE_NAME) -> bool:
    """Take the lease if it is free or expired, or renew it if `holder` has it; True when `holder` holds it."""
    expires_at = now + timedelta(seconds=lease_seconds)
    insert = _upsert(engine).values(name=name, holder=holder, acquired_at=now, heartbeat_at=now, expires_at=expires_at)
    # A renewal keeps the original acquired_at; a takeover starts a new tenure.
    statement = insert.on_conflict_do_update(
        index_elements=[TABLE.c.name],
        set_={
            "holder": holder,
            "acquired_at": case((TABLE.c.holder == holder, TABLE.c.acquired_at), else_=insert.excluded.acquired_at),
            "heartbeat_at": now,
            "expires_at": expires_at,
        },
        where=(TABLE.c.expires_at <= now) | (TABLE.c.holder == holder),
    ).returning(TABLE.c.holder)
    with engine.begin() as connection:
        return connection.execute(statement).scalar_one_or_none() == holder


def release(engine: Engine, *, holder: str, now: datetime, name: str = LEASE_NAME) -> bool:
    """Give the lease up at once (on shutdown) so a standby need not wait for it to expire."""
    statement = (
        update(TABLE)
        .where(TABLE.c.name == name, TABLE.c.holder == holder, TABLE.c.expires_at > now)
        .values(expires_at=now)
    )
    with engine.begin() as connection:
        return connection.execute(statement).rowcount == 1


def current(bind: Engine | Connection, *, name: str = LEASE_NAME) -> SchedulerLease | None:
    with connected(bind) as connection:
        row = connection.execute(select(TABLE).where(TABLE.c.name == name)).mappings().first()
    return SchedulerLease(**row) if row is not None else None


def describe(bind: Engine | Connection, now: datetime, *, name: str = LEASE_NAME) -> dict[str, Any] | None:
    """For /healthz and the jobs page: who leads, their last heartbeat, and whether the lease is live."""
    lease = current(bind, name=name)
    if lease is None:
        return None
    return {
        "leader": lease.holder,
        "acquired_at": lease.acquired_at.isoformat(),
        "heartbeat_at": lease.heartbeat_at.isoformat(),
        "expires_at": lease.expires_at.isoformat(),
        "healthy": lease.expires_at > now,
    }
