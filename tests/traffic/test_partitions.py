"""On PostgreSQL migrated by 0013 the record tables are partitioned by day: the import and the scheduler make
partitions, and the sweep drops a wholly expired day instead of deleting its rows."""

from __future__ import annotations

import json
from datetime import date, timedelta

import pytest
from sqlalchemy import text
from sqlalchemy.engine import make_url
from sqlmodel import Session

from provider.clock import FrozenClock
from provider.db.engine import make_engine
from provider.db.migrate import upgrade_engine
from provider.scheduler.registry import JobContext, get
from provider.security.actor import system_actor
from provider.settings import Settings
from provider.subscribers import service as subscribers
from provider.subscribers.models import SubscriberCreate
from tests.conftest import START
from traffic import partitions, service
from traffic.jobs import SETTINGS  # importing the module registers its jobs
from traffic.rules import RetentionPolicy
from traffic.sweep import sweep


@pytest.fixture
def migrated(postgres_engine):
    url = make_url(postgres_engine.url.render_as_string(hide_password=False))
    admin = make_engine(url.render_as_string(hide_password=False), isolation_level="AUTOCOMMIT")
    name = f"{url.database}_partitions"
    with admin.connect() as connection:
        connection.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        connection.execute(text(f'CREATE DATABASE "{name}"'))
    engine = make_engine(url.set(database=name).render_as_string(hide_password=False))
    upgrade_engine(engine)
    yield engine
    engine.dispose()
    with admin.connect() as connection:
        connection.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
    admin.dispose()


def test_days_are_partitions_made_ahead_and_dropped_whole(tmp_path, migrated):
    actor = system_actor("tests")
    data = SubscriberCreate(kind="individual", name="Ann", address="1 High St", account_reference="P1",
                            lines=[{"number": "+447700900321", "service": "mobile"}])  # fmt: skip
    with Session(migrated) as session:
        subscribers.create_subscriber(session, actor=actor, now=START, data=data)
        session.commit()
        assert partitions.ensure_ahead(session, START.date(), 3) == 10  # yesterday to 3 days ahead, both tables
        session.commit()
    rows = [{"source_record_id": f"S{i}", "kind": "call", "direction": "outgoing", "line": "+447700900321",
             "start_at": f"2026-03-0{day}T10:00:00Z", "bill_ref": "B" if day == 2 else ""}
            for i, day in enumerate((1, 1, 2))]  # fmt: skip
    path = tmp_path / "r.ndjson"
    path.write_text("".join(json.dumps(r) + "\n" for r in rows))
    report = service.import_file(migrated, path=path, actor=actor, now=START, master_key="k", policy=RetentionPolicy())
    assert report.written == 3
    with Session(migrated) as session:
        days = [day for _name, day in partitions.partitions(session, "traffic_record")]
        assert date(2026, 3, 1) in days and date(2026, 3, 2) in days and START.date() + timedelta(days=3) in days
    dry = sweep(migrated, now=START, dry_run=True)
    assert dry.partitions_to_drop == ["traffic_record_p20260301"]
    result = sweep(migrated, now=START)
    assert (result.partitions_dropped, result.rows_erased, result.keys_destroyed) == (1, 2, 1)
    with Session(migrated) as session:
        days = [day for _name, day in partitions.partitions(session, "traffic_record")]
        assert date(2026, 3, 1) not in days and date(2026, 3, 2) in days  # the billed day stays
        assert session.execute(text("SELECT count(*) FROM traffic_record")).scalar_one() == 1


def _run_partitions_job(engine, now) -> int:
    return get("traffic.partitions").func(JobContext(engine=engine, clock=FrozenClock(now), settings=Settings()))


def test_the_scheduled_job_makes_the_days_ahead_once_and_again_as_days_pass(migrated):
    ahead = SETTINGS.partitions_ahead_days
    # 00:30 BST on 1 April is 23:30 UTC on 31 March: partitions are UTC days, so 30 March (yesterday) is made
    now = START.replace(month=3, day=31, hour=23, minute=30)
    assert _run_partitions_job(migrated, now) == 2 * (ahead + 2)  # yesterday, today and `ahead` days, both tables
    assert _run_partitions_job(migrated, now) == 0  # idempotent: a restart or a second scheduler makes nothing
    with Session(migrated) as session:
        for table in partitions.TABLES:
            days = [day for _name, day in partitions.partitions(session, table)]
            assert days == [date(2026, 3, 30) + timedelta(days=offset) for offset in range(ahead + 2)]
    assert _run_partitions_job(migrated, now + timedelta(days=1)) == 2  # the next night: one new day per table


def test_the_job_is_a_no_op_on_sqlite(sqlite_engine):
    assert _run_partitions_job(sqlite_engine, START) == 0
