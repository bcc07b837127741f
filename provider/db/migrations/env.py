"""Alembic environment: runs against a connection handed in by pecr, or builds its own engine."""

from __future__ import annotations

from alembic import context

from provider.db.engine import make_engine
from provider.db.registry import load_all_models

config = context.config
target_metadata = load_all_models().metadata


def _run(connection) -> None:
    context.configure(
        connection=connection,
        target_metadata=target_metadata,
        render_as_batch=connection.dialect.name == "sqlite",
        compare_type=True,
    )
    with context.begin_transaction():
        context.run_migrations()


def run_migrations_online() -> None:
    given = config.attributes.get("connection")
    if given is not None:
        _run(given)
        return
    engine = make_engine(config.get_main_option("sqlalchemy.url"))
    with engine.connect() as connection:
        _run(connection)
        connection.commit()
    engine.dispose()


if context.is_offline_mode():
    raise SystemExit("offline migrations are not supported; run `pecr db upgrade`")
run_migrations_online()
