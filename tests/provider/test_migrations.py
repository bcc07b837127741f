"""The Alembic migrations build exactly the schema the models describe, on each backend."""

from __future__ import annotations

from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlalchemy import text

from provider.db.engine import make_engine
from provider.db.migrate import upgrade_engine
from provider.db.registry import load_all_models


def _differences(engine) -> list:
    upgrade_engine(engine)
    with engine.connect() as connection:
        context = MigrationContext.configure(connection, opts={"compare_type": True})
        return compare_metadata(context, load_all_models().metadata)


def test_migrations_match_models_on_sqlite(tmp_path):
    engine = make_engine(f"sqlite:///{tmp_path / 'migrated.db'}")
    assert _differences(engine) == []
    with engine.connect() as connection:
        assert connection.execute(text("SELECT last_hash FROM audit_head")).scalar_one() == "0" * 64


def test_migrations_match_models_on_postgresql(postgres_engine):
    from sqlalchemy.engine import make_url

    url = make_url(postgres_engine.url.render_as_string(hide_password=False))
    admin = make_engine(url.render_as_string(hide_password=False), isolation_level="AUTOCOMMIT")
    name = f"{url.database}_migrations"
    with admin.connect() as connection:
        connection.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        connection.execute(text(f'CREATE DATABASE "{name}"'))
    engine = make_engine(url.set(database=name).render_as_string(hide_password=False))
    try:
        assert _differences(engine) == []
    finally:
        engine.dispose()
        with admin.connect() as connection:
            connection.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()
