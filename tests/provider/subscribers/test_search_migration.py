"""Migration 0006 fills the name-word index for subscribers that existed before it, on each backend."""

from __future__ import annotations

import importlib
from datetime import UTC, datetime

from sqlalchemy import Engine, text
from sqlalchemy.engine import make_url

from provider.db.engine import make_engine
from provider.db.migrate import upgrade_engine
from provider.subscribers.search import name_key

BEFORE = "0005_breach_notices"
# Alembic loads the script under a name of its own, so its batch size is read, not patched: one batch
# more than it, so the keyset walk from batch to batch is exercised.
BACKFILL_BATCH = importlib.import_module("provider.db.migrations.versions.0006_subscriber_search").BACKFILL_BATCH
NAMES = ["Ann Smith-Jones", "Widgets Ltd", "!!!"] + [f"Person {i}" for i in range(BACKFILL_BATCH)]


def _seed_before_migration(engine: Engine) -> None:
    upgrade_engine(engine, BEFORE)
    now = datetime(2026, 3, 10, 12, 0, tzinfo=UTC).isoformat()
    rows = [
        {"id": index, "name": name, "ref": f"OLD-{index}", "key": name_key(name), "now": now}
        for index, name in enumerate(NAMES, start=1)
    ]
    with engine.begin() as connection:
        connection.execute(
            text(
                "INSERT INTO subscriber (id, kind, name, address, email, phone, account_reference, name_key, "
                "created_at, updated_at) VALUES (:id, 'individual', :name, 'somewhere', '', '', :ref, :key, :now, :now)"
            ),
            rows,
        )


def _check_backfill(engine: Engine) -> None:
    _seed_before_migration(engine)
    upgrade_engine(engine)
    with engine.connect() as connection:
        rows = connection.execute(
            text("SELECT subscriber_id, word, name_key FROM subscriber_name_word ORDER BY subscriber_id, word")
        ).all()
    assert [tuple(row) for row in rows if row[0] <= 2] == [
        (1, "jones", "ann smithjones"),
        (1, "smith", "ann smithjones"),
        (1, "smithjones", "ann smithjones"),
        (2, "ltd", "widgets ltd"),
    ]
    assert not [row for row in rows if row[0] == 3]  # a name with no letters has no words
    assert {row[0] for row in rows} == set(range(1, len(NAMES) + 1)) - {3}
    assert len(rows) == 4 + BACKFILL_BATCH  # "Person 17" is found by "17" from the word table


def test_upgrading_a_sqlite_database_indexes_existing_names(tmp_path):
    engine = make_engine(f"sqlite:///{tmp_path / 'old.db'}")
    try:
        _check_backfill(engine)
        with engine.connect() as connection:
            sql = connection.execute(text("SELECT sql FROM sqlite_master WHERE name = 'subscriber_name_word'")).scalar()
        assert "WITHOUT ROWID" in sql  # building the index after the rows did not rebuild the table
    finally:
        engine.dispose()


def test_upgrading_a_postgresql_database_indexes_existing_names(postgres_engine):
    url = make_url(postgres_engine.url.render_as_string(hide_password=False))
    admin = make_engine(url.render_as_string(hide_password=False), isolation_level="AUTOCOMMIT")
    name = f"{url.database}_search_migration"
    with admin.connect() as connection:
        connection.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        connection.execute(text(f'CREATE DATABASE "{name}"'))
    engine = make_engine(url.set(database=name).render_as_string(hide_password=False))
    try:
        _check_backfill(engine)
    finally:
        engine.dispose()
        with admin.connect() as connection:
            connection.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()


def test_on_a_postgresql_database_with_a_language_collation_pages_follow_python_order(postgres_engine, clock):
    """Under en-GB "ł" sorts beside "l"; Python (and so the merge of a page) puts it after "z". The keys'
    own "C" collation keeps both in step, so walking the pages shows every subscriber once."""
    from sqlmodel import Session

    from provider.subscribers import listing, service
    from provider.subscribers.models import SubscriberCreate
    from tests.provider.subscribers.conftest import ACTOR

    url = make_url(postgres_engine.url.render_as_string(hide_password=False))
    admin = make_engine(url.render_as_string(hide_password=False), isolation_level="AUTOCOMMIT")
    name = f"{url.database}_icu"
    with admin.connect() as connection:
        connection.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        connection.execute(
            text(f"CREATE DATABASE \"{name}\" TEMPLATE template0 LOCALE_PROVIDER icu ICU_LOCALE 'en-GB'")
        )
    engine = make_engine(url.set(database=name).render_as_string(hide_password=False))
    try:
        upgrade_engine(engine)
        with engine.connect() as connection:
            collations = connection.execute(
                text(
                    "SELECT table_name, column_name, collation_name FROM information_schema.columns "
                    "WHERE column_name IN ('name_key', 'word') AND table_name LIKE 'subscriber%' "
                    "ORDER BY table_name, column_name"
                )
            ).all()
        assert [tuple(row) for row in collations] == [
            ("subscriber", "name_key", "C"),
            ("subscriber_name_word", "name_key", "C"),
            ("subscriber_name_word", "word", "C"),
        ]
        people = ["Łucja Adams", "Mary Łukasz", "Nora Łukasz", "Lucy Łukasz", "Zed Łukasz"]
        with Session(engine, expire_on_commit=False) as session:
            for index, person in enumerate(people):
                service.create_subscriber(
                    session,
                    actor=ACTOR,
                    now=clock.now(),
                    data=SubscriberCreate(
                        kind="individual", name=person, address="1 Road", account_reference=f"ICU-{index}"
                    ),
                )
            session.commit()
            for query in ("", "łukasz"):
                names, after = [], None
                while True:
                    page = listing.list_subscribers(session, query=query, after=after, limit=2)
                    names += [s.name for s in page.items]
                    if page.next_cursor is None:
                        break
                    after = page.next_cursor
                expected = sorted((p for p in people if not query or "Łukasz" in p), key=name_key)
                assert names == expected, query
    finally:
        engine.dispose()
        with admin.connect() as connection:
            connection.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()
