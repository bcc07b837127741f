"""CSV import: every row checked first, all or nothing, set-based batches, one audit event."""

from __future__ import annotations

import hashlib
import json

from sqlalchemy import event, func
from sqlmodel import Session, select

from provider.security.models import AuditEvent
from provider.subscribers import bulk, service
from provider.subscribers.models import Line, Subscriber, SubscriberCreate
from tests.provider.subscribers.conftest import ACTOR

HEADER = "account_reference,kind,name,address,email,phone,line_number,line_service\n"
GOOD = HEADER + (
    'ACC-1,individual,Ann Example,"1 High Street, Leeds LS1 1AA",ann@example.com,,07700 900001,mobile\n'
    'ACC-2,corporate,Widgets Ltd,"Unit 4, Mill Lane,\nBristol BS1 2AB",,020 7946 0001,020 7946 0002,fixed\n'
    'ACC-1,individual,Ann Example,"1 High Street, Leeds LS1 1AA",ann@example.com,,0113 496 0001,broadband\n'
    "ACC-3,individual,Cal Example,3 Park Road,,,,\n"
    'ACC-2,corporate,Widgets Ltd,"Unit 4, Mill Lane,\nBristol BS1 2AB",,020 7946 0001,+33 1 23 45 67 89,voip\n'
)


def _file(tmp_path, text, name="subscribers.csv", encoding="utf-8"):
    path = tmp_path / name
    path.write_bytes(text.encode(encoding))
    return path


def _import(engine, clock, path, batch_size=bulk.BATCH_SIZE):
    with Session(engine, expire_on_commit=False) as session:
        report = bulk.import_file(session, actor=ACTOR, now=clock.now(), path=path, batch_size=batch_size)
        session.commit()
    return report


def _count(engine, model):
    with Session(engine) as session:
        return session.exec(select(func.count()).select_from(model)).one()


def test_a_good_file_is_written_in_batches_with_lines_under_the_right_subscriber(engine, clock, tmp_path):
    path = _file(tmp_path, "\ufeff" + GOOD)  # a spreadsheet's byte-order mark
    report = _import(engine, clock, path, batch_size=2)
    assert report.ok, report.errors
    assert (report.rows, report.subscribers, report.lines) == (5, 3, 4)
    assert report.batches >= 3
    with Session(engine) as session:
        by_reference = {s.account_reference: s for s in session.exec(select(Subscriber))}
        numbers = {
            s: sorted(line.number for line in service.lines_of(session, by_reference[s].id)) for s in by_reference
        }
    assert numbers == {
        "ACC-1": ["+441134960001", "+447700900001"],
        "ACC-2": ["+33123456789", "+442079460002"],
        "ACC-3": [],
    }
    assert by_reference["ACC-2"].address == "Unit 4, Mill Lane,\nBristol BS1 2AB"
    assert by_reference["ACC-2"].phone == "+442079460001"
    assert by_reference["ACC-1"].name_key == "ann example"
    assert by_reference["ACC-1"].created_at == clock.now()


def test_rows_are_inserted_set_based_not_one_statement_per_row(sqlite_engine, clock, tmp_path):
    rows = "".join(f"R-{i},individual,Person {i},{i} High Street,,,07700 900{i:03d},mobile\n" for i in range(300))
    inserts: list[bool] = []

    def remember(_conn, _cursor, statement, _parameters, _context, executemany):
        if statement.startswith("INSERT INTO subscriber ("):
            inserts.append(executemany)

    event.listen(sqlite_engine, "before_cursor_execute", remember)
    report = _import(sqlite_engine, clock, _file(tmp_path, HEADER + rows), batch_size=100)
    event.remove(sqlite_engine, "before_cursor_execute", remember)
    assert report.ok and report.subscribers == 300 and report.lines == 300
    assert 3 <= len(inserts) <= 8 and all(inserts)


def test_one_bad_row_writes_nothing_and_every_bad_row_is_named(engine, clock, tmp_path):
    text = GOOD + (
        "ACC-4,individual,Dee Example,4 Elm Close,,,0770 12,mobile\n"  # line 9 (two addresses above
        "ACC-5,alien,Eve Example,5 Oak Way,not-an-email,,,\n"  # line 10 span two lines each)
        "ACC-6,individual,,6 Ash Road,,,07700 900006,fax\n"  # line 11
    )
    report = _import(engine, clock, _file(tmp_path, text))
    assert not report.ok
    messages = [str(error) for error in report.errors]
    assert "line 9: line_number: not a valid UK number" in messages
    assert any(m.startswith("line 10: kind:") for m in messages)
    assert "line 10: email: not a valid e-mail address" in messages
    assert any(m.startswith("line 11: name:") for m in messages)
    assert any(m.startswith("line 11: line_service:") for m in messages)
    assert report.bad_rows == 3
    assert _count(engine, Subscriber) == 0 and _count(engine, Line) == 0
    with Session(engine) as session:
        assert session.exec(select(AuditEvent)).all() == []


def test_the_file_is_checked_against_itself(engine, clock, tmp_path):
    text = HEADER + (
        "ACC-1,individual,Ann Example,1 High Street,,,07700 900001,mobile\n"
        "ACC-1,individual,Ann Different,1 High Street,,,07700 900002,mobile\n"
        "ACC-2,individual,Bob Example,2 High Street,,,+447700900001,mobile\n"
        "ACC-3,individual,Cal Example,3 High Street,,,,mobile\n"
    )
    messages = [str(e) for e in _import(engine, clock, _file(tmp_path, text)).errors]
    assert messages == [
        "line 3: account_reference: the subscriber columns differ from line 2 with the same reference",
        "line 4: line_number: the same number is on line 2",
        "line 5: line_number: required when line_service is given",
    ]


def test_existing_references_and_numbers_are_bad_rows_not_updates(engine, clock, tmp_path, add_subscriber):
    existing = add_subscriber("ACC-2", name="Already Here", lines=[("07700 900001", "mobile")])
    report = _import(engine, clock, _file(tmp_path, GOOD))
    messages = [str(e) for e in report.errors]
    assert f"line 2: line_number: already a line of subscriber {existing.id}" in messages
    assert f"line 3: account_reference: already exists (subscriber {existing.id}); the import only creates" in messages
    assert report.bad_rows == 2 and report.rows == 5
    assert _count(engine, Subscriber) == 1


def test_header_and_shape_problems_are_reported(engine, clock, tmp_path):
    missing = _import(engine, clock, _file(tmp_path, "account_reference,name,colour\nA,B,C\n"))
    assert [str(e) for e in missing.errors] == [
        "line 1: header: missing columns: kind, address",
        "line 1: header: unknown columns: colour (known: account_reference, kind, name, address, email, phone, "
        "line_number, line_service)",
    ]
    ragged = _import(
        engine, clock, _file(tmp_path, HEADER + "A,individual,N,Addr,,,,,extra\nB,individual\n", name="ragged.csv")
    )
    assert [str(e) for e in ragged.errors] == ["line 2: row: expected 8 columns", "line 3: row: expected 8 columns"]
    latin = _import(
        engine, clock, _file(tmp_path, HEADER + "A,individual,Zoë,Addr,,,,\n", name="latin.csv", encoding="latin-1")
    )
    assert [str(e) for e in latin.errors] == ["line 2: file: not UTF-8 text"]


def test_one_audit_event_names_the_file_its_hash_and_counts(engine, clock, tmp_path):
    path = _file(tmp_path, GOOD)
    _import(engine, clock, path)
    with Session(engine) as session:
        events = session.exec(select(AuditEvent)).all()
    assert [e.action for e in events] == ["subscribers.imported"]
    after = json.loads(events[0].after)
    assert after == {
        "file": "subscribers.csv",
        "sha256": hashlib.sha256(path.read_bytes()).hexdigest(),
        "rows": 5,
        "subscribers": 3,
        "lines": 4,
    }


def test_after_an_import_new_subscribers_get_fresh_ids(engine, clock, tmp_path):
    _import(engine, clock, _file(tmp_path, GOOD))
    with Session(engine) as session:
        created = service.create_subscriber(
            session,
            actor=ACTOR,
            now=clock.now(),
            data=SubscriberCreate(
                kind="individual",
                name="After Import",
                address="9 Road",
                account_reference="ACC-9",
                lines=[{"number": "07700 900099", "service": "mobile"}],
            ),
        )
        session.commit()
        assert created.id == 4


def test_bulk_rows_store_times_exactly_as_the_orm_does(sqlite_engine, clock, tmp_path, monkeypatch):
    """SQLite compares times as text: a bulk row in another format would sort wrongly against ORM rows."""
    from sqlalchemy import text

    with Session(sqlite_engine) as session:
        service.create_subscriber(
            session,
            actor=ACTOR,
            now=clock.now(),
            data=SubscriberCreate(kind="individual", name="Orm Row", address="1 Road", account_reference="ORM-1"),
        )
        session.commit()
    _import(sqlite_engine, clock, _file(tmp_path, GOOD))
    with Session(sqlite_engine) as session:
        stored = set(session.execute(text("SELECT created_at FROM subscriber")).scalars())
    assert len(stored) == 1


def test_every_bad_row_of_a_file_with_more_than_a_thousand_is_reported_in_file_order(
    sqlite_engine, clock, tmp_path, monkeypatch
):
    """Reports used to stop at 1,000: now every bad row is read back from a spool that goes to disk."""
    monkeypatch.setattr("provider.error_spool.SPOOL_MEMORY_BYTES", 4096)  # on disk well before the end
    rows = "".join(f"B-{i},alien,Bad {i},{i} Road,,,,\n" for i in range(1, 1501))
    report = _import(sqlite_engine, clock, _file(tmp_path, HEADER + "A-0,individual,Ann,1 Road,,,,\n" + rows))
    assert (report.bad_rows, report.error_count, report.rows) == (1500, 1500, 1501)
    assert len(report.errors) == bulk.SHOWN == 1000  # held in memory for a console
    assert report._spool._file._rolled  # the rest of them are on disk, not in memory
    every = list(report.every_error())
    assert [error.line for error in every] == list(range(3, 1503))
    assert {error.column for error in every} == {"kind"} and every[-1].line == 1502
    report.close()
    assert _count(sqlite_engine, Subscriber) == 0


def test_more_than_a_thousand_rows_already_in_the_database_are_each_reported(engine, clock, tmp_path):
    """The database check's errors too: two per row (the reference and the number), in file order."""
    numbers = [f"07700 900{i:03d}" if i < 1000 else f"0113 496 0{i - 1000:03d}" for i in range(1200)]  # drama ranges
    path = _file(
        tmp_path, HEADER + "".join(f"A-{i},individual,Ann {i},1 Road,,,{n},mobile\n" for i, n in enumerate(numbers))
    )
    assert _import(engine, clock, path).ok
    report = _import(engine, clock, path)
    assert (report.bad_rows, report.error_count) == (1200, 2400)
    every = list(report.every_error())
    assert [error.line for error in every] == [line for line in range(2, 1202) for _ in range(2)]
    assert [error.column for error in every[:2]] == ["account_reference", "line_number"]
    assert every[-1].reason.startswith("already a line of subscriber")
