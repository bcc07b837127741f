"""The column-wise check of CSV blocks vouches only for rows the parser accepts, with the parser's values;
and CSV blocks number their lines as the row-by-row reader does."""

from __future__ import annotations

import csv
import io
import json
import random
from datetime import timedelta

from sqlmodel import Session, select

from tests.traffic.conftest import LINE_A, LINE_B, MASTER
from traffic import columns, files, service
from traffic.models import HoldBasis, RetentionClass, RetentionHold, TrafficRecord
from traffic.parsing import BadLine, TrafficLine, parse

FIELDS = {
    "source_record_id": ["S1", " S2 ", "", "-bad", "x" * 65, "A:b/c.d_e-f"],
    "kind": ["call", " sms", "fax", "", "CALL"],
    "direction": ["outgoing", "incoming ", "sideways", ""],
    "line": ["+447700900001", "07700 900001", "", "+44x", "+" + "1" * 21],
    "user_id": ["", "3", "-1", "x", " 4 ", "1_0"],
    "start_at": ["2026-03-09T10:00:00Z", "2026-03-09T10:00:00", "", "yesterday", " 2026-03-09T10:00:00+01:00 "],
    "end_at": ["", "2026-03-09T10:05:00Z", "2026-03-09T09:00:00Z", "2026-03-09T10:05:00", "nope"],
    "duration_seconds": ["", "60", "-5", "99999999", " ", "7"],
    "other_party": ["", "+441632960001", "01632 960001", "abc"],
    "trunk": ["", "TRK1", "bad trunk"],
    "cell_id": ["", "234-15-1001-7", "#"],
    "volume_bytes": ["", "1000", "1e3"],
    "charge_pence": ["", "12", str(2**63)],
    "bill_ref": ["", "BILL-1", " BILL-2 ", "?"],
    "ended": ["", "true", "FALSE", "no", "maybe", " Y "],
    "consented_service": ["", "Weather alerts", "x" * 101, "two\u2028lines"],
    "record_type": ["", "traffic", "location", "other"],
}


def _as_parsed(block: columns.Block, at: int) -> dict:
    values = {name: getattr(block, name)[at] for name in columns.Block.__slots__ if name != "good"}
    return values


def _expected(item: TrafficLine) -> dict:
    values = {name: getattr(item, name) for name in columns.Block.__slots__ if name != "good"}
    values["kind"], values["direction"] = item.kind.value, item.direction.value
    return values


def _value(rng: random.Random, values: list[str]) -> str:
    return rng.choice(values) if rng.random() < 0.25 else values[0]  # the first is good: good rows are common


def test_the_columns_vouch_only_for_what_the_parser_accepts_with_the_same_values():
    rng = random.Random(11)
    vouched = 0
    for _ in range(200):
        names = rng.sample(sorted(FIELDS), rng.randrange(8, len(FIELDS) + 1))
        names = [*{"start_at", "line", "source_record_id", "kind", "direction"} - set(names), *names]
        rows = [[_value(rng, FIELDS[name]) for name in names] for _ in range(rng.randrange(1, 30))]
        block, doubtful = columns.check_traffic(names, rows)
        assert sorted([*block.good, *doubtful]) == list(range(len(rows)))
        for at, position in enumerate(block.good):
            item = parse(dict(zip(names, rows[position], strict=True)))
            assert isinstance(item, TrafficLine)
            assert _as_parsed(block, at) == _expected(item)
            vouched += 1
        for position in doubtful:  # those the parser accepts are traffic rows the columns were unsure of
            try:
                parse(dict(zip(names, rows[position], strict=True)))
            except BadLine:
                continue
    assert vouched > 50


def _csv(rng: random.Random) -> str:
    out = io.StringIO(newline="")
    writer = csv.writer(out, lineterminator=rng.choice(["\n", "\r\n"]))
    width = rng.choice([1, 2, 3])
    writer.writerow([f"h{i}" for i in range(width)])
    for _ in range(rng.randrange(0, 12)):
        if rng.random() < 0.1:
            out.write("\n")
            continue
        cells = rng.choice([width, width, width, width + 1, max(1, width - 1)])
        writer.writerow([rng.choice(["a", "", "b\nc", "d\r\ne", "x\ry", "q,r"]) for _ in range(cells)])
    return out.getvalue()


def test_csv_blocks_give_the_rows_and_line_numbers_the_row_reader_gives():
    rng = random.Random(5)
    for _ in range(2000):
        text = _csv(rng)
        expected = list(files.csv_rows(io.StringIO(text, newline="")))
        found = []
        for names, numbers, rows, reason in files.csv_blocks(io.StringIO(text, newline=""), rng.choice([1, 2, 5, 100])):
            if reason is not None:
                found.append((numbers[0], files.BAD, reason))
            else:
                found.extend(
                    (n, dict(zip(names, row, strict=True)), None) for n, row in zip(numbers, rows, strict=True)
                )
        assert found == expected, text


def _import_both(tmp_path, import_file, rows: list[dict]) -> tuple:
    names = sorted({name for row in rows for name in row})
    csv_path, ndjson_path = tmp_path / "r.csv", tmp_path / "r.ndjson"
    with csv_path.open("w", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(names)
        writer.writerows([[f"C{row[name]}" if name == "source_record_id" else row.get(name, "") for name in names]
                          for row in rows])  # fmt: skip
    ndjson_path.write_text("".join(json.dumps({**row, "source_record_id": f"N{row['source_record_id']}"}) + "\n"
                                   for row in rows))  # fmt: skip
    return import_file(csv_path), import_file(ndjson_path)


def test_a_csv_import_by_columns_reports_and_stores_what_a_line_by_line_import_does(
    tmp_path, engine, world, import_file
):
    base = {"kind": "call", "direction": "outgoing", "line": LINE_A, "start_at": "2026-03-09T10:00:00Z",
            "other_party": "+441632960001", "cell_id": "234-15-1001-7"}  # fmt: skip
    rows = [
        {**base, "source_record_id": "1", "bill_ref": "B-1"},
        {**base, "source_record_id": "2", "start_at": "2026-03-09T10:00:00"},
        {**base, "source_record_id": "3", "line": "+447700900999"},
        {**base, "source_record_id": "4", "user_id": str(world.user_id)},
        {**base, "source_record_id": "5", "user_id": "10000"},
        {**base, "source_record_id": "6", "line": LINE_B, "end_at": "2026-03-09T09:00:00Z"},
        {**base, "source_record_id": "7", "line": LINE_B, "consented_service": "Weather"},
        {**base, "source_record_id": "8", "kind": "fax"},
        {**base, "source_record_id": "9", "record_type": "location", "observed_at": "2026-03-09T10:00:00Z"},
    ]
    by_columns, by_line = _import_both(tmp_path, import_file, rows)
    assert (by_columns.written, by_columns.bad_lines) == (by_line.written, by_line.bad_lines) == (4, 5)
    assert [(number - 1, reason) for number, reason in by_columns.errors] == by_line.errors
    with Session(engine) as session:
        stored = {r.source_record_id: r for r in session.exec(select(TrafficRecord))}
        for name in ("1", "4", "7"):
            csv_row, ndjson_row = stored[f"C{name}"], stored[f"N{name}"]
            for field in ("day", "kind", "line_id", "user_id", "start_at", "end_at", "retention_class", "retain_until",
                          "other_party_hash", "bill_ref", "consented_service"):  # fmt: skip
                assert getattr(csv_row, field) == getattr(ndjson_row, field), (name, field)
            assert service.protected_fields(session, csv_row, MASTER) == service.protected_fields(
                session, ndjson_row, MASTER
            )


def test_a_hold_in_force_holds_rows_imported_by_columns_as_line_by_line(tmp_path, engine, world, import_file, clock):
    with Session(engine) as session:
        session.add(RetentionHold(basis=HoldBasis.court_order, reference="CO-1", line_id=world.line_b,
                                  starts_at=clock.now(), ends_at=clock.now() + timedelta(days=400),
                                  created_at=clock.now()))  # fmt: skip
        session.commit()
    base = {"kind": "sms", "direction": "incoming", "start_at": "2026-03-09T10:00:00Z"}
    rows = [{**base, "source_record_id": "1", "line": LINE_A}, {**base, "source_record_id": "2", "line": LINE_B}]
    _import_both(tmp_path, import_file, rows)
    with Session(engine) as session:
        classes = {r.source_record_id: (r.retention_class, r.retain_until) for r in session.exec(select(TrafficRecord))}
    assert classes["C1"] == classes["N1"] and classes["C2"] == classes["N2"]
    assert classes["C2"][0] is RetentionClass.held and classes["C1"][0] is RetentionClass.transmission
