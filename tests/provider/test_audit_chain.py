"""Tampering with audit_event rows directly in the database is detected, by code and by `pecr audit verify`."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import timedelta

import pytest
from sqlalchemy import Engine, text
from sqlmodel import Session
from typer.testing import CliRunner

from provider.console import context
from provider.console.main import app as pecr
from provider.security import audit
from provider.security.audit import event_hash, verify_chain
from provider.security.models import AuditEvent
from provider.settings import get_settings
from tests.conftest import START, TESTER


def _write_events(engine: Engine, count: int = 4) -> None:
    with Session(engine) as session:
        for number in range(count):
            audit.record(
                session,
                actor=TESTER,
                action="account.updated",
                entity_type="user",
                entity_id=number,
                now=START + timedelta(minutes=number),
                before={"role": "agent"},
                after={"role": "auditor"},
            )
        session.commit()


def _execute(engine: Engine, sql: str) -> None:
    with engine.begin() as connection:
        connection.execute(text(sql))


def _verify(engine: Engine) -> audit.ChainReport:
    with Session(engine) as session:
        return verify_chain(session)


def test_an_untouched_chain_verifies(engine):
    _write_events(engine)
    report = _verify(engine)
    assert report.intact and report.events_checked == 4


def test_an_edited_summary_is_found_at_that_event(engine):
    _write_events(engine)
    _execute(engine, 'UPDATE audit_event SET after = \'{"role":"admin"}\' WHERE id = 2')
    report = _verify(engine)
    assert report.problem.event_id == 2 and "altered" in report.problem.reason
    assert report.events_checked == 1


def test_an_edit_with_a_recomputed_hash_breaks_the_next_link(engine):
    _write_events(engine)
    _execute(engine, "UPDATE audit_event SET actor_name = 'someone-else' WHERE id = 2")
    with Session(engine) as session:
        forged = session.get(AuditEvent, 2)
        new_hash = event_hash(forged)
    _execute(engine, f"UPDATE audit_event SET hash = '{new_hash}' WHERE id = 2")
    report = _verify(engine)
    assert report.problem.event_id == 3 and "predecessor" in report.problem.reason


def test_a_deleted_event_in_the_middle_is_named(engine):
    _write_events(engine)
    _execute(engine, "DELETE FROM audit_event WHERE id = 3")
    report = _verify(engine)
    assert report.problem.event_id == 3 and "missing" in report.problem.reason


def test_deleting_the_newest_event_is_caught_by_the_head(engine):
    _write_events(engine)
    _execute(engine, "DELETE FROM audit_event WHERE id = 4")
    report = _verify(engine)
    assert not report.intact and report.events_checked == 3


@pytest.fixture
def cli_database(sqlite_engine: Engine, monkeypatch: pytest.MonkeyPatch) -> Iterator[Engine]:
    """Point the `pecr` command at the test's SQLite file; the console caches settings and engine."""
    monkeypatch.setenv("PECR_DATABASE_URL", sqlite_engine.url.render_as_string(hide_password=False))
    get_settings.cache_clear()
    context.engine.cache_clear()
    yield sqlite_engine
    if context.engine.cache_info().currsize:
        context.engine().dispose()
    context.engine.cache_clear()
    get_settings.cache_clear()


def test_pecr_audit_verify_passes_then_fails_naming_the_first_bad_event(cli_database):
    _write_events(cli_database, 5)
    runner = CliRunner()
    intact = runner.invoke(pecr, ["audit", "verify"])
    assert intact.exit_code == 0, intact.output
    assert "intact: 5 events" in intact.output
    _execute(cli_database, "UPDATE audit_event SET entity_id = '99' WHERE id = 3")
    _execute(cli_database, "DELETE FROM audit_event WHERE id = 4")
    broken = runner.invoke(pecr, ["audit", "verify"])
    assert broken.exit_code != 0
    assert "broken at event 3" in broken.output and "altered" in broken.output
