"""Migration 0007_deadlines moves every breach obligation and reminder into the core tables, ids kept.

A fresh database is upgraded to 0006, filled with raw SQL as the breach-only schema held it (a breach's
deadlines, a met-late row, a not-required decision, the monthly log submission without a breach, reminders,
an acknowledged one, and a log submission pointing at its obligation), then upgraded to head. Every row
must arrive intact, the ids must carry on after the copied ones, and downgrading must give the rows back.
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import Engine, bindparam, inspect, text
from sqlalchemy.engine import make_url
from sqlalchemy.exc import IntegrityError
from sqlmodel import Session

from breach.deadlines import BREACH, BREACH_LOG
from provider.db.engine import make_engine
from provider.db.migrate import upgrade_engine
from provider.db.types import UTCDateTime
from provider.deadlines import inbox

BEFORE = "0006_subscriber_search"
AWARE = datetime(2026, 3, 10, 14, 0, tzinfo=UTC)
DUE = AWARE + timedelta(hours=73)
TIMES = (
    "occurred_at",
    "detected_at",
    "aware_at",
    "created_at",
    "updated_at",
    "anchor_at",
    "due_at",
    "first_filed_at",
    "decided_at",
    "emailed_at",
    "acknowledged_at",
    "sent_at",
    "recorded_at",
)
OBLIGATION_FIELDS = (
    "id, period, kind, recipient, statutory, basis, anchor_at, due_at, status, first_filed_at, "
    "late_by_seconds, decision, decided_by, decided_at, decision_rationale, created_at"
)
REMINDER_FIELDS = (
    "id, obligation_id, key, threshold, due_at, created_at, recipients, channel, email_outcome, email_error, "
    "emailed_at, acknowledged_at, acknowledged_by"
)


def _obligation(id_: int, breach_id: int | None, kind: str, **values: object) -> dict[str, object]:
    row: dict[str, object] = {
        "id": id_,
        "breach_id": breach_id,
        "period": "",
        "kind": kind,
        "recipient": "ico",
        "statutory": True,
        "basis": f"basis of {kind}",
        "anchor_at": AWARE,
        "due_at": DUE,
        "status": "open",
        "first_filed_at": None,
        "late_by_seconds": None,
        "decision": "",
        "decided_by": "",
        "decided_at": None,
        "decision_rationale": "",
        "created_at": AWARE,
    }
    row.update(values)
    return row


OBLIGATIONS = [
    _obligation(5, 1, "ico_notification"),
    _obligation(
        6,
        1,
        "ico_initial_target",
        statutory=False,
        due_at=AWARE + timedelta(hours=24),
        status="met",
        first_filed_at=AWARE + timedelta(hours=25, minutes=30),
        late_by_seconds=5400,
    ),
    _obligation(
        9,
        2,
        "customer_notice_decision",
        recipient="customers",
        statutory=False,
        due_at=None,
        status="not_required",
        decision="do_not_notify",
        decided_by="dana",
        decided_at=AWARE + timedelta(hours=3),
        decision_rationale="Encrypted with a key that was not exposed",
    ),
    _obligation(
        12,
        None,
        "log_submission",
        period="2026-03",
        statutory=False,
        anchor_at=datetime(2026, 3, 31, 23, 0, tzinfo=UTC),
        due_at=datetime(2026, 4, 7, 23, 0, tzinfo=UTC),
        status="met",
        first_filed_at=datetime(2026, 4, 9, 9, 0, tzinfo=UTC),
        late_by_seconds=122400,
    ),
]
REMINDERS = [
    {
        "id": 3,
        "obligation_id": 5,
        "key": f"5:half:{int(DUE.timestamp())}",
        "threshold": "half",
        "due_at": DUE,
        "created_at": AWARE + timedelta(hours=36, minutes=30),
        "recipients": '["manager@northwind.example"]',
        "channel": "email",
        "email_outcome": "sent",
        "email_error": "",
        "emailed_at": AWARE + timedelta(hours=36, minutes=30),
        "acknowledged_at": None,
        "acknowledged_by": "",
    },
    {
        "id": 4,
        "obligation_id": 12,
        "key": f"12:escalated:{int(datetime(2026, 4, 7, 23, 0, tzinfo=UTC).timestamp())}",
        "threshold": "escalated",
        "due_at": datetime(2026, 4, 7, 23, 0, tzinfo=UTC),
        "created_at": datetime(2026, 4, 7, 23, 1, tzinfo=UTC),
        "recipients": "[]",
        "channel": "in_app",
        "email_outcome": "",
        "email_error": "",
        "emailed_at": None,
        "acknowledged_at": datetime(2026, 4, 8, 9, 0, tzinfo=UTC),
        "acknowledged_by": "dana",
    },
]


def _execute(connection, sql: str, rows: list[dict[str, object]]) -> None:
    statement = text(sql).bindparams(*(bindparam(name, type_=UTCDateTime()) for name in TIMES if f":{name}" in sql))
    for row in rows:
        connection.execute(statement, row)


def _insert(connection, table: str, rows: list[dict[str, object]]) -> None:
    names = list(rows[0])
    _execute(
        connection,
        f"INSERT INTO {table} ({', '.join(names)}) VALUES ({', '.join(':' + name for name in names)})",
        rows,
    )


def _breach(id_: int) -> dict[str, object]:
    text_fields = (
        "circumstance_detail aware_recorded_by aware_evidence awareness_justification data_description summary "
        "location_and_media protection_measures encryption_details mitigation_measures likely_consequences "
        "other_providers cross_border customer_notification_summary"
    ).split()
    return {
        "id": id_,
        "reference": f"BR-2026-{id_:04d}",
        "title": f"Breach {id_}",
        "circumstance": "misdirection",
        "occurred_is_estimate": False,
        "detected_at": AWARE - timedelta(hours=2),
        "aware_at": AWARE,
        "regime": "DUAA",
        "data_categories": "[]",
        "individuals_is_estimate": False,
        "status": "open",
        "created_at": AWARE,
        "created_by": "tests",
        "updated_at": AWARE,
        **{name: "" for name in text_fields},
    }


def _fill_breach_only_schema(engine: Engine) -> None:
    submission = {
        "id": 1,
        "period": "2026-03",
        "obligation_id": 12,
        "sent_at": datetime(2026, 4, 9, 9, 0, tzinfo=UTC),
        "sent_by": "dana",
        "method": "email",
        "recipient": "ICO",
        "note": "",
        "nil_return": False,
        "breach_count": 2,
        "due_at": datetime(2026, 4, 7, 23, 0, tzinfo=UTC),
        "late_by_seconds": 122400,
        "recorded_at": datetime(2026, 4, 9, 9, 5, tzinfo=UTC),
        "csv_sha256": "0" * 64,
        "csv_bytes": b"csv",
        "pdf_sha256": "1" * 64,
        "pdf_bytes": b"%PDF",
        "snapshot": "{}",
    }
    with engine.begin() as connection:
        _insert(connection, "breach", [_breach(1), _breach(2)])
        _insert(connection, "breach_obligation", OBLIGATIONS)
        _insert(connection, "breach_reminder", REMINDERS)
        _insert(connection, "breach_log_submission", [submission])


def _select(engine: Engine, sql: str) -> list[dict[str, object]]:
    types = {name: UTCDateTime() for name in TIMES if name in sql}
    with engine.connect() as connection:
        return [dict(row._mapping) for row in connection.execute(text(sql).columns(**types))]


def _plain(rows: list[dict[str, object]]) -> list[dict[str, object]]:
    """JSON and booleans as each backend hands them back, made comparable."""
    import json

    result = []
    for row in rows:
        row = dict(row)
        if isinstance(row.get("recipients"), str):
            row["recipients"] = json.loads(row["recipients"])
        if "statutory" in row:
            row["statutory"] = bool(row["statutory"])
        result.append(row)
    return result


def _expected_obligations() -> list[dict[str, object]]:
    moved = []
    for row in OBLIGATIONS:
        row = dict(row)
        breach_id = row.pop("breach_id")
        row["owner_kind"], row["owner_id"] = (BREACH, breach_id) if breach_id is not None else (BREACH_LOG, None)
        moved.append(row)
    return _plain(moved)


def _check_upgraded(engine: Engine) -> None:
    tables = set(inspect(engine).get_table_names())
    assert {"obligation", "reminder", "deadline_owner"} <= tables
    assert not {"breach_obligation", "breach_reminder"} & tables
    obligations = _select(engine, f"SELECT owner_kind, owner_id, {OBLIGATION_FIELDS} FROM obligation ORDER BY id")
    assert _plain(obligations) == _expected_obligations()
    assert _plain(_select(engine, f"SELECT {REMINDER_FIELDS} FROM reminder ORDER BY id")) == _plain(REMINDERS)
    (foreign_key,) = inspect(engine).get_foreign_keys("breach_log_submission")
    assert foreign_key["referred_table"] == "obligation" and foreign_key["constrained_columns"] == ["obligation_id"]
    assert _select(engine, "SELECT obligation_id FROM breach_log_submission") == [{"obligation_id": 12}]


def _check_the_new_tables_work(engine: Engine) -> None:
    with engine.begin() as connection:
        new_id = connection.execute(
            text(
                "INSERT INTO obligation (owner_kind, owner_id, period, kind, recipient, statutory, basis, status, "
                "decision, decided_by, decision_rationale, created_at) VALUES ('breach', 2, '', 'ico_notification', "
                "'ico', true, 'b', 'open', '', '', '', :now) RETURNING id"
            ).bindparams(bindparam("now", type_=UTCDateTime())),
            {"now": AWARE},
        ).scalar_one()
    assert new_id == 13  # ids carry on after the copied ones (PostgreSQL: the sequence was moved)
    with pytest.raises(IntegrityError), engine.begin() as connection:  # still one log submission per month
        connection.execute(
            text(
                "INSERT INTO obligation (owner_kind, owner_id, period, kind, recipient, statutory, basis, status, "
                "decision, decided_by, decision_rationale, created_at) VALUES ('breach_log', NULL, '2026-03', "
                "'log_submission', 'ico', false, 'b', 'open', '', '', '', :now)"
            ).bindparams(bindparam("now", type_=UTCDateTime())),
            {"now": AWARE},
        )
    with Session(engine) as session:
        items, total = inbox.list_reminders(session)
    assert total == 2
    by_id = {item.reminder.id: item for item in items}
    assert by_id[3].link == "/breaches/1" and by_id[3].public_fields["breach_reference"] == "BR-2026-0001"
    assert by_id[4].link == "/breaches/log?month=2026-03" and by_id[4].owner_id is None


@pytest.fixture(params=["sqlite", pytest.param("postgresql", marks=pytest.mark.postgres)])
def empty_engine(request: pytest.FixtureRequest, tmp_path) -> Iterator[Engine]:
    if request.param == "sqlite":
        engine = make_engine(f"sqlite:///{tmp_path / 'moved.db'}")
        yield engine
        engine.dispose()
        return
    postgres_engine = request.getfixturevalue("postgres_engine")
    url = make_url(postgres_engine.url.render_as_string(hide_password=False))
    admin = make_engine(url.render_as_string(hide_password=False), isolation_level="AUTOCOMMIT")
    name = f"{url.database}_deadlines"
    with admin.connect() as connection:
        connection.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        connection.execute(text(f'CREATE DATABASE "{name}"'))
    engine = make_engine(url.set(database=name).render_as_string(hide_password=False))
    try:
        yield engine
    finally:
        engine.dispose()
        with admin.connect() as connection:
            connection.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()


def test_every_obligation_and_reminder_arrives_intact_with_its_id(empty_engine):
    upgrade_engine(empty_engine, BEFORE)
    _fill_breach_only_schema(empty_engine)
    upgrade_engine(empty_engine)
    _check_upgraded(empty_engine)
    _check_the_new_tables_work(empty_engine)


def test_downgrading_gives_the_rows_back_to_the_breach_tables(empty_engine):
    from provider.db.migrate import alembic_config

    upgrade_engine(empty_engine, BEFORE)
    _fill_breach_only_schema(empty_engine)
    upgrade_engine(empty_engine)
    config = alembic_config(empty_engine.url.render_as_string(hide_password=False))
    from alembic import command

    with empty_engine.begin() as connection:
        config.attributes["connection"] = connection
        command.downgrade(config, BEFORE)
    back = _select(empty_engine, f"SELECT breach_id, {OBLIGATION_FIELDS} FROM breach_obligation ORDER BY id")
    assert _plain(back) == _plain(OBLIGATIONS)
    assert _plain(_select(empty_engine, f"SELECT {REMINDER_FIELDS} FROM breach_reminder ORDER BY id")) == _plain(
        REMINDERS
    )
    (foreign_key,) = inspect(empty_engine).get_foreign_keys("breach_log_submission")
    assert foreign_key["referred_table"] == "breach_obligation"
    upgrade_engine(empty_engine)  # and up again, as an operator who changed their mind would
    _check_upgraded(empty_engine)
