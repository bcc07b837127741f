"""`pecr jobs list` and `pecr jobs run` against a real database, through typer's CliRunner."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from sqlmodel import Session
from typer.testing import CliRunner

from provider.console import context
from provider.console.main import app
from provider.scheduler import runs
from provider.security.models import WebSession
from tests.conftest import make_user


@pytest.fixture
def console(monkeypatch, sqlite_engine, clock):
    from provider.settings import Settings

    settings = Settings(env="test", database_url="sqlite://", secret_key="test-secret-key-for-pecr")
    monkeypatch.setattr(context, "engine", lambda: sqlite_engine)
    monkeypatch.setattr(context, "clock", lambda: clock)
    monkeypatch.setattr(context, "settings", lambda: settings)
    return CliRunner()


def test_jobs_list_shows_each_job_with_its_next_run_in_london_time(console, clock):
    clock.set(datetime(2026, 7, 1, 12, 20, tzinfo=UTC))
    result = console.invoke(app, ["jobs", "list"], env={"COLUMNS": "200"})
    assert result.exit_code == 0, result.output
    line = next(line for line in result.output.splitlines() if "provider.expired_sessions" in line)
    assert "every 1 hour" in line
    assert "01 Jul 2026 14:00 BST" in line  # 13:00 UTC
    assert "never run" in line


def test_jobs_run_runs_the_job_now_and_records_the_run(console, sqlite_engine, clock):
    user = make_user(sqlite_engine, clock, "agent", "bob")
    with Session(sqlite_engine) as session:
        session.add(
            WebSession(
                token_hash="a" * 64,
                user_id=user.id,
                created_at=clock.now(),
                expires_at=clock.now() - timedelta(minutes=1),
            )
        )
        session.commit()
    result = console.invoke(app, ["jobs", "run", "provider.expired_sessions"])
    assert result.exit_code == 0, result.output
    assert "provider.expired_sessions: success, 1 row(s)" in result.output
    [run] = runs.recent(sqlite_engine, job_id="provider.expired_sessions")
    assert (run.outcome, run.rows_touched, run.requested_by) == ("success", 1, "console")
    assert run.runner.startswith("console:")
    listed = console.invoke(app, ["jobs", "list"], env={"COLUMNS": "200"})
    assert "success" in next(line for line in listed.output.splitlines() if "provider.expired_sessions" in line)


def test_jobs_run_names_an_unknown_job_and_exits_non_zero(console):
    result = console.invoke(app, ["jobs", "run", "no.such.job"])
    assert result.exit_code == 2
    assert "no.such.job" in result.output
