"""Database engine, sessions, column types, Alembic migrations, the bulk writer and LIKE patterns.

SQLite (default, one machine) runs with WAL, foreign keys and immediate write transactions;
PostgreSQL (several replicas) runs through psycopg 3. Every table belongs to SQLModel.metadata;
`provider.db.registry.load_all_models` imports the model modules every package's manifest names, so
metadata is complete. Bulk paths write through `provider.db.bulk` (COPY on PostgreSQL, batched
executemany on SQLite).
"""

from provider.db.engine import make_engine
from provider.db.session import SessionDep, get_session, session_scope
from provider.db.types import UTCDateTime, utc_field

__all__ = ["SessionDep", "UTCDateTime", "get_session", "make_engine", "session_scope", "utc_field"]
