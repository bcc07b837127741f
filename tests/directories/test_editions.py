"""Editions and deltas on both databases: what each contains, its digest, and corrections around them."""

from __future__ import annotations

import csv
import hashlib
import io
import json
from datetime import timedelta

import pytest
from sqlmodel import Session

from directories import requests, service
from directories.editions import bulk
from directories.editions import service as editions
from directories.models import ChoiceUpdate, EditionFormat, Listing, RequestCreate, RequestKind
from provider.errors import Invalid
from provider.wording.models import ServedChannel
from tests.conftest import START, TESTER

WAIT = 28


def _produce(session: Session, now=START, **options) -> tuple[object, bytes]:
    chunks: list[bytes] = []
    edition = editions.produce(session, actor=TESTER, now=now, wait_days=WAIT, sink=chunks.append, **options)
    session.commit()
    return edition, b"".join(chunks)


def _rows(content: bytes) -> list[dict]:
    return list(csv.DictReader(io.StringIO(content.decode())))


def _choose(session, line, **fields):
    values = {"listing": Listing.full, "reverse_search": False, "channel": ServedChannel.web, **fields}
    service.record_choice(session, actor=TESTER, now=START, line=line, data=ChoiceUpdate(**values))
    session.commit()


def _request(session, line, kind, received_at=START, **fields):
    data = RequestCreate(kind=kind, received_at=received_at, channel=ServedChannel.telephone, **fields)
    made = requests.record_request(session, actor=TESTER, now=START, line=line, data=data)
    session.commit()
    return made


def test_a_full_edition_holds_every_eligible_entry_with_its_digest_and_downloads_the_same_bytes(
    session, engine, make_line, serve
):
    corporate = make_line("corporate", name="Acme, Widgets Ltd", address='Unit 4, "The Yard", York YO1 7HH')
    informed = make_line(name="Jane Smith")
    serve(informed, START - timedelta(days=WAIT + 1))
    make_line(name="Never Told")
    edition, content = _produce(session)
    rows = _rows(content)
    assert [row["line_id"] for row in rows] == [str(corporate.id), str(informed.id)]
    assert rows[0] | {"line_id": ""} == {
        "line_id": "",
        "number": corporate.number,
        "listing": "full",
        "name": "Acme, Widgets Ltd",
        "address": 'Unit 4, "The Yard", York YO1 7HH',
        "reverse_search": "t",
    }
    assert rows[1]["address"] == "Leeds LS1 2AB" and rows[1]["reverse_search"] == "f"
    assert (edition.entries, edition.rows, edition.added) == (2, 2, 2)
    assert edition.sha256 == hashlib.sha256(content).hexdigest() and edition.byte_count == len(content)
    again = b"".join(editions.content(engine, editions.get_edition(session, edition.id)))
    assert again == content


def test_a_delta_contains_exactly_the_lines_added_changed_and_removed(session, engine, make_line, notice):
    kept = make_line("corporate", name="Kept Ltd")
    changed = make_line("corporate", name="Changing Ltd")
    removed = make_line("corporate", name="Leaving Ltd")
    base, _ = _produce(session)
    added = make_line("corporate", name="New Ltd")
    _request(session, changed, RequestKind.correct, listed_name="Changed Ltd")
    _request(session, removed, RequestKind.withdraw)
    _choose(session, kept, listing=Listing.full, reverse_search=True)  # recorded, but shows the same entry
    delta, content = _produce(session, since_edition_id=base.id)
    rows = {row["line_id"]: row for row in _rows(content)}
    assert {key: row["change"] for key, row in rows.items()} == {
        str(changed.id): "changed",
        str(removed.id): "removed",
        str(added.id): "added",
    }
    assert rows[str(changed.id)]["name"] == "Changed Ltd"
    assert rows[str(removed.id)]["number"] == removed.number and rows[str(removed.id)]["name"] == ""
    assert (delta.added, delta.changed, delta.removed, delta.rows, delta.entries) == (1, 1, 1, 3, 3)
    assert b"".join(editions.content(engine, editions.get_edition(session, delta.id))) == content


def test_a_correction_applies_to_editions_after_it_and_leaves_earlier_ones_as_they_were(session, engine, make_line):
    line = make_line("corporate", name="Old Name Ltd")
    before, before_content = _produce(session)
    made = _request(
        session, line, RequestKind.correct, received_at=START - timedelta(hours=2), listed_name="New Name Ltd"
    )
    assert made.old_data_editions == [before.id]
    assert made.before == {"recorded": False} and made.after["listed_name"] == "New Name Ltd"
    after, after_content = _produce(session, now=START + timedelta(hours=1))
    assert _rows(after_content)[0]["name"] == "New Name Ltd"
    assert _rows(b"".join(editions.content(engine, before)))[0]["name"] == "Old Name Ltd"
    assert b"".join(editions.content(engine, before)) == before_content
    assert requests.editions_carrying(session, line.id) == [before.id, after.id]


def test_a_withdrawal_of_an_individual_takes_them_out_of_the_next_edition(session, make_line, serve):
    line = make_line()
    serve(line, START - timedelta(days=60))
    first, _ = _produce(session)
    assert first.entries == 1
    _request(session, line, RequestKind.withdraw)
    second, _ = _produce(session)
    assert second.entries == 0


def test_a_correction_of_an_uninformed_individual_does_not_list_them(session, make_line):
    line = make_line()
    _request(session, line, RequestKind.correct, listed_locality="Leeds")
    edition, _ = _produce(session)
    assert edition.entries == 0


def test_jsonl_editions_give_one_object_per_entry(session, engine, make_line):
    line = make_line("corporate", name="Acme Ltd")
    edition, content = _produce(session, fmt=EditionFormat.jsonl)
    objects = [json.loads(text) for text in content.decode().splitlines()]
    assert objects == [
        {
            "line_id": line.id,
            "number": line.number,
            "listing": "full",
            "name": "Acme Ltd",
            "address": "12 High Street, Leeds LS1 2AB",
            "reverse_search": True,
        }
    ]
    assert edition.sha256 == hashlib.sha256(content).hexdigest()
    assert b"".join(editions.content(engine, edition)) == content


def test_a_delta_since_an_unknown_edition_is_refused(session):
    with pytest.raises(Invalid, match="since_edition_id"):
        editions.produce(session, actor=TESTER, now=START, wait_days=WAIT, since_edition_id=99)


def test_rows_are_gathered_into_blocks_without_a_byte_lost_or_reordered(monkeypatch):
    monkeypatch.setattr(bulk, "BLOCK_BYTES", 10)
    rows = [memoryview(b"1,aaaa\n"), b"2,bbbb\n", b"3,c\n", b"4,dddddddddddd\n", b"5,e\n"]
    gathered = list(bulk.blocks(iter(rows)))
    assert gathered == [b"1,aaaa\n2,bbbb\n", b"3,c\n4,dddddddddddd\n", b"5,e\n"]
    assert list(bulk.blocks(iter([]))) == []


def test_an_edition_spread_over_many_blocks_is_stored_hashed_and_delta_d_whole(session, engine, make_line, monkeypatch):
    # Blocks of a few bytes: every row boundary falls somewhere inside or at the end of a block.
    monkeypatch.setattr(bulk, "BLOCK_BYTES", 50)
    lines = [make_line("corporate", name=f"Firm {index} Ltd") for index in range(12)]
    base, content = _produce(session)
    assert [row["line_id"] for row in _rows(content)] == [str(line.id) for line in lines]
    assert (base.entries, base.rows) == (12, 12)
    assert base.sha256 == hashlib.sha256(content).hexdigest() and base.byte_count == len(content)
    assert b"".join(editions.content(engine, base)) == content
    _request(session, lines[3], RequestKind.withdraw)
    _request(session, lines[7], RequestKind.correct, listed_name="Renamed Ltd")
    added = make_line("corporate", name="Late Ltd")
    delta, changes = _produce(session, since_edition_id=base.id)
    assert [(row["line_id"], row["change"]) for row in _rows(changes)] == [
        (str(lines[3].id), "removed"),
        (str(lines[7].id), "changed"),
        (str(added.id), "added"),
    ]
    assert (delta.entries, delta.added, delta.changed, delta.removed) == (12, 1, 1, 1)
    assert delta.sha256 == hashlib.sha256(changes).hexdigest()
    assert b"".join(editions.content(engine, delta)) == changes


def test_a_jsonl_delta_gives_a_removed_line_its_old_number_and_nulls_for_the_rest(session, engine, make_line):
    leaving = make_line("corporate", name="Leaving Ltd")
    staying = make_line("corporate", name="Staying Ltd")
    base, _ = _produce(session)
    _request(session, leaving, RequestKind.withdraw)
    _request(session, staying, RequestKind.correct, listed_name="Stayed Ltd")
    delta, content = _produce(session, since_edition_id=base.id, fmt=EditionFormat.jsonl)
    objects = [json.loads(text) for text in content.decode().splitlines()]
    assert objects == [
        {
            "line_id": leaving.id,
            "change": "removed",
            "number": leaving.number,
            "listing": None,
            "name": None,
            "address": None,
            "reverse_search": None,
        },
        {
            "line_id": staying.id,
            "change": "changed",
            "number": staying.number,
            "listing": "full",
            "name": "Stayed Ltd",
            "address": "12 High Street, Leeds LS1 2AB",
            "reverse_search": True,
        },
    ]
    assert delta.sha256 == hashlib.sha256(content).hexdigest()
    assert b"".join(editions.content(engine, delta)) == content
