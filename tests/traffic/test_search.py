"""Finding traffic records by number: national and international forms find the same records, a day
whose key was destroyed reads as erased, pages follow a cursor, bad input is a 422 naming the field, and
a token without the traffic read scope is refused."""

from __future__ import annotations

import json
from datetime import date

import pytest
from sqlmodel import Session, select

from provider.security.keystore import KeyStore
from provider.security.models import AuditEvent
from provider.subscribers.phone import matching_form, normalise_number
from tests.conftest import START
from tests.traffic.conftest import ACTOR, LINE_A
from traffic import service
from traffic.keys import Keyring
from traffic.models import TrafficRecord
from traffic.rules import RetentionPolicy

SEARCH = "/api/v1/traffic/records/search"


def _call(source: str, day: int, other: str, **fields) -> dict:
    return {"source_record_id": source, "kind": "call", "direction": "outgoing", "line": LINE_A,
            "start_at": f"2026-03-{day:02d}T10:00:00Z", "duration_seconds": 60, "other_party": other,
            "cell_id": "234-15-1001-7", **fields}  # fmt: skip


@pytest.fixture
def stored(tmp_path, engine, world, settings):
    """Records in three forms of one number over three days, and one of another number."""
    rows = [
        _call("N1", 5, "07700 900123"),
        _call("N2", 6, "+447700900123"),
        _call("N3", 7, "0044 7700 900123"),
        _call("N4", 7, "+441632960001"),
        _call("N5", 8, "123 45"),
    ]
    path = tmp_path / "r.ndjson"
    path.write_text("".join(json.dumps(row) + "\n" for row in rows))
    report = service.import_file(engine, path=path, actor=ACTOR, now=START, master_key=settings.master_key_value(),
                                 policy=RetentionPolicy())  # fmt: skip
    assert report.written == 5, report.errors
    return world


def _search(client, number: str, **fields):
    return client.post(SEARCH, json={"number": number, "from": "2026-03-01", "to": "2026-03-31", **fields})


@pytest.mark.parametrize("number", ["07700 900123", "+447700900123", "+44 7700 900123", "00447700900123"])
def test_a_number_in_national_or_international_form_finds_the_same_records(stored, api_client, number):
    client = api_client("auditor", scopes=["traffic:read"])
    found = _search(client, number)
    assert found.status_code == 200, found.text
    records = found.json()["records"]
    assert [r["day"] for r in records] == ["2026-03-05", "2026-03-06", "2026-03-07"]
    assert {r["status"] for r in records} == {"readable"}
    assert [r["other_party"] for r in records] == ["07700900123", "+447700900123", "00447700900123"]  # as stored
    assert records[0]["cell_id"] == "234-15-1001-7"


def test_a_number_that_cannot_be_normalised_is_found_as_given_without_spaces(stored, api_client):
    client = api_client("auditor", scopes=["traffic:read"])
    assert [r["day"] for r in _search(client, "12345").json()["records"]] == ["2026-03-08"]


def test_a_record_of_a_day_whose_key_was_destroyed_is_reported_as_erased(stored, api_client, key_store):
    assert KeyStore(key_store).delete("day:2026-03-06")
    client = api_client("auditor", scopes=["traffic:read"])
    records = _search(client, "07700900123").json()["records"]
    assert [(r["day"], r["status"], r["other_party"], r["cell_id"]) for r in records] == [
        ("2026-03-05", "readable", "07700900123", "234-15-1001-7"),
        ("2026-03-06", "erased", None, None),
        ("2026-03-07", "readable", "00447700900123", "234-15-1001-7"),
    ]


def test_pages_follow_the_cursor_and_the_search_is_audited_without_the_number(stored, api_client, engine):
    client = api_client("auditor", scopes=["traffic:read"])
    first = _search(client, "07700900123", limit=2).json()
    assert [r["day"] for r in first["records"]] == ["2026-03-05", "2026-03-06"] and first["next_cursor"]
    second = _search(client, "07700900123", limit=2, cursor=first["next_cursor"]).json()
    assert [r["day"] for r in second["records"]] == ["2026-03-07"] and second["next_cursor"] is None
    narrower = client.post(SEARCH, json={"number": "07700900123", "from": "2026-03-06", "to": "2026-03-06"})
    assert [r["day"] for r in narrower.json()["records"]] == ["2026-03-06"]
    with Session(engine) as session:
        events = session.exec(select(AuditEvent).where(AuditEvent.action == "traffic.records_searched")).all()
        assert len(events) == 3
        assert all("7700" not in json.dumps(event.model_dump(mode="json")) for event in events)


def test_a_token_without_the_traffic_read_scope_is_refused(stored, api_client, client):
    writer = api_client("compliance_officer", scopes=["traffic:write"])
    refused = _search(writer, "07700900123")
    assert refused.status_code == 403 and "traffic:read" in refused.text
    assert refused.headers["content-type"].startswith("application/problem+json")
    assert _search(client, "07700900123").status_code == 401


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"number": "0770\x00900123", "from": "2026-03-01", "to": "2026-03-02"}, "number"),
        ({"number": "07700900123", "from": "2026-03-05", "to": "2026-03-01"}, "to"),
        ({"number": "07700900123", "from": "2026-01-01", "to": "2026-12-31"}, "to"),
        ({"number": "07700900123", "from": "2026-03-01", "to": "2026-03-02", "limit": 2**80}, "limit"),
        ({"number": "07700900123", "from": "2026-03-01", "to": "2026-03-02", "cursor": "bm9wZQ"}, "cursor"),
        (
            {
                "number": "07700900123",
                "from": "2026-03-01",
                "to": "2026-03-02",
                "cursor": "WyIyMDI2LTAzLTAxIiw5OTk5OTk5OTk5OTk5OTk5OTk5OTk5XQ",
            },
            "cursor",
        ),
        ({"number": "", "from": "2026-03-01", "to": "2026-03-02"}, "number"),
        ({"number": "07700900123", "from": "yesterday", "to": "2026-03-02"}, "from"),
    ],
    ids=["nul", "reversed", "too-long", "huge-limit", "bad-cursor", "huge-cursor-id", "empty", "not-a-date"],
)
def test_bad_input_is_a_problem_naming_the_field(stored, api_client, body, field):
    client = api_client("auditor", scopes=["traffic:read"])
    answer = client.post(SEARCH, json=body)
    assert answer.status_code == 422, answer.text
    assert answer.headers["content-type"].startswith("application/problem+json")
    assert field in answer.text


def test_no_lookup_key_yet_finds_nothing_and_makes_no_key(engine, settings, key_store):
    from traffic.lookup import find_by_number
    from traffic.models import RecordSearch

    with Session(engine) as session:
        search = RecordSearch(number="07700900123", from_day=date(2026, 3, 1), to_day=date(2026, 3, 2))
        assert find_by_number(session, search=search, master_key="k", store=KeyStore(key_store)).records == []
    assert not key_store.exists() or not list(key_store.iterdir())


@pytest.mark.parametrize(
    "number",
    ["07700 900123", "+447700900123", "01632 960001", "020 7946 0123", "+33 1 42 68 53 00", "0044 113 496 0000"],
)
def test_the_matching_form_of_a_valid_number_is_its_e164(number):
    assert matching_form(number) == normalise_number(number)


def test_the_stored_hash_is_of_the_e164_form(stored, engine, settings):
    with Session(engine) as session:
        hashes = {r.source_record_id: r.other_party_hash for r in session.exec(select(TrafficRecord))}
        keyring = Keyring(session, settings.master_key_value())
        assert hashes["N1"] == hashes["N2"] == hashes["N3"] == keyring.number_hash("+447700900123")
        assert hashes["N4"] != hashes["N1"]
