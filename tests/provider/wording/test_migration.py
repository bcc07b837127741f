"""Migration 0008 moves every breach notice template onto the core wording tables, keeping ids, version
numbers, hashes and first use, and repoints the notices that were made from them; on each backend."""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from sqlalchemy import JSON, Engine, LargeBinary, bindparam, inspect, text
from sqlalchemy.engine import make_url
from sqlmodel import Session

from provider.db.engine import make_engine
from provider.db.migrate import alembic_config, upgrade_engine
from provider.db.types import UTCDateTime

BEFORE = "0006_subscriber_search"
AT = datetime(2026, 3, 10, 12, 0, tzinfo=UTC)
PARTS = (
    "subject",
    "greeting",
    "provider_name",
    "contact_details",
    "summary",
    "estimated_date",
    "data_nature",
    "likely_consequences",
    "circumstances",
    "provider_measures",
    "customer_measures",
)


def wording(summary: str) -> dict[str, str]:
    return {name: f"{name} text" for name in PARTS} | {"summary": summary, "greeting": "Dear {name},"}


def legacy_sha256(parts: dict[str, str]) -> str:
    """How breach/notices/service.py hashed wording before 0008."""
    return hashlib.sha256(json.dumps(parts, sort_keys=True, ensure_ascii=False).encode()).hexdigest()


# (template id, breach id, version, summary, first used): ids interleave across breaches on purpose.
TEMPLATES = [
    (1, 1, 1, "Tape stolen.", AT + timedelta(hours=1)),
    (2, 2, 1, "Laptop lost.", AT + timedelta(hours=2)),
    (3, 1, 2, "Tape stolen on 7 March (draft).", None),
]


def _insert(connection: Any, table: str, row: dict[str, Any]) -> None:
    """Plain SQL, with each value bound as the column type stores it."""
    types = {datetime: UTCDateTime(), dict: JSON(), list: JSON(), bytes: LargeBinary()}
    statement = text(f"INSERT INTO {table} ({', '.join(row)}) VALUES ({', '.join(':' + name for name in row)})")
    binds = [bindparam(name, type_=types[type(value)]) for name, value in row.items() if type(value) in types]
    connection.execute(statement.bindparams(*binds), row)


def _breach(connection: Any, breach_id: int) -> None:
    texts = (
        "circumstance_detail aware_evidence awareness_justification data_description summary location_and_media "
        "protection_measures encryption_details mitigation_measures likely_consequences other_providers cross_border "
        "customer_notification_summary"
    ).split()
    _insert(
        connection,
        "breach",
        {
            "id": breach_id,
            "reference": f"BR-2026-000{breach_id}",
            "title": "Breach",
            "circumstance": "theft",
            "occurred_is_estimate": False,
            "detected_at": AT,
            "aware_at": AT,
            "aware_recorded_by": "",
            "regime": "DUAA",
            "data_categories": [],
            "individuals_is_estimate": False,
            "status": "open",
            "created_at": AT,
            "created_by": "tests",
            "updated_at": AT,
        }
        | dict.fromkeys(texts, ""),
    )


def _seed_before_migration(engine: Engine) -> None:
    upgrade_engine(engine, BEFORE)
    with engine.begin() as connection:
        _breach(connection, 1)
        _breach(connection, 2)
        _insert(
            connection,
            "subscriber",
            {
                "id": 1,
                "kind": "individual",
                "name": "Ann Smith",
                "address": "1 Road",
                "email": "",
                "phone": "",
                "account_reference": "ACC-1",
                "name_key": "ann smith",
                "created_at": AT,
                "updated_at": AT,
            },
        )
        for template_id, breach_id, version, summary, used in TEMPLATES:
            parts = wording(summary)
            row = {"id": template_id, "breach_id": breach_id, "version": version, **parts}
            row |= {"content_sha256": legacy_sha256(parts), "created_by": "tests", "created_at": AT, "updated_at": AT}
            _insert(connection, "breach_notice_template", row | ({"first_used_at": used} if used else {}))
        _insert(
            connection,
            "breach_notice_assessment",
            {"id": 1, "breach_id": 1, "sequence": 1, "outcome": "notify", "likely_adverse": True}
            | {"natures": [], "consequences": [], "circumstances": [], "other_adverse_effect": ""}
            | {"exemption_claimed": False, "exemption_holds": False, "exemption_evidence": [], "ico_required": False}
            | {"ico_required_reference": "", "delay_agreed": False, "delay_ico_reference": "", "rationale": "why"}
            | {"reasons": [], "decided_by": "tests", "decided_at": AT},
        )
        _insert(
            connection,
            "breach_notice_batch",
            {"id": 1, "breach_id": 1, "sequence": 1, "template_id": 1, "assessment_id": 1}
            | {"snapshot": {"breach_reference": "BR-2026-0001"}, "status": "generated", "total": 2, "generated": 2}
            | {"created_by": "tests", "created_at": AT, "generated_at": AT},
        )
        for recipient_id, key, subscriber in ((1, "s:1", 1), (2, "s:99", None)):
            _insert(
                connection,
                "breach_notice_recipient",
                {"id": recipient_id, "breach_id": 1, "recipient_key": key, "role": "subscriber", "channel": "post"}
                | {"snapshot": {"name": "Ann Smith"}, "status": "generated", "batch_id": 1, "template_id": 1}
                | {"pdf_sha256": "a" * 64, "email_sha256": "b" * 64, "generated_at": AT, "delivery_error": ""}
                | {"added_by": "tests", "added_at": AT}
                | ({"subscriber_id": subscriber} if subscriber else {}),
            )
        _insert(
            connection,
            "breach_notice_media",
            {"id": 1, "breach_id": 2, "template_id": 2, "snapshot": {"template_version": 1}, "pdf_sha256": "c" * 64}
            | {"pdf_bytes": b"%PDF-media", "created_by": "tests", "created_at": AT},
        )


def _rows(connection: Any, sql: str, **types: Any) -> list[tuple]:
    return [tuple(row) for row in connection.execute(text(sql).columns(**types))]


def _check_upgrade(engine: Engine) -> None:
    with engine.connect() as connection:
        tables = set(inspect(connection).get_table_names())
        assert "breach_notice_template" not in tables
        texts = _rows(connection, "SELECT id, purpose, owner_kind, owner_id FROM wording_text ORDER BY id")
        assert texts == [(1, "breach.customer_notice", "breach", 1), (2, "breach.customer_notice", "breach", 2)]
        versions = _rows(
            connection,
            "SELECT id, text_id, version, parts, content_sha256, hash_scheme, material_change, first_used_at"
            " FROM wording_version ORDER BY id",
            parts=JSON(),
            first_used_at=UTCDateTime(),
        )
        expected = [
            (template_id, breach_id, version, wording(summary), legacy_sha256(wording(summary)))
            + ("sorted_spaced_json", False, used)
            for template_id, breach_id, version, summary, used in TEMPLATES
        ]
        assert versions == expected
        assert _rows(connection, "SELECT id, template_id, status FROM breach_notice_batch") == [(1, 1, "generated")]
        assert _rows(
            connection, "SELECT id, batch_id, template_id, subscriber_id FROM breach_notice_recipient ORDER BY id"
        ) == [(1, 1, 1, 1), (2, 1, 1, None)]
        media = _rows(connection, "SELECT id, template_id, pdf_bytes FROM breach_notice_media", pdf_bytes=LargeBinary())
        assert media == [(1, 2, b"%PDF-media")]
        for table in ("breach_notice_batch", "breach_notice_recipient", "breach_notice_media"):
            targets = {key["referred_table"] for key in inspect(connection).get_foreign_keys(table)}
            assert "wording_version" in targets and "breach_notice_template" not in targets, table
        indexes = {index["name"] for index in inspect(connection).get_indexes("breach_notice_recipient")}
        assert {"ix_notice_recipient_batch_status_id", "ix_breach_notice_recipient_breach_id"} <= indexes


def _check_the_application_reads_the_moved_wording(engine: Engine) -> None:
    from breach.notices import service
    from breach.notices.models import TemplateInput
    from tests.conftest import TESTER

    with Session(engine, expire_on_commit=False) as session:
        versions = service.template_versions(session, 1)
        assert [(t.version, t.id, t.content_sha256) for t in versions] == [
            (2, 3, legacy_sha256(wording("Tape stolen on 7 March (draft)."))),
            (1, 1, legacy_sha256(wording("Tape stolen."))),
        ]
        same = service.save_template(
            session, actor=TESTER, now=AT, breach_id=2, data=TemplateInput(**wording("Laptop lost."))
        )
        assert (same.id, same.version) == (2, 1)  # unchanged: the stored digest is checked under its own scheme
        new = service.save_template(
            session, actor=TESTER, now=AT, breach_id=2, data=TemplateInput(**wording("Laptop lost on a train."))
        )
        session.commit()
        assert (new.version, new.id) == (2, 4)  # the id sequence continues after the moved rows


def _check_downgrade(engine: Engine) -> None:
    from alembic import command

    config = alembic_config(engine.url.render_as_string(hide_password=False))
    with engine.begin() as connection:
        config.attributes["connection"] = connection
        command.downgrade(config, BEFORE)
    with engine.connect() as connection:
        rows = _rows(
            connection,
            "SELECT id, breach_id, version, summary, content_sha256, first_used_at FROM breach_notice_template"
            " WHERE id <= 3 ORDER BY id",
            first_used_at=UTCDateTime(),
        )
        assert rows == [
            (template_id, breach_id, version, summary, legacy_sha256(wording(summary)), used)
            for template_id, breach_id, version, summary, used in TEMPLATES
        ]
        targets = {key["referred_table"] for key in inspect(connection).get_foreign_keys("breach_notice_recipient")}
        assert "breach_notice_template" in targets and "wording_text" not in inspect(connection).get_table_names()


def _check(engine: Engine) -> None:
    _seed_before_migration(engine)
    upgrade_engine(engine)
    _check_upgrade(engine)
    _check_the_application_reads_the_moved_wording(engine)
    _check_downgrade(engine)
    upgrade_engine(engine)  # and up again, with the version saved after the first upgrade among them


def test_upgrading_a_sqlite_database_moves_the_notice_wording(tmp_path):
    engine = make_engine(f"sqlite:///{tmp_path / 'old.db'}")
    try:
        _check(engine)
    finally:
        engine.dispose()


@pytest.fixture
def scratch_postgres(postgres_engine: Engine) -> Iterator[Engine]:
    url = make_url(postgres_engine.url.render_as_string(hide_password=False))
    admin = make_engine(url.render_as_string(hide_password=False), isolation_level="AUTOCOMMIT")
    name = f"{url.database}_wording_migration"
    with admin.connect() as connection:
        connection.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        connection.execute(text(f'CREATE DATABASE "{name}"'))
    engine = make_engine(url.set(database=name).render_as_string(hide_password=False))
    yield engine
    engine.dispose()
    with admin.connect() as connection:
        connection.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
    admin.dispose()


def test_upgrading_a_postgresql_database_moves_the_notice_wording(scratch_postgres):
    _check(scratch_postgres)
