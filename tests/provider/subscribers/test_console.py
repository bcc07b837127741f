"""`pecr subscribers import` and `pecr demo`: exit codes, messages, and nothing written on a bad file."""

from __future__ import annotations

import csv

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


def test_a_header_that_looks_like_markup_is_printed_as_it_is(pecr, tmp_path):
    path = tmp_path / "markup.csv"
    path.write_text("account_reference,kind,name,address,[/red],[bold]\nA-1,individual,Ann,1 Road,x,y\n")
    result = pecr("subscribers", "import", str(path))
    assert result.exit_code == 1, result.output
    assert "unknown columns: [/red], [bold]" in result.output
    assert "bad rows of 0" not in result.output
    assert "the file has no row that could be read: nothing was imported" in result.output


def test_an_over_long_field_is_reported_on_its_own_line(pecr, sqlite_engine, tmp_path):
    path = tmp_path / "long.csv"
    rows = [
        "A-1,individual,Ann,1 Road,,,07700 900001,mobile",
        "A-2,individual,Bob,2 Road,,,07700 900002,mobile",
        f'A-3,individual,"{"x" * 200_000}",3 Road,,,,',
        "A-4,individual,Cy,4 Road,,,,",
    ]
    path.write_text(HEADER + "\n".join(rows) + "\n")
    result = pecr("subscribers", "import", str(path))
    assert result.exit_code == 1
    assert "line 4: file: not readable as CSV (field larger than field limit" in result.output
    assert "1 bad rows of 3: nothing was imported" in result.output
    assert _subscribers(sqlite_engine) == 0


def test_a_name_over_its_limit_names_its_line(pecr, tmp_path):
    path = tmp_path / "name.csv"
    path.write_text(HEADER + "A-1,individual,Ann,1 Road,,,,\n" + f"A-2,individual,{'n' * 201},2 Road,,,,\n")
    result = pecr("subscribers", "import", str(path))
    assert "line 3: name:" in result.output
    assert "1 bad rows of 2: nothing was imported" in result.output


def _bad_file(tmp_path, count):
    path = tmp_path / "many.csv"
    path.write_text(HEADER + "".join(f"B-{i},individual,Bad,1 Road,,,0770,mobile\n" for i in range(count)))
    return path


def test_every_problem_of_more_than_a_thousand_goes_to_the_errors_file_and_the_first_to_the_console(
    pecr, sqlite_engine, tmp_path
):
    path = _bad_file(tmp_path, 1500)
    result = pecr("subscribers", "import", str(path))
    assert result.exit_code == 1
    assert "line 21: line_number: not a valid UK number" in result.output  # the 20th problem
    assert "line 22:" not in result.output
    errors_file = tmp_path / "many.csv.errors.csv"
    assert f"1,500 problems (the first 20 above; every one in {errors_file})" in result.output.replace("\n", "")
    assert "1,500 bad rows of 1,500: nothing was imported" in result.output
    with errors_file.open(newline="") as handle:
        rows = list(csv.reader(handle))
    assert rows[0] == ["line", "column", "reason"] and len(rows) == 1501
    assert rows[-1] == ["1501", "line_number", "not a valid UK number"]
    assert [int(row[0]) for row in rows[1:]] == list(range(2, 1502))
    assert _subscribers(sqlite_engine) == 0


def test_the_errors_option_names_the_file_and_an_unwritable_one_sends_every_problem_to_the_console(pecr, tmp_path):
    path = _bad_file(tmp_path, 30)
    chosen = tmp_path / "problems.csv"
    assert pecr("subscribers", "import", str(path), "--errors", str(chosen)).exit_code == 1
    assert len(chosen.read_text().splitlines()) == 31 and not (tmp_path / "many.csv.errors.csv").exists()
    result = pecr("subscribers", "import", str(path), "--errors", str(tmp_path / "missing" / "problems.csv"))
    assert result.exit_code == 1
    assert "cannot write" in result.output and "line 31: line_number: not a valid UK number" in result.output
