"""A scratch PostgreSQL database beside the worker's own, for tests that migrate from an empty database."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

from sqlalchemy import Engine, text
from sqlalchemy.engine import make_url

from provider.db.engine import make_engine


@contextmanager
def scratch_postgres(postgres_engine: Engine, suffix: str) -> Iterator[Engine]:
    """An empty database named after the worker's with `suffix`, dropped afterwards."""
    url = make_url(postgres_engine.url.render_as_string(hide_password=False))
    admin = make_engine(url.render_as_string(hide_password=False), isolation_level="AUTOCOMMIT")
    name = f"{url.database}_{suffix}"
    with admin.connect() as connection:
        connection.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        connection.execute(text(f'CREATE DATABASE "{name}"'))
    engine = make_engine(url.set(database=name).render_as_string(hide_password=False))
    try:
        yield engine
    finally:
        engine.dispose()
        with admin.connect() as connection:
            connection.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()
