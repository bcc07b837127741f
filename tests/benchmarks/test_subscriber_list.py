"""The subscriber list at 1,000,000 subscribers, on SQLite and PostgreSQL (slow: PECR_BENCH=1 to run).

    PECR_BENCH=1 PECR_BENCH_SUBSCRIBERS=1000000 \
    PECR_TEST_POSTGRES_URL=postgresql+psycopg://postgres@127.0.0.1:5432/test \
    .venv/bin/pytest -q -s tests/benchmarks/test_subscriber_list.py

PostgreSQL runs in a scratch database (pecr_bench_subscribers) that is dropped afterwards.
Each page must answer within PECR_BENCH_MAX_MS (default 250 ms) at the median.
"""

from __future__ import annotations

import json
import os

import pytest
from sqlalchemy import text
from sqlalchemy.engine import make_url

from provider.db.engine import make_engine
from provider.db.registry import load_all_models
from provider.security.audit import GENESIS_HASH

pytestmark = [
    pytest.mark.slow,
    pytest.mark.skipif(os.environ.get("PECR_BENCH") != "1", reason="benchmark: set PECR_BENCH=1 to run"),
]
COUNT = int(os.environ.get("PECR_BENCH_SUBSCRIBERS", "1000000"))
MAX_MS = float(os.environ.get("PECR_BENCH_MAX_MS", "250"))
SCRATCH = "pecr_bench_subscribers"


def _schema(engine):
    load_all_models().metadata.create_all(engine)
    with engine.begin() as connection:
        connection.execute(
            text("INSERT INTO audit_head (id, last_event_id, last_hash) VALUES (1, 0, :h)"), {"h": GENESIS_HASH}
        )


def _run(engine):
    from provider.subscribers.bench import bench_list

    result = bench_list(engine, COUNT, repeats=20)
    print("\n" + json.dumps(result, indent=2))
    assert result["deep_page_ok"]
    for name, timing in result["pages"].items():
        assert timing["median_ms"] < MAX_MS, f"{name}: {timing}"


def test_subscriber_list_on_sqlite(tmp_path):
    engine = make_engine(f"sqlite:///{tmp_path / 'bench.db'}")
    _schema(engine)
    try:
        _run(engine)
    finally:
        engine.dispose()


def test_subscriber_list_on_postgresql():
    base = os.environ.get("PECR_TEST_POSTGRES_URL")
    if not base:
        pytest.skip("set PECR_TEST_POSTGRES_URL for the PostgreSQL benchmark")
    admin = make_engine(base, isolation_level="AUTOCOMMIT")
    with admin.connect() as connection:
        connection.execute(text(f'DROP DATABASE IF EXISTS "{SCRATCH}" WITH (FORCE)'))
        connection.execute(text(f'CREATE DATABASE "{SCRATCH}"'))
    engine = make_engine(make_url(base).set(database=SCRATCH).render_as_string(hide_password=False))
    try:
        _schema(engine)
        _run(engine)
    finally:
        engine.dispose()
        with admin.connect() as connection:
            connection.execute(text(f'DROP DATABASE IF EXISTS "{SCRATCH}" WITH (FORCE)'))
        admin.dispose()
