"""Migration 0028_aggregates_at_import: records stored before it, which neither the old sweep (it counted
at erasure) nor the new import (it counts at writing) would count, are added to the anonymous counts at
upgrade; a downgrade takes the stored records back out, leaving the counts of erased records only."""

from __future__ import annotations

import json

from alembic import command
from sqlalchemy import Engine, text
from sqlmodel import Session

from provider.db.engine import make_engine
from provider.db.migrate import alembic_config, upgrade_engine
from provider.subscribers import service as subscribers
from provider.subscribers.models import SubscriberCreate
from tests.conftest import START
from tests.support.scratch import scratch_postgres
from tests.traffic.conftest import ACTOR, LINE_A, MASTER
from traffic import service
from traffic.rules import RetentionPolicy

BEFORE = "0027_erase_receipt_counts"
ERASED = ("2026-03-01", "call", "outgoing", 7, 700, 0)  # counted by an old sweep: must stay as it is


def _counts(engine: Engine) -> list[tuple]:
    with engine.connect() as connection:
        rows = connection.execute(
            text("SELECT day, kind, direction, records, seconds, volume_bytes FROM traffic_aggregate")
        ).all()
    return sorted((str(day), *rest) for day, *rest in rows)


def _check(engine: Engine, tmp_path) -> None:
    upgrade_engine(engine)
    with Session(engine) as session:
        data = SubscriberCreate(kind="individual", name="Ann", address="1 Road", account_reference="A-1",
                                lines=[{"number": LINE_A, "service": "mobile"}])  # fmt: skip
        subscribers.create_subscriber(session, actor=ACTOR, now=START, data=data)
        session.commit()
    path = tmp_path / "r.ndjson"
    rows = [{"source_record_id": f"T{i}", "kind": "call", "direction": "outgoing", "line": LINE_A,
             "start_at": "2026-03-05T10:00:00Z", "duration_seconds": "60"} for i in range(3)]  # fmt: skip
    path.write_text("".join(json.dumps(row) + "\n" for row in rows))
    assert service.import_file(engine, path=path, actor=ACTOR, now=START, master_key=MASTER,
                               policy=RetentionPolicy()).written == 3  # fmt: skip
    stored = ("2026-03-05", "call", "outgoing", 3, 180, 0)
    assert _counts(engine) == [stored]
    config = alembic_config(engine.url.render_as_string(hide_password=False))
    command.downgrade(config, BEFORE)
    assert _counts(engine) == []  # only stored records were counted: none erased
    with engine.begin() as connection:
        connection.execute(
            text("INSERT INTO traffic_aggregate (day, kind, direction, records, seconds, volume_bytes) "
                 "VALUES (:d, :k, :r, :n, :s, :v)"),
            dict(zip("dkrnsv", ERASED, strict=True)),
        )  # fmt: skip
    upgrade_engine(engine)
    assert _counts(engine) == [ERASED, stored]
    command.downgrade(config, BEFORE)
    assert _counts(engine) == [ERASED]


def test_stored_records_are_counted_at_upgrade_and_taken_out_at_downgrade_on_sqlite(tmp_path):
    engine = make_engine(f"sqlite:///{tmp_path / 'old.db'}")
    try:
        _check(engine, tmp_path)
    finally:
        engine.dispose()


def test_stored_records_are_counted_at_upgrade_and_taken_out_at_downgrade_on_postgresql(postgres_engine, tmp_path):
    with scratch_postgres(postgres_engine, "aggregates_migration") as engine:
        _check(engine, tmp_path)
