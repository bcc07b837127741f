"""Housekeeping jobs delete exactly what can never be used again."""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import select
from sqlmodel import Session

from provider.scheduler import housekeeping, runs
from provider.scheduler.registry import JobContext, get
from provider.security.models import WebSession
from tests.conftest import make_user


def _session_row(user_id: int, token: str, clock, *, expires_in: timedelta, ended: bool = False) -> WebSession:
    now = clock.now()
    return WebSession(
        token_hash=token.ljust(64, "0"),
        user_id=user_id,
        created_at=now - timedelta(hours=1),
        expires_at=now + expires_in,
        ended_at=now - timedelta(minutes=5) if ended else None,
    )


def test_expired_sessions_job_deletes_ended_and_expired_sessions_and_keeps_live_ones(engine, clock, settings):
    user = make_user(engine, clock, "agent", "bob")
    with Session(engine) as session:
        session.add_all(
            [
                _session_row(user.id, "live", clock, expires_in=timedelta(hours=2)),
                _session_row(user.id, "signedout", clock, expires_in=timedelta(hours=2), ended=True),
                _session_row(user.id, "expired", clock, expires_in=-timedelta(seconds=1)),
                _session_row(user.id, "expiring", clock, expires_in=timedelta(0)),
            ]
        )
        session.commit()
    context = JobContext(engine=engine, clock=clock, settings=settings, scheduled_for=clock.now())
    assert get("provider.expired_sessions").func(context) == 3
    assert housekeeping.delete_expired_sessions(context) == 0  # idempotent
    with Session(engine) as session:
        left = session.exec(select(WebSession.token_hash)).scalars().all()
    assert [token.rstrip("0") for token in left] == ["live"]


def test_job_run_retention_keeps_ninety_days(engine, clock, settings):
    for days in (91, 89):
        at = clock.now() - timedelta(days=days)
        runs.claim(engine, job_id="demo.job", scheduled_for=at, now=at, runner="alpha")
    context = JobContext(engine=engine, clock=clock, settings=settings, scheduled_for=clock.now())
    assert housekeeping.delete_old_job_runs(context) == 1
    assert [run.scheduled_for for run in runs.recent(engine)] == [clock.now() - timedelta(days=89)]
