"""The core bulk writer (provider.db.bulk) on both backends: values arrive as an ORM insert would store
them, left-out columns get their defaults, and reserved ids line children up with their parents."""

from __future__ import annotations

from collections.abc import Iterator
from enum import StrEnum

import pytest
from sqlalchemy import JSON, Column, ForeignKey, Integer, MetaData, String, Table, select
from sqlmodel import Session

from provider.db import bulk
from provider.db.types import StrEnumType, UTCDateTime
from tests.conftest import START


class Colour(StrEnum):
    red = "red"
    green = "green"


METADATA = MetaData()
PARENT = Table(
    "bulk_probe_parent",
    METADATA,
    Column("id", Integer, primary_key=True),
    Column("name", String(40), nullable=False),
)
CHILD = Table(
    "bulk_probe_child",
    METADATA,
    Column("id", Integer, primary_key=True),
    Column("parent_id", Integer, ForeignKey("bulk_probe_parent.id"), nullable=True),
    Column("colour", StrEnumType(Colour, 8), nullable=False),
    Column("snapshot", JSON, nullable=False),
    Column("at", UTCDateTime, nullable=False),
    Column("note", String(20), nullable=False, default=""),
    Column("tags", JSON, nullable=False, default=list),
)


@pytest.fixture
def probe(engine) -> Iterator[Session]:
    METADATA.create_all(engine)
    try:
        with Session(engine) as session:
            yield session
    finally:
        METADATA.drop_all(engine)


def test_insert_rows_stores_what_an_orm_insert_would_and_fills_left_out_defaults(probe):
    rows = ({"colour": Colour.green, "snapshot": {"name": f"Ó'Súilleabháin {i}"}, "at": START} for i in range(7))
    assert bulk.insert_rows(probe, CHILD, rows, batch_size=3) == 7
    stored = probe.execute(select(CHILD).order_by(CHILD.c.id)).all()
    assert [row.id for row in stored] == list(range(1, 8))  # numbered by the database, in order
    first = stored[0]
    assert (first.colour, first.snapshot, first.at, first.note, first.tags) == (
        Colour.green,
        {"name": "Ó'Súilleabháin 0"},
        START,
        "",
        [],
    )
    probe.commit()


def test_insert_rows_with_nothing_writes_nothing(probe):
    assert bulk.insert_rows(probe, CHILD, iter(())) == 0


def test_a_bulk_writer_writes_parents_first_with_reserved_ids_and_moves_the_sequences(probe):
    probe.execute(PARENT.insert().values(name="existing"))
    next_ids = bulk.reserve_ids(probe, [PARENT, CHILD])
    assert next_ids == {PARENT: 2, CHILD: 1}
    stamp = bulk.driver_value(probe, CHILD.c.at, START)
    as_driver = bulk.driver_row(probe, CHILD, ("id", "parent_id", "colour", "snapshot", "at", "note", "tags"))
    writer = bulk.BulkWriter(
        probe,
        [(PARENT, ("id", "name")), (CHILD, ("id", "parent_id", "colour", "snapshot", "at", "note", "tags"))],
        batch_size=2,
    )
    for offset, name in enumerate(["zed", "amy", "kim"]):
        parent_id = next_ids[PARENT] + offset
        writer.extend(CHILD, [as_driver((parent_id, parent_id, Colour.red, {}, START, name, []))])
        writer.add(PARENT, (parent_id, name))
    writer.flush()
    bulk.move_id_sequences(probe, [PARENT, CHILD])
    assert writer.written == {PARENT: 3, CHILD: 3} and writer.batches == 2
    assert stamp == as_driver((1, 1, Colour.red, {}, START, "", []))[4]  # converted once, as for each row
    probe.execute(PARENT.insert().values(name="after"))  # the sequence is past the reserved ids
    names = probe.execute(select(PARENT.c.id, PARENT.c.name).order_by(PARENT.c.id)).all()
    assert [tuple(row) for row in names] == [(1, "existing"), (2, "zed"), (3, "amy"), (4, "kim"), (5, "after")]
    children = probe.execute(select(CHILD.c.parent_id, CHILD.c.note, CHILD.c.at).order_by(CHILD.c.id)).all()
    assert [tuple(row) for row in children] == [(2, "zed", START), (3, "amy", START), (4, "kim", START)]
    probe.commit()
