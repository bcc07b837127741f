"""`pecr traffic import` and `pecr retention sweep [--dry-run]` as an operator runs them: exit codes, what
is printed, what is written, and re-runs that change nothing."""

from __future__ import annotations

import csv
import json

import pytest
from sqlalchemy import func
from sqlmodel import Session, select
from typer.testing import CliRunner

from provider.console.main import app
from provider.settings import Settings
from tests.traffic.conftest import LINE_A, LINE_B, MASTER
from tests.traffic.test_import_reports import BAD_LINES, bad_batch
from traffic import commands
from traffic.models import ErasureReceipt, LocationRecord, TrafficRecord
from traffic.policy import TrafficSettings

CSV_HEADER = "source_record_id,kind,direction,line,start_at,end_at,other_party,bill_ref\n"


@pytest.fixture
def pecr(monkeypatch, engine, clock):
    settings = Settings(master_key=MASTER)
    monkeypatch.setattr(commands, "_context", lambda: (settings, engine, clock, TrafficSettings()))
    runner = CliRunner()
    return lambda *args: runner.invoke(app, list(args))


def count(engine, table) -> int:
    with Session(engine) as session:
        return session.exec(select(func.count()).select_from(table)).one()


def test_a_csv_file_is_imported_and_a_re_run_writes_nothing_twice(pecr, engine, world, tmp_path):
    path = tmp_path / "records.csv"
    rows = "".join(f"C{i},call,outgoing,{LINE_A},2026-03-0{1 + i % 5}T08:00:00+00:00,,+441632960001,\n"
                   for i in range(12))  # fmt: skip
    path.write_text(CSV_HEADER + rows)
    first = pecr("traffic", "import", str(path))
    assert first.exit_code == 0, first.output
    assert "12 lines: 12 records written, 0 already stored, 0 bad (not written)" in first.output
    again = pecr("traffic", "import", str(path))
    assert again.exit_code == 0, again.output
    assert "12 lines: 0 records written, 12 already stored, 0 bad" in again.output
    assert count(engine, TrafficRecord) == 12
    assert not (tmp_path / "records.csv.errors.csv").exists()  # no bad line, no errors file


def test_an_ndjson_file_with_bad_lines_exits_non_zero_names_every_one_and_writes_none_of_them(
    pecr, engine, world, tmp_path
):
    path = tmp_path / "records.ndjson"
    good = {"source_record_id": "G1", "kind": "sms", "direction": "incoming", "line": LINE_B,
            "start_at": "2026-03-09T10:00:00Z"}  # fmt: skip
    lines = [json.dumps(good), "{not json", json.dumps({**good, "source_record_id": "X1", "line": "+447700900999"}),
             json.dumps({**good, "source_record_id": "X2", "direction": "sideways"})]  # fmt: skip
    path.write_text("\n".join(lines) + "\n")
    result = pecr("traffic", "import", str(path))
    assert result.exit_code == 1
    assert "line 2: line: not JSON" in result.output
    assert "line 3: line: no line of the provider has this number" in result.output
    assert "line 4: direction: must be one of" in result.output
    assert "3 bad lines (every one in " in result.output
    with (tmp_path / "records.ndjson.errors.csv").open(newline="") as handle:
        listed = list(csv.DictReader(handle))
    found = sorted((row["line"], row["field"]) for row in listed)  # in the order found, not the file's
    assert found == [("2", "line"), ("3", "line"), ("4", "direction")]
    with Session(engine) as session:
        assert [r.source_record_id for r in session.exec(select(TrafficRecord))] == ["G1"]  # no bad line written


def test_5000_bad_lines_go_to_the_errors_file_and_the_console_shows_the_first_few(pecr, engine, world, tmp_path):
    path, errors = tmp_path / "bad.ndjson", tmp_path / "out" / "every-bad-line.csv"
    errors.parent.mkdir()
    path.write_text(bad_batch())
    result = pecr("traffic", "import", str(path), "--errors", str(errors))
    assert result.exit_code == 1
    assert f"{BAD_LINES:,} bad lines (the first {commands.SHOWN_ON_CONSOLE} above; every one in" in result.output
    assert "line 20: kind" in result.output and "line 21: kind" not in result.output
    with errors.open(newline="") as handle:
        listed = list(csv.DictReader(handle))
    assert [int(row["line"]) for row in listed] == list(range(1, BAD_LINES + 1))
    assert {row["field"] for row in listed} == {"kind"} and listed[0]["reason"].startswith("must be one of")
    assert count(engine, TrafficRecord) == 1


def test_an_errors_file_that_cannot_be_written_leaves_every_bad_line_on_the_console(pecr, world, tmp_path):
    path = tmp_path / "bad.ndjson"
    path.write_text(bad_batch(30))
    result = pecr("traffic", "import", str(path), "--errors", str(tmp_path / "missing" / "errors.csv"))
    assert result.exit_code == 1
    assert "every bad line follows" in result.output and "line 30: kind" in result.output


@pytest.fixture
def expired(pecr, world, tmp_path):
    """Two calls past their transmission retention, one billed call kept, one location past its time."""
    call = {"kind": "call", "direction": "outgoing", "line": LINE_A, "start_at": "2026-03-05T10:00:00Z",
            "end_at": "2026-03-05T10:01:00Z"}  # fmt: skip
    rows = [{**call, "source_record_id": "T1"}, {**call, "source_record_id": "T2", "line": LINE_B},
            {**call, "source_record_id": "T3", "bill_ref": "B-1"},
            {"record_type": "location", "source_record_id": "L1", "line": LINE_B,
             "observed_at": "2026-03-05T10:00:00Z", "cell_id": "234-15-1001-7"}]  # fmt: skip
    path = tmp_path / "expired.ndjson"
    path.write_text("".join(json.dumps(row) + "\n" for row in rows))
    assert pecr("traffic", "import", str(path)).exit_code == 0


def test_a_dry_run_prints_counts_per_class_and_erases_nothing(pecr, engine, expired):
    result = pecr("retention", "sweep", "--dry-run")
    assert result.exit_code == 0, result.output
    assert "traffic.transmission: 2" in result.output
    assert "location.transmission: 1" in result.output
    assert "would erase 3 rows" in result.output
    assert (count(engine, TrafficRecord), count(engine, LocationRecord), count(engine, ErasureReceipt)) == (3, 1, 0)


def test_a_sweep_erases_what_is_due_prints_its_receipt_and_a_re_run_erases_nothing(pecr, engine, expired):
    result = pecr("retention", "sweep")
    assert result.exit_code == 0, result.output
    assert "traffic.transmission: 2" in result.output and "location.transmission: 1" in result.output
    assert "erased 3 rows" in result.output
    assert (count(engine, TrafficRecord), count(engine, LocationRecord)) == (1, 0)  # the billed call stays
    again = pecr("retention", "sweep")
    assert again.exit_code == 0 and "erased 0 rows" in again.output
    assert count(engine, ErasureReceipt) == 2  # every run is on record
