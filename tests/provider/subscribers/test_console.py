"""`pecr subscribers import` and `pecr demo`: exit codes, messages, and nothing written on a bad file."""

from __future__ import annotations

import pytest
from sqlalchemy import func
from sqlmodel import Session, select
from typer.testing import CliRunner

from provider.console import context
from provider.console.main import app
from provider.subscribers.models import Subscriber

HEADER = "account_reference,kind,name,address,email,phone,line_number,line_service\n"


@pytest.fixture
def pecr(monkeypatch, sqlite_engine, clock):
    monkeypatch.setattr(context, "engine", lambda: sqlite_engine)
    monkeypatch.setattr(context, "clock", lambda: clock)
    runner = CliRunner()
    return lambda *args: runner.invoke(app, list(args))


def _subscribers(engine):
    with Session(engine) as session:
        return session.exec(select(func.count()).select_from(Subscriber)).one()


def test_import_of_a_good_file(pecr, sqlite_engine, tmp_path):
    path = tmp_path / "good.csv"
    path.write_text(HEADER + "A-1,individual,Ann,1 Road,,,07700 900001,mobile\nA-2,corporate,B Ltd,2 Road,,,,\n")
    result = pecr("subscribers", "import", str(path))
    assert result.exit_code == 0, result.output
    assert "imported 2 subscribers and 1 lines" in result.output
    assert _subscribers(sqlite_engine) == 2


def test_import_of_a_bad_file_names_the_line_and_writes_nothing(pecr, sqlite_engine, tmp_path):
    path = tmp_path / "bad.csv"
    path.write_text(
        HEADER
        + "A-1,individual,Ann,1 Road,,,07700 900001,mobile\n"
        + "".join(f"B-{i},individual,Bad,1 Road,,,0770,mobile\n" for i in range(1, 16))
        + "A-17,individual,Zed,1 Road,,,12345,mobile\n"
    )
    result = pecr("subscribers", "import", str(path))
    assert result.exit_code == 1
    assert "line 18: line_number: not a valid UK number" in result.output
    assert "16 bad rows of 17: nothing was imported" in result.output
    assert _subscribers(sqlite_engine) == 0


def test_import_help_documents_the_columns(pecr):
    result = pecr("subscribers", "import", "--help")
    for column in ("account_reference", "line_number", "line_service", "individual or corporate"):
        assert column in result.output


def test_demo_command_adds_the_number_asked_for(pecr, sqlite_engine):
    result = pecr("demo", "--subscribers", "25")
    assert result.exit_code == 0, result.output
    assert _subscribers(sqlite_engine) == 25
    assert pecr("demo", "--subscribers", "10").exit_code == 0
    assert _subscribers(sqlite_engine) == 35
