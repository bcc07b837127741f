"""Numbering data: the CSV format, ranges as prefixes, all-or-nothing imports that replace their list,
the date of each import shown, and the next decision using the new data."""

from __future__ import annotations

import pytest
from sqlmodel import Session
from typer.testing import CliRunner

from provider.errors import Invalid
from provider.line_identification import numbering, service
from provider.line_identification.models import NumberingList
from provider.line_identification.rules import Call, Origin, Prefixes
from provider.security.actor import system_actor

ACTOR = system_actor("tests")


@pytest.mark.parametrize(
    ("start", "end", "prefixes"),
    [
        ("01632960000", "01632960999", ["01632960"]),
        ("01632960000", "01632961999", ["01632960", "01632961"]),
        ("01632960500", "01632960999", ["016329605", "016329606", "016329607", "016329608", "016329609"]),
        ("01632960998", "01632961001", ["01632960998", "01632960999", "01632961000", "01632961001"]),
        ("0200000000", "0299999999", ["02"]),
        ("01632960123", "01632960123", ["01632960123"]),
    ],
)
def test_a_range_becomes_the_fewest_prefixes(start, end, prefixes):
    assert numbering.range_prefixes(start, end) == prefixes


def test_parse_both_shapes_and_ofcom_status_words():
    parsed = numbering.parse(
        ["prefix,status", "01632960,Allocated", "+441632961,Free", "020 7946,reserved"], NumberingList.allocation
    )
    assert parsed.problems == [] and parsed.prefixes == {"01632960": True, "01632961": False, "0207946": False}
    ranges = numbering.parse(["start,end,status", "01632960000,01632960999,allocated"], NumberingList.allocation)
    assert ranges.prefixes == {"01632960": True}
    dno = numbering.parse(["number", "08001111111"], NumberingList.dno)
    assert dno.prefixes == {"08001111111": True}


def test_parse_names_each_bad_row():
    parsed = numbering.parse(
        ["start,end,status", "0163296,01632960999,allocated", "abc,def,allocated", "01632960000,01632960999,maybe"],
        NumberingList.allocation,
    )
    assert parsed.problems == [
        "line 2: end: must have as many digits as start and not come before it",
        "line 3: start/end: not a UK number in national or +44 form",
        "line 4: status: 'maybe' is neither allocated nor a not-in-use status",
    ]
    assert numbering.parse(["foo,bar"], NumberingList.allocation).problems[0].startswith("line 1: header")


def _decide(engine, clock, number: str):
    call = Call(network_number=number, origin=Origin.uk_interconnect, dialled="02079460002")
    with Session(engine) as session:
        return service.decide_plain(session, prefixes=Prefixes(), now=clock.now(), calls=[call])[0]


def test_an_import_replaces_its_list_and_the_next_decision_uses_it(engine, clock, tmp_path):
    assert not _decide(engine, clock, "+441632960001").blocked  # nothing imported: not checked
    path = tmp_path / "allocation.csv"
    path.write_text("prefix,status\n01632960,allocated\n")
    with Session(engine) as session:
        numbering.import_file(session, actor=ACTOR, now=clock.now(), kind=NumberingList.allocation, path=path)
        session.commit()
    assert not _decide(engine, clock, "+441632960001").blocked
    assert _decide(engine, clock, "+441632970001").blocked  # not allocated
    path.write_text("prefix,status\n01632970,allocated\n")
    dno = tmp_path / "dno.csv"
    dno.write_text("number\n01632970001\n")
    with Session(engine) as session:
        numbering.import_file(session, actor=ACTOR, now=clock.now(), kind=NumberingList.allocation, path=path)
        numbering.import_file(session, actor=ACTOR, now=clock.now(), kind=NumberingList.dno, path=dno)
        session.commit()
    assert _decide(engine, clock, "+441632960001").blocked  # the old list is gone
    assert _decide(engine, clock, "+441632970001").blocked  # DNO
    assert not _decide(engine, clock, "+441632970002").blocked


def test_a_bad_file_writes_nothing(session, clock, tmp_path):
    path = tmp_path / "bad.csv"
    path.write_text("prefix,status\n01632960,allocated\nnope,allocated\n")
    with pytest.raises(Invalid) as raised:
        numbering.import_file(session, actor=ACTOR, now=clock.now(), kind=NumberingList.allocation, path=path)
    assert [e.reason for e in raised.value.errors] == [
        "line 3: prefix: not a UK number or prefix in national or +44 form"
    ]


def test_the_console_command_imports_and_the_page_shows_the_date(tmp_path, monkeypatch, signed_in, engine):
    from provider.console import context
    from provider.console.main import app

    path = tmp_path / "dno.csv"
    path.write_text("number\n08001111111\n")
    monkeypatch.setattr(context, "engine", lambda: engine)
    result = CliRunner().invoke(app, ["numbering", "import", str(path), "--list", "dno"])
    assert result.exit_code == 0, result.output
    page = signed_in("agent").get("/line-identification")
    assert page.status_code == 200 and "dno.csv" in page.text and "Do Not Originate list" in page.text
    assert "10 Mar 2026" in page.text or "2026" in page.text
    bad = tmp_path / "bad.csv"
    bad.write_text("prefix\nxyz\n")
    result = CliRunner().invoke(app, ["numbering", "import", str(bad)])
    assert result.exit_code == 1
