"""Shared fixtures: a real database per test (SQLite always, PostgreSQL when configured), a frozen
clock, the app, and clients signed in as each role.

PostgreSQL runs when PECR_TEST_POSTGRES_URL is set; with CI=true a missing URL is an error, never a skip.
"""

from __future__ import annotations

import os
import re
import shutil
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import Engine, text
from sqlalchemy.engine import make_url
from sqlmodel import Session

from provider.clock import FrozenClock
from provider.db.engine import make_engine
from provider.db.registry import load_all_models
from provider.security import accounts, tokens
from provider.security.actor import system_actor
from provider.security.audit import GENESIS_HASH
from provider.security.models import AuditHead, User
from provider.security.roles import Role
from provider.settings import Settings
from provider.web.app import create_app

POSTGRES_URL = os.environ.get("PECR_TEST_POSTGRES_URL")
IN_CI = os.environ.get("CI", "").lower() == "true"
TEST_PASSWORD = "correct horse battery staple"
START = datetime(2026, 3, 10, 12, 0, tzinfo=UTC)
TESTER = system_actor("tests")


@pytest.fixture(autouse=True)
def key_store(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Path]:
    """Each test's own key store (PECR_KEY_STORE), so no test writes keys into the working directory and
    none reads another's."""
    from provider.settings import get_settings

    path = tmp_path / "keys"
    monkeypatch.setenv("PECR_KEY_STORE", str(path))
    get_settings.cache_clear()
    yield path
    get_settings.cache_clear()


def pytest_configure(config: pytest.Config) -> None:
    if IN_CI and not POSTGRES_URL:
        raise pytest.UsageError("CI=true but PECR_TEST_POSTGRES_URL is not set: PostgreSQL tests must run in CI")


def _create_schema(engine: Engine) -> None:
    load_all_models().metadata.create_all(engine)
    with Session(engine) as session:
        session.add(AuditHead(id=1, last_event_id=0, last_hash=GENESIS_HASH))
        session.commit()


@pytest.fixture(scope="session")
def sqlite_template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("template") / "template.db"
    engine = make_engine(f"sqlite:///{path}")
    _create_schema(engine)
    engine.dispose()  # the last connection to close checkpoints the WAL into the file
    return path


def _worker_database_url(worker_id: str) -> str:
    base = make_url(POSTGRES_URL)
    # The process id keeps concurrent test runs on one server out of each other's databases.
    name = f"pecr_test_{re.sub(r'[^a-z0-9]', '', worker_id.lower()) or 'main'}_{os.getpid()}"
    admin = make_engine(base.render_as_string(hide_password=False), isolation_level="AUTOCOMMIT")
    with admin.connect() as connection:
        connection.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        connection.execute(text(f'CREATE DATABASE "{name}"'))
    admin.dispose()
    return base.set(database=name).render_as_string(hide_password=False)


@pytest.fixture(scope="session")
def postgres_engine(worker_id: str) -> Iterator[Engine]:
    if not POSTGRES_URL:
        pytest.skip("PostgreSQL tests skipped: set PECR_TEST_POSTGRES_URL (CI sets it) to run them")
    url = _worker_database_url(worker_id)
    engine = make_engine(url)
    _create_schema(engine)
    yield engine
    engine.dispose()
    admin = make_engine(POSTGRES_URL, isolation_level="AUTOCOMMIT")
    with admin.connect() as connection:
        connection.execute(text(f'DROP DATABASE IF EXISTS "{make_url(url).database}" WITH (FORCE)'))
    admin.dispose()


def _truncate(engine: Engine) -> None:
    tables = ", ".join(f'"{t.name}"' for t in load_all_models().metadata.sorted_tables)
    with engine.begin() as connection:
        connection.execute(text(f"TRUNCATE {tables} RESTART IDENTITY CASCADE"))
        connection.execute(
            text("INSERT INTO audit_head (id, last_event_id, last_hash) VALUES (1, 0, :h)"), {"h": GENESIS_HASH}
        )


@pytest.fixture(params=["sqlite", pytest.param("postgresql", marks=pytest.mark.postgres)])
def engine(request: pytest.FixtureRequest, tmp_path: Path, sqlite_template: Path) -> Iterator[Engine]:
    if request.param == "sqlite":
        path = tmp_path / "pecr.db"
        shutil.copyfile(sqlite_template, path)
        engine = make_engine(f"sqlite:///{path}")
        yield engine
        engine.dispose()
        return
    engine = request.getfixturevalue("postgres_engine")
    yield engine
    _truncate(engine)


@pytest.fixture
def sqlite_engine(tmp_path: Path, sqlite_template: Path) -> Iterator[Engine]:
    """For tests whose subject is not the database (no need to run them twice)."""
    path = tmp_path / "pecr.db"
    shutil.copyfile(sqlite_template, path)
    engine = make_engine(f"sqlite:///{path}")
    yield engine
    engine.dispose()


@pytest.fixture
def clock() -> FrozenClock:
    return FrozenClock(START)


@pytest.fixture
def session(engine: Engine) -> Iterator[Session]:
    with Session(engine, expire_on_commit=False) as session:
        yield session


@pytest.fixture
def settings(engine: Engine) -> Settings:
    return Settings(
        env="test",
        database_url=engine.url.render_as_string(hide_password=False),
        secret_key="test-secret-key-for-pecr",
        master_key="test-master-key-for-pecr",
    )


@pytest.fixture
def app(settings: Settings, clock: FrozenClock, engine: Engine):
    return create_app(settings=settings, clock=clock, engine=engine)


@pytest.fixture
def client(app) -> Iterator[TestClient]:
    with TestClient(app, base_url="http://testserver", follow_redirects=False) as test_client:
        yield test_client


def make_user(engine: Engine, clock: FrozenClock, role: Role | str, username: str | None = None) -> User:
    with Session(engine, expire_on_commit=False) as session:
        user = accounts.create_user(
            session,
            actor=TESTER,
            now=clock.now(),
            username=username or f"{role}-user",
            password=TEST_PASSWORD,
            role=role,
        )
        session.commit()
        return user


def csrf_from(html: str) -> str:
    match = re.search(r'name="csrf_token" value="([^"]+)"', html)
    assert match, "page carries no CSRF token"
    return match.group(1)


def sign_in(test_client: TestClient, username: str, password: str = TEST_PASSWORD) -> TestClient:
    page = test_client.get("/login")
    response = test_client.post(
        "/login", data={"username": username, "password": password, "csrf_token": csrf_from(page.text)}
    )
    assert response.status_code == 303, response.text
    return test_client


@pytest.fixture
def signed_in(app, engine: Engine, clock: FrozenClock):
    """signed_in(role) -> a TestClient with a web session for a new user of that role."""
    opened: list[TestClient] = []

    def _open(role: Role | str, username: str | None = None) -> TestClient:
        user = make_user(engine, clock, role, username)
        test_client = TestClient(app, base_url="http://testserver", follow_redirects=False)
        opened.append(test_client)
        return sign_in(test_client, user.username)

    yield _open
    for test_client in opened:
        test_client.close()


@pytest.fixture
def api_client(app, engine: Engine, clock: FrozenClock):
    """api_client(role, scopes=None) -> a TestClient sending a bearer token for a new user of that role."""
    opened: list[TestClient] = []

    def _open(role: Role | str, scopes: list[str] | None = None, username: str | None = None) -> TestClient:
        user = make_user(engine, clock, role, username or f"{role}-api-{len(opened)}")
        with Session(engine, expire_on_commit=False) as session:
            _token, secret = tokens.create_token(
                session, actor=TESTER, now=clock.now(), user=user, name="tests", scopes=scopes
            )
            session.commit()
        test_client = TestClient(
            app, base_url="http://testserver", follow_redirects=False, headers={"Authorization": f"Bearer {secret}"}
        )
        opened.append(test_client)
        return test_client

    yield _open
    for test_client in opened:
        test_client.close()
