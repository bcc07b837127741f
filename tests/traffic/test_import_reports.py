"""Every bad line of an import is reported with its number, field and reason, however many there are
(reports used to stop at 1,000), while the report's memory stays bounded; no bad line is written."""

from __future__ import annotations

import json

from sqlalchemy import func
from sqlmodel import Session, select

from tests.traffic.conftest import LINE_A
from traffic.models import TrafficRecord
from traffic.report import SHOWN, IngestReport

BAD_LINES = 5000


def bad_batch(count: int = BAD_LINES) -> str:
    """`count` calls on a kind that does not exist, with one good call at the end."""
    row = {"kind": "fax", "direction": "outgoing", "line": LINE_A, "start_at": "2026-03-09T10:00:00Z"}
    lines = [json.dumps({**row, "source_record_id": f"B{i}"}) for i in range(count)]
    lines.append(json.dumps({**row, "kind": "call", "source_record_id": "GOOD"}))
    return "\n".join(lines) + "\n"


def stored(engine) -> int:
    with Session(engine) as session:
        return session.exec(select(func.count()).select_from(TrafficRecord)).one()


def test_a_file_of_5000_bad_lines_reports_every_one_in_bounded_memory(tmp_path, engine, world, import_file):
    path = tmp_path / "bad.ndjson"
    path.write_text(bad_batch())
    report = import_file(path)
    assert (report.lines, report.bad_lines, report.written) == (BAD_LINES + 1, BAD_LINES, 1)
    assert len(report.errors) == SHOWN < BAD_LINES  # what is held in memory for a console to show
    every = list(report.every_error())
    assert [line for line, _reason in every] == list(range(1, BAD_LINES + 1))
    assert all(reason.startswith("kind: must be one of") for _line, reason in every)
    assert stored(engine) == 1  # the good line only


def test_the_spool_reads_back_in_order_and_keeps_taking_lines():
    report = IngestReport()
    for line in range(1, 2 * SHOWN + 1):
        report.bad(line, f'start_at: needs a UTC offset, line {line}, with a comma and "quotes"\nand a break')
    assert [line for line, _ in report.every_error()] == list(range(1, 2 * SHOWN + 1))
    report.bad(99_999, "kind: must be one of call, sms")
    every = list(report.every_error())
    assert every[-1] == (99_999, "kind: must be one of call, sms") and len(every) == 2 * SHOWN + 1
    assert every[0][1].endswith('with a comma and "quotes"\nand a break')
    report.close()
    assert list(report.every_error()) == []


def test_the_api_returns_every_bad_line_of_a_batch_naming_line_and_field(api_client, engine, world):
    client = api_client("compliance_officer", scopes=["traffic:write"])
    response = client.post(
        "/api/v1/traffic/records", content=bad_batch(), headers={"Content-Type": "application/x-ndjson"}
    )
    assert response.status_code == 200, response.text[:500]
    body = response.json()
    assert (body["lines"], body["written"], body["bad_lines"]) == (BAD_LINES + 1, 1, BAD_LINES)
    assert len(body["errors"]) == BAD_LINES
    assert [error["line"] for error in body["errors"]] == list(range(1, BAD_LINES + 1))
    assert {error["field"] for error in body["errors"]} == {"kind"}
    assert body["errors"][0]["reason"].startswith("must be one of")
    assert stored(engine) == 1


def test_a_batch_with_no_bad_line_reports_an_empty_list(api_client, engine, world):
    client = api_client("compliance_officer", scopes=["traffic:write"])
    good = bad_batch(0)
    response = client.post("/api/v1/traffic/records", content=good, headers={"Content-Type": "application/x-ndjson"})
    assert response.status_code == 200 and response.json()["errors"] == [] and response.json()["written"] == 1
