"""Name search by the start of any word of the name: index rows kept in step on every write path,
keyset pages in (name_key, id) order with each subscriber once, multi-word queries, erasure."""

from __future__ import annotations

import random

import pytest
from sqlalchemy import delete, text
from sqlmodel import Session, select

from provider.subscribers import bulk, demo, listing, service
from provider.subscribers.models import Subscriber, SubscriberNameWord, SubscriberUpdate
from provider.subscribers.search import indexed_words, name_key, name_words, query_words
from tests.provider.subscribers.conftest import ACTOR

# Names chosen so that a whole-name prefix search, a substring search and a search that lets one
# query word stand for another each give a different answer from a word-prefix search.
NAMES = [
    "John Smith",
    "Jane Smith",
    "Smith & Jones Ltd",
    "Blacksmith Ann",
    "Johnny Smithers",
    "Sam Smith",
    "Samantha Smith-Jones",
    "Bowes-Lyon Estates",
    "Zoë O'Brien",
    "John Brown",
    "Sophie Saunders",
    "Smith John",
    "Acme Holdings Ltd",
    "Jones Smith & Sons",
    "Sam Sam",
]


def _load(add_subscriber):
    return [add_subscriber(f"ACC-{index:03d}", name=name) for index, name in enumerate(NAMES)]


def _expected(subscribers, query):
    """The rule in plain Python: every query word begins some word of the name."""
    wanted = name_key(query).split()
    found = [s for s in subscribers if all(any(w.startswith(q) for w in name_words(s.name)) for q in wanted)]
    return [s.id for s in sorted(found, key=lambda s: (s.name_key, s.id))]


def _walk(session, query, limit):
    ids, after = [], None
    while True:
        page = listing.list_subscribers(session, query=query, after=after, limit=limit)
        ids += [s.id for s in page.items]
        if page.next_cursor is None:
            return ids
        after = page.next_cursor


def _names(session, query):
    return [s.name for s in listing.list_subscribers(session, query=query, limit=100).items]


# --- the pure rules ------------------------------------------------------------------------------


def test_a_name_is_indexed_under_each_word_and_each_part_of_a_joined_word():
    assert name_words("Zoë O'Brien-Smith") == ["obrien", "obriensmith", "smith", "zoe"]
    assert name_words("Smith & Jones Ltd") == ["jones", "ltd", "smith"]
    assert name_words("A.B. Consulting") == ["a", "ab", "b", "consulting"]
    assert name_words("O\u2019Neill") == ["oneill"]  # an apostrophe joins: never "o" and "neill"
    assert name_words("!!!") == []


def test_the_word_table_holds_only_words_the_key_index_cannot_find():
    # The first word, and any word it begins with, is found through the name key's own index.
    assert indexed_words("Zoë O'Brien-Smith") == ["obrien", "obriensmith", "smith"]
    assert indexed_words("Smith-Jones Smith") == ["jones"]
    assert indexed_words("Sam Sam") == [] and indexed_words("Ann") == []


def test_query_words_drop_a_word_that_begins_another_and_put_the_longest_first():
    assert query_words("smi Smith") == ["smith"]
    assert query_words("j smith") == ["smith", "j"]
    assert query_words("  %% ") == []


# --- searching -----------------------------------------------------------------------------------


def test_a_surname_finds_people_whose_name_starts_with_another_word(session, add_subscriber):
    _load(add_subscriber)
    names = _names(session, "smith")
    assert "John Smith" in names and "Jane Smith" in names and "Samantha Smith-Jones" in names
    assert "Blacksmith Ann" not in names  # a word must start with the query, not merely contain it
    assert "Johnny Smithers" in names  # "smith" begins "smithers"


def test_any_word_of_a_company_name_finds_it(session, add_subscriber):
    _load(add_subscriber)
    assert _names(session, "holdings") == ["Acme Holdings Ltd"]
    assert _names(session, "lyon") == ["Bowes-Lyon Estates"]
    assert _names(session, "obrien") == ["Zoë O'Brien"]


def test_every_query_word_must_begin_some_word_of_the_name_in_any_order(session, add_subscriber):
    subscribers = _load(add_subscriber)
    forwards, backwards = _names(session, "john smi"), _names(session, "Smi John")
    assert forwards == backwards == ["John Smith", "Johnny Smithers", "Smith John"]
    assert "Jane Smith" not in forwards and "John Brown" not in forwards
    for query in ("smith", "s", "sam s", "jo", "smith jones", "ltd", "o", "qqq", "sam sam"):
        assert [s.id for s in listing.list_subscribers(session, query=query, limit=100).items] == _expected(
            subscribers, query
        ), query


@pytest.mark.parametrize("limit", [1, 2, 3])
def test_paging_a_word_search_returns_each_subscriber_once_in_name_order(session, add_subscriber, limit):
    # "Sam Smith" and "Sophie Saunders" have two words beginning with "s"; "Sam Sam" has one word twice.
    subscribers = _load(add_subscriber) + [add_subscriber(f"TIE-{i}", name="Sam Smith") for i in range(3)]
    assert _walk(session, "s", limit) == _expected(subscribers, "s")
    assert _walk(session, "sm", limit) == _expected(subscribers, "sm")


@pytest.mark.parametrize("query", ["s", "smith", "sam s"])
def test_walking_back_from_the_last_page_gives_the_same_subscribers(session, add_subscriber, query):
    subscribers = _load(add_subscriber) + [add_subscriber(f"TIE-{i}", name="Sam Smith") for i in range(3)]
    page = listing.list_subscribers(session, query=query, limit=2)
    while page.next_cursor is not None:
        page = listing.list_subscribers(session, query=query, after=page.next_cursor, limit=2)
    walked = [s.id for s in page.items]
    while page.previous_cursor is not None:
        page = listing.list_subscribers(session, query=query, before=page.previous_cursor, limit=2)
        walked = [s.id for s in page.items] + walked
    assert walked == _expected(subscribers, query)


def test_previous_page_of_a_word_search_returns_the_page_before(session, add_subscriber):
    subscribers = _load(add_subscriber)
    expected = _expected(subscribers, "s")
    first = listing.list_subscribers(session, query="s", limit=3)
    second = listing.list_subscribers(session, query="s", after=first.next_cursor, limit=3)
    back = listing.list_subscribers(session, query="s", before=second.previous_cursor, limit=3)
    assert [s.id for s in second.items] == expected[3:6]
    assert [s.id for s in back.items] == expected[:3] and back.previous_cursor is None


def test_on_sqlite_the_search_reads_index_ranges_and_probes_never_a_scan(sqlite_engine, clock):
    """What keeps it fast at a million rows: the longest word is a range of the name-key index (first
    words) and of the covering word index (later words); every other word a probe by primary key."""
    from sqlalchemy import event

    with Session(sqlite_engine) as writing:
        demo.load_demo(writing, actor=ACTOR, now=clock.now(), count=50)
        writing.commit()
    captured: list[tuple[str, tuple]] = []

    def remember(_connection, _cursor, statement, parameters, *_args):
        if "subscriber_name_word" in statement:
            captured.append((statement, parameters))

    event.listen(sqlite_engine, "before_cursor_execute", remember)
    try:
        with Session(sqlite_engine) as reading:
            listing.list_subscribers(reading, query="oliver smi", limit=3)
    finally:
        event.remove(sqlite_engine, "before_cursor_execute", remember)
    plans = []
    with sqlite_engine.connect() as connection:
        for statement, parameters in captured:
            rows = connection.exec_driver_sql("EXPLAIN QUERY PLAN " + statement, parameters)
            plans.append(" / ".join(row[-1] for row in rows))
    first_words, later_words = plans
    assert "SEARCH subscriber USING COVERING INDEX ix_subscriber_name_key_id (name_key>? AND name_key<?)" in first_words
    assert "TEMP B-TREE" not in first_words  # read in list order: it stops after a page
    assert "USING COVERING INDEX ix_subscriber_name_word_word (word>? AND word<?)" in later_words
    for plan in plans:
        assert "USING PRIMARY KEY (subscriber_id=? AND word>? AND word<?)" in plan, plan
        assert "SCAN" not in plan.replace("SCAN CONSTANT ROW", ""), plan


# --- keeping the index in step -------------------------------------------------------------------


def _words(session, subscriber_id):
    statement = select(SubscriberNameWord.word, SubscriberNameWord.name_key).where(
        SubscriberNameWord.subscriber_id == subscriber_id
    )
    return sorted(session.exec(statement))


def test_renaming_a_subscriber_rewrites_its_words(session, engine, clock, add_subscriber):
    subscriber = add_subscriber("ACC-1", name="Ann Example")
    with Session(engine) as writing:
        service.update_subscriber(
            writing,
            actor=ACTOR,
            now=clock.now(),
            subscriber_id=subscriber.id,
            changes=SubscriberUpdate(name="Ann Smith-Jones"),
        )
        writing.commit()
    assert _words(session, subscriber.id) == [(w, "ann smithjones") for w in ["jones", "smith", "smithjones"]]
    assert _names(session, "example") == [] and _names(session, "jones") == ["Ann Smith-Jones"]


def test_an_update_that_leaves_the_name_alone_keeps_the_words(session, engine, clock, add_subscriber):
    subscriber = add_subscriber("ACC-1", name="Ann Example")
    with Session(engine) as writing:
        service.update_subscriber(
            writing,
            actor=ACTOR,
            now=clock.now(),
            subscriber_id=subscriber.id,
            changes=SubscriberUpdate(address="2 Low Road"),
        )
        writing.commit()
    assert _words(session, subscriber.id) == [("example", "ann example")]


def test_a_bulk_import_indexes_every_name(session, engine, clock, tmp_path):
    path = tmp_path / "people.csv"
    path.write_text(
        "account_reference,kind,name,address\nA-1,individual,Priya Patel,1 Road\n"
        "A-2,corporate,Patel-Khan Traders Ltd,2 Road\nA-3,individual,Tom Jones,3 Road\n",
        encoding="utf-8",
    )
    with Session(engine) as writing:
        report = bulk.import_file(writing, actor=ACTOR, now=clock.now(), path=path, batch_size=2)
        writing.commit()
    assert report.ok
    assert _names(session, "patel") == ["Patel-Khan Traders Ltd", "Priya Patel"]
    assert _names(session, "khan") == ["Patel-Khan Traders Ltd"]


def test_demo_data_is_indexed_exactly_as_the_service_would_index_it(session, engine, clock):
    with Session(engine) as writing:
        written = demo.load_demo(writing, actor=ACTOR, now=clock.now(), count=300, seed=7, batch_size=97)
        writing.commit()
    subscribers = list(session.exec(select(Subscriber)))
    stored = {(row.subscriber_id, row.word, row.name_key) for row in session.exec(select(SubscriberNameWord))}
    assert stored == {(s.id, word, s.name_key) for s in subscribers for word in indexed_words(s.name)}
    assert written.words == len(stored)
    surname = random.Random(1).choice([s.name.split()[-1] for s in subscribers if s.kind == "individual"])
    assert _walk(session, surname, 7) == _expected(subscribers, surname)


def _word_indexes(engine):
    from sqlalchemy import inspect

    return [index["name"] for index in inspect(engine).get_indexes("subscriber_name_word")]


def test_a_load_into_an_empty_word_table_builds_the_search_index_at_the_end(engine, clock, add_subscriber):
    with Session(engine) as writing:
        demo.load_demo(writing, actor=ACTOR, now=clock.now(), count=20)
        writing.rollback()  # an abandoned load leaves the index as it was
    assert _word_indexes(engine) == ["ix_subscriber_name_word_word"]
    with Session(engine) as writing:
        demo.load_demo(writing, actor=ACTOR, now=clock.now(), count=20)
        writing.commit()
    assert _word_indexes(engine) == ["ix_subscriber_name_word_word"]
    add_subscriber("LATER-1", name="Late Comer")  # a later load into a filled table keeps the index
    with Session(engine) as writing:
        demo.load_demo(writing, actor=ACTOR, now=clock.now(), count=20)
        writing.commit()
    assert _word_indexes(engine) == ["ix_subscriber_name_word_word"]
    with Session(engine) as reading:
        assert _names(reading, "comer") == ["Late Comer"]


def test_erasing_a_subscriber_erases_its_name_words(session, engine, add_subscriber):
    subscriber = add_subscriber("ACC-1", name="Ann Example")
    assert _words(session, subscriber.id)
    session.rollback()  # end the read: SQLite lets one transaction write at a time
    with Session(engine) as writing:
        writing.execute(delete(Subscriber).where(Subscriber.id == subscriber.id))
        writing.commit()
    assert _words(session, subscriber.id) == []


def test_sqlite_keeps_the_word_table_in_key_order_without_rowids(sqlite_engine):
    with sqlite_engine.connect() as connection:
        sql = connection.execute(text("SELECT sql FROM sqlite_master WHERE name = 'subscriber_name_word'")).scalar()
    assert "WITHOUT ROWID" in sql


def test_postgresql_compares_keys_byte_by_byte_whatever_the_database_collation(engine):
    if engine.dialect.name != "postgresql":
        pytest.skip("SQLite always compares text byte by byte")
    with engine.connect() as connection:
        collations = set(
            connection.execute(
                text(
                    "SELECT table_name, column_name, collation_name FROM information_schema.columns "
                    "WHERE column_name IN ('name_key', 'word') AND table_name LIKE 'subscriber%'"
                )
            )
        )
    assert collations == {
        ("subscriber", "name_key", "C"),
        ("subscriber_name_word", "name_key", "C"),
        ("subscriber_name_word", "word", "C"),
    }
