"""Browser tests: the real app behind a real uvicorn on 127.0.0.1, driven by Debian's chromium.

The server runs with the system clock (the browser and pyotp must agree on the time) over a migrated
SQLite file, so these tests also prove the Alembic migrations serve the pages. Chromium is Debian's
package at /usr/bin/chromium: nothing is downloaded. Without it the tests skip, except in CI where a
missing browser is a failure. A failing test leaves a screenshot in test-artifacts/.
"""

from __future__ import annotations

import os
import re
import socket
import threading
import time
import uuid
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest
import uvicorn
from sqlalchemy import Engine
from sqlmodel import Session

from provider.clock import SystemClock
from provider.db.engine import make_engine
from provider.db.migrate import upgrade_engine
from provider.security import accounts
from provider.security.actor import system_actor
from provider.security.models import User
from provider.security.roles import Role
from provider.settings import Settings
from provider.web.app import create_app

CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
ARTIFACTS = Path(__file__).resolve().parents[2] / "test-artifacts"
E2E_PASSWORD = "browser tests password 42"
IN_CI = os.environ.get("CI", "").lower() == "true"
E2E_ACTOR = system_actor("e2e-tests")


@dataclass(frozen=True)
class LiveServer:
    url: str
    engine: Engine
    settings: Settings


def _listening_socket() -> socket.socket:
    """Bind port 0 ourselves and hand the socket to uvicorn, so no other process can take the port."""
    sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    sock.bind(("127.0.0.1", 0))
    sock.listen(128)
    return sock


def _migrations_behind_models(engine: Engine) -> list[str]:
    """Tables and columns the models have but the migrated database lacks (pages would answer 500)."""
    from alembic.autogenerate import compare_metadata
    from alembic.migration import MigrationContext

    from provider.db.registry import load_all_models

    with engine.connect() as connection:
        context = MigrationContext.configure(connection)
        differences = compare_metadata(context, load_all_models().metadata)
    missing = []
    for difference in differences:
        if isinstance(difference, tuple) and difference[0] == "add_table":
            missing.append(f"table {difference[1].name}")
        elif isinstance(difference, tuple) and difference[0] == "add_column":
            missing.append(f"column {difference[2]}.{difference[3].name}")
    return missing


@pytest.fixture(scope="session")
def live_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[LiveServer]:
    path = tmp_path_factory.mktemp("e2e") / "e2e.db"
    settings = Settings(
        env="test",
        database_url=f"sqlite:///{path}",
        # The server's own key store: the autouse per-test store changes with each test, this one must not.
        key_store=str(path.parent / "keys"),
        secret_key="e2e-secret-key-for-pecr",
        master_key="e2e-master-key-for-pecr",
    )
    engine = make_engine(settings.database_url)
    upgrade_engine(engine)
    missing = _migrations_behind_models(engine)
    if missing:
        pytest.fail(
            "the Alembic migrations lag the models, so pages would fail: missing "
            + ", ".join(missing[:8])
            + (" …" if len(missing) > 8 else ""),
            pytrace=False,
        )
    app = create_app(settings=settings, clock=SystemClock(), engine=engine)
    sock = _listening_socket()
    server = uvicorn.Server(uvicorn.Config(app, log_level="warning", lifespan="on"))
    thread = threading.Thread(target=server.run, kwargs={"sockets": [sock]}, daemon=True, name="e2e-uvicorn")
    thread.start()
    deadline = time.monotonic() + 20
    while not server.started:
        if not thread.is_alive() or time.monotonic() > deadline:
            raise RuntimeError("the e2e server did not start")
        time.sleep(0.05)
    host, port = sock.getsockname()[:2]
    yield LiveServer(url=f"http://{host}:{port}", engine=engine, settings=settings)
    server.should_exit = True
    thread.join(timeout=10)
    sock.close()
    engine.dispose()


@pytest.fixture(scope="session")
def browser() -> Iterator[object]:
    if not CHROMIUM.exists():
        message = f"{CHROMIUM} is missing: install Debian's chromium (bash scripts/test.sh does)"
        if IN_CI:
            pytest.fail(message, pytrace=False)
        pytest.skip(message)
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        launched = playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        yield launched
        launched.close()


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_makereport(item: pytest.Item, call: pytest.CallInfo) -> Iterator[None]:
    outcome = yield
    report = outcome.get_result()
    setattr(item, f"report_{report.when}", report)


@pytest.fixture
def page(browser, live_server: LiveServer, request: pytest.FixtureRequest) -> Iterator[object]:
    """A fresh browser context (no cookies) per test, opening pages relative to the live server."""
    context = browser.new_context(base_url=live_server.url, locale="en-GB", timezone_id="Europe/London")
    context.set_default_timeout(10_000)
    new_page = context.new_page()
    yield new_page
    report = getattr(request.node, "report_call", None)
    if report is not None and report.failed:
        ARTIFACTS.mkdir(exist_ok=True)
        name = re.sub(r"[^A-Za-z0-9_.-]+", "_", request.node.nodeid)[-150:]
        new_page.screenshot(path=str(ARTIFACTS / f"{name}.png"), full_page=True)
    context.close()


def unique_username(prefix: str) -> str:
    """One server serves the whole session, so every test makes its own people."""
    return f"{prefix}-{uuid.uuid4().hex[:8]}"


def create_user(
    live_server: LiveServer, role: Role | str, username: str | None = None, password: str = E2E_PASSWORD
) -> User:
    """Create a staff account straight in the live server's database."""
    with Session(live_server.engine, expire_on_commit=False) as session:
        user = accounts.create_user(
            session,
            actor=E2E_ACTOR,
            now=SystemClock().now(),
            username=username or unique_username(str(role)),
            password=password,
            role=role,
        )
        session.commit()
        return user


def sign_in(page, username: str, password: str = E2E_PASSWORD) -> None:
    """Sign in through the login form as a person would."""
    page.goto("/login")
    page.get_by_label("Username").fill(username)
    page.get_by_label("Password").fill(password)
    page.get_by_role("button", name="Sign in").click()
    page.wait_for_load_state()


def fill_date_time(page, legend: re.Pattern[str] | str, typed: str) -> None:
    """Type a wall-clock time ('2026-07-01T09:30') into a date-time input's boxes, as a person would:
    day, month, year and the 24-hour time, found inside the group named by its legend."""
    day, time_of_day = typed.split("T")
    year, month, day_of_month = day.split("-")
    group = page.get_by_role("group", name=legend)
    group.get_by_label("Day", exact=True).fill(str(int(day_of_month)))
    group.get_by_label("Month", exact=True).fill(str(int(month)))
    group.get_by_label("Year", exact=True).fill(year)
    group.get_by_label("Time (24-hour)", exact=True).fill(time_of_day)


def sign_out(page) -> None:
    page.get_by_role("button", name="Sign out").click()
    page.wait_for_url("**/login")
