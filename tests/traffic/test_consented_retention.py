"""Retention under a consent: granted at ingest only while the person's consent stands, and ended by the
withdrawal itself, so the next sweep erases what only the consent kept."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta

from sqlmodel import Session, select

from provider.subscribers.models import Subscriber
from tests.conftest import START
from tests.traffic.conftest import ACTOR, LINE_A, LINE_B, give_consent
from traffic.consent import service as consents
from traffic.consent.models import ConsentPurpose, DataKind, WithdrawalCreate
from traffic.models import LocationRecord, RetentionClass, TrafficRecord
from traffic.sweep import sweep

ALERTS = "Traffic alerts"
CONSENTED_UNTIL = datetime(2026, 5, 30, 10, tzinfo=UTC)


def _call(source: str, start: str, **fields) -> dict:
    return {"source_record_id": source, "kind": "call", "direction": "outgoing", "line": LINE_B,
            "start_at": start, "duration_seconds": 60, "consented_service": ALERTS, **fields}  # fmt: skip


def _place(source: str, line: str) -> dict:
    return {"record_type": "location", "source_record_id": source, "line": line, "observed_at": "2026-03-01T10:00:00Z",
            "cell_id": "234-15-1-2", "source": "network", "consented_service": ALERTS}  # fmt: skip


def _import(import_file, tmp_path, rows) -> None:
    path = tmp_path / "c.ndjson"
    path.write_text("".join(json.dumps(r) + "\n" for r in rows))
    assert import_file(path).written == len(rows)


def _retention(engine) -> dict[str, tuple[RetentionClass, datetime]]:
    with Session(engine) as session:
        rows = [*session.exec(select(TrafficRecord)), *session.exec(select(LocationRecord))]
        return {r.source_record_id: (r.retention_class, r.retain_until) for r in rows}


def _withdraw(engine, world, data_kind: DataKind, user_id: int | None = None, now: datetime = START) -> None:
    with Session(engine) as session:
        subscriber = session.get(Subscriber, world.subscriber_id)
        data = WithdrawalCreate(data_kind=data_kind, purpose=ConsentPurpose.vas, service_name=ALERTS, method="web",
                                user_id=user_id)  # fmt: skip
        consents.withdraw(session, actor=ACTOR, now=now, subscriber=subscriber, data=data)
        session.commit()


def test_a_consented_service_without_a_current_consent_is_kept_only_for_transmission(
    engine, world, import_file, tmp_path
):
    give_consent(engine, START - timedelta(days=30), world, service=ALERTS)
    rows = [
        _call("S1", "2026-03-01T10:00:00Z"),  # the subscriber consented
        _call("U1", "2026-03-01T10:00:00Z", line=LINE_A, user_id=world.user_id),  # the user's own data: not covered
        _call("M1", "2026-03-01T10:00:00Z", consented_service="marketing"),  # no marketing consent
        _place("P1", LINE_B),  # the consent is to traffic data, not location
    ]
    _import(import_file, tmp_path, rows)
    transmission = (RetentionClass.transmission, datetime(2026, 3, 2, 10, 1, tzinfo=UTC))
    assert _retention(engine) == {
        "S1": (RetentionClass.consented, CONSENTED_UNTIL), "U1": transmission, "M1": transmission,
        "P1": (RetentionClass.transmission, datetime(2026, 3, 2, 10, tzinfo=UTC)),
    }  # fmt: skip


def test_withdrawal_ends_the_retention_it_justified_and_the_next_sweep_erases(engine, world, import_file, tmp_path):
    give_consent(engine, START - timedelta(days=30), world, service=ALERTS)
    give_consent(engine, START - timedelta(days=30), world, service=ALERTS, user_id=world.user_id)
    rows = [
        _call("OLD", "2026-03-01T10:00:00Z"),
        _call("FRESH", "2026-03-10T11:00:00Z"),  # transmission still needs it for a day
        _call("USER", "2026-03-01T10:00:00Z", line=LINE_A, user_id=world.user_id),  # another person's consent
    ]
    _import(import_file, tmp_path, rows)
    _withdraw(engine, world, DataKind.traffic)
    assert _retention(engine) == {
        "OLD": (RetentionClass.transmission, START),
        "FRESH": (RetentionClass.transmission, datetime(2026, 3, 11, 11, 1, tzinfo=UTC)),
        "USER": (RetentionClass.consented, CONSENTED_UNTIL),
    }
    assert dict(sweep(engine, now=START + timedelta(minutes=1)).counts) == {"traffic.transmission": 1}
    assert set(_retention(engine)) == {"FRESH", "USER"}
    assert sweep(engine, now=datetime(2026, 3, 11, 11, 2, tzinfo=UTC)).rows_erased == 1
    assert set(_retention(engine)) == {"USER"}


def test_a_line_users_location_consent_keeps_its_lines_records_until_withdrawn(engine, world, import_file, tmp_path):
    give_consent(engine, START - timedelta(days=30), world, service=ALERTS, data_kind="location", user_id=world.user_id)
    _import(import_file, tmp_path, [_place("ON_A", LINE_A), _place("ON_B", LINE_B)])
    assert _retention(engine)["ON_A"] == (RetentionClass.consented, CONSENTED_UNTIL)
    assert _retention(engine)["ON_B"][0] is RetentionClass.transmission
    _withdraw(engine, world, DataKind.location, user_id=world.user_id)
    assert _retention(engine)["ON_A"] == (RetentionClass.transmission, START)
    sweep(engine, now=START + timedelta(minutes=1))
    assert _retention(engine) == {}


def test_a_csv_import_checks_the_consent_too(engine, world, import_file, tmp_path):
    """CSV rows are checked a block at a time by column; one naming a consented service still has its
    person's consent looked up."""
    give_consent(engine, START - timedelta(days=30), world, service=ALERTS)
    path = tmp_path / "c.csv"
    path.write_text(
        "source_record_id,kind,direction,line,start_at,duration_seconds,consented_service\n"
        f"S1,call,outgoing,{LINE_B},2026-03-01T10:00:00Z,60,{ALERTS}\n"
        f"M1,call,outgoing,{LINE_B},2026-03-01T10:00:00Z,60,marketing\n"
        f"N1,call,outgoing,{LINE_B},2026-03-01T10:00:00Z,60,\n"
    )
    assert import_file(path).written == 3
    transmission = (RetentionClass.transmission, datetime(2026, 3, 2, 10, 1, tzinfo=UTC))
    assert _retention(engine) == {
        "S1": (RetentionClass.consented, CONSENTED_UNTIL),
        "M1": transmission,
        "N1": transmission,
    }
