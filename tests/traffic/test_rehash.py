"""`pecr traffic rehash`: records hashed over the number as written (before the matching form) are found
again by a search in any form once re-hashed; a re-run changes nothing; a destroyed day is counted and left."""

from __future__ import annotations

import hashlib
import hmac
import json

import pytest
from sqlmodel import Session, select
from typer.testing import CliRunner

from provider.console.main import app
from provider.security.keystore import KeyStore
from provider.security.models import AuditEvent
from provider.settings import Settings
from tests.conftest import START
from tests.traffic.conftest import ACTOR, LINE_A
from traffic import commands, keys, service
from traffic.models import TrafficRecord
from traffic.policy import TrafficSettings
from traffic.rehash import RehashResult, rehash
from traffic.rules import RetentionPolicy

SEARCH = "/api/v1/traffic/records/search"
WRITTEN = {"N1": "07700 900123", "N2": "+447700900123", "N3": "0044 7700 900123", "N4": "+441632960001"}
SENTINEL = "0" * 64


def _call(source: str, day: int, other: str) -> dict:
    return {"source_record_id": source, "kind": "call", "direction": "outgoing", "line": LINE_A,
            "start_at": f"2026-03-{day:02d}T10:00:00Z", "duration_seconds": 60, "other_party": other}  # fmt: skip


def _import(engine, tmp_path, master_key: str) -> None:
    rows = [_call(source, 5 + index, other) for index, (source, other) in enumerate(WRITTEN.items())]
    rows.append(_call("N5", 9, "+447700900999"))  # its day's key is destroyed below
    path = tmp_path / "r.ndjson"
    path.write_text("".join(json.dumps(row) + "\n" for row in rows))
    report = service.import_file(engine, path=path, actor=ACTOR, now=START, master_key=master_key,
                                 policy=RetentionPolicy())  # fmt: skip
    assert report.written == 5, report.errors


def _hashes(engine) -> dict[str, str | None]:
    with Session(engine) as session:
        return {r.source_record_id: r.other_party_hash for r in session.exec(select(TrafficRecord))}


def _old_style(engine, master_key: str, key_store) -> None:
    """Each row's hash as it was before the matching form: an HMAC of the number as written, spaces and
    all; N5's replaced by a value no number hashes to, to show an unreadable row is left as it is."""
    with Session(engine) as session:
        lookup = keys.Keyring(session, master_key, store=KeyStore(key_store)).lookup_key()
        for record in session.exec(select(TrafficRecord)):
            written = WRITTEN.get(record.source_record_id)
            record.other_party_hash = (
                hmac.new(lookup, written.encode(), hashlib.sha256).hexdigest() if written else SENTINEL
            )
            session.add(record)
        session.commit()
    assert KeyStore(key_store).delete("day:2026-03-09")


@pytest.fixture
def old_records(engine, world, settings, tmp_path, key_store):
    _import(engine, tmp_path, settings.master_key_value())
    _old_style(engine, settings.master_key_value(), key_store)
    return world


def _found_days(client, number: str) -> list[str]:
    found = client.post(SEARCH, json={"number": number, "from": "2026-03-01", "to": "2026-03-31"})
    assert found.status_code == 200, found.text
    return [record["day"] for record in found.json()["records"]]


def test_old_hashes_are_found_after_a_rehash_and_a_re_run_changes_nothing(
    old_records, engine, settings, api_client, key_store
):
    client = api_client("auditor", scopes=["traffic:read"])
    assert _found_days(client, "+447700900123") == ["2026-03-06"]  # only the one written in E.164
    before = _hashes(engine)
    done: list[int] = []
    first = rehash(engine, master_key=settings.master_key_value(), store=KeyStore(key_store), batch=2,
                   progress=done.append)  # fmt: skip
    assert first == RehashResult(read=5, rehashed=2, unchanged=2, unreadable=1)
    assert done == [2, 4, 5]  # three batches of at most two
    assert _found_days(client, "+447700900123") == ["2026-03-05", "2026-03-06", "2026-03-07"]
    assert _found_days(client, "07700 900123") == ["2026-03-05", "2026-03-06", "2026-03-07"]
    after = _hashes(engine)
    assert after["N5"] == SENTINEL  # destroyed day: left as it is
    assert {name for name in after if after[name] != before[name]} == {"N1", "N3"}
    again = rehash(engine, master_key=settings.master_key_value(), store=KeyStore(key_store), batch=2)
    assert again == RehashResult(read=5, rehashed=0, unchanged=4, unreadable=1)
    assert _hashes(engine) == after


def test_a_dry_run_counts_what_would_change_and_writes_nothing(old_records, engine, settings, key_store):
    before = _hashes(engine)
    result = rehash(engine, master_key=settings.master_key_value(), store=KeyStore(key_store), dry_run=True)
    assert result == RehashResult(read=5, rehashed=2, unchanged=2, unreadable=1)
    assert _hashes(engine) == before


def test_the_command_prints_its_counts_and_audits_the_run_without_a_number(
    monkeypatch, old_records, engine, settings, clock
):
    console_settings = Settings(master_key=settings.master_key_value())
    monkeypatch.setattr(commands, "_context", lambda: (console_settings, engine, clock, TrafficSettings()))
    runner = CliRunner()
    dry = runner.invoke(app, ["traffic", "rehash", "--dry-run"])
    assert dry.exit_code == 0, dry.output
    assert "5 records read: would re-hash 2, 2 unchanged, 1 unreadable" in dry.output
    result = runner.invoke(app, ["traffic", "rehash", "--batch", "100"])
    assert result.exit_code == 0, result.output
    assert "5 records read: re-hashed 2, 2 unchanged, 1 unreadable" in result.output
    with Session(engine) as session:
        events = session.exec(select(AuditEvent).where(AuditEvent.action == "traffic.rehash")).all()
    assert len(events) == 1  # the dry run is not on record: it changed nothing
    assert json.loads(events[0].after) == {"read": 5, "rehashed": 2, "unchanged": 2, "unreadable": 1}
    assert "7700" not in events[0].after + (events[0].before or "")
    again = runner.invoke(app, ["traffic", "rehash"])
    assert "re-hashed 0, 4 unchanged, 1 unreadable" in again.output


def test_without_the_look_up_key_the_command_stops_plainly_and_changes_nothing(
    monkeypatch, old_records, engine, settings, clock, key_store
):
    console_settings = Settings(master_key=settings.master_key_value())
    monkeypatch.setattr(commands, "_context", lambda: (console_settings, engine, clock, TrafficSettings()))
    before = _hashes(engine)
    assert KeyStore(key_store).delete("lookup")  # a key store that is not the one the records were written with
    result = CliRunner().invoke(app, ["traffic", "rehash"])
    assert result.exit_code == 1
    assert "rehash stopped" in result.output and "look-up key is missing" in result.output
    assert _hashes(engine) == before
