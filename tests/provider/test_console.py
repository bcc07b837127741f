"""The `pecr` command as an operator runs it: a real process, configured only by PECR_ variables."""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest
from sqlalchemy import inspect, text
from sqlmodel import Session, select

from provider.clock import SystemClock
from provider.db.engine import make_engine
from provider.security import tokens
from provider.security.models import ApiToken, User
from provider.security.passwords import verify_password
from provider.security.roles import Permission

EXPECTED_COMMANDS = [
    "serve",
    "scheduler",
    "db upgrade",
    "users create",
    "tokens create",
    "tokens revoke",
    "audit verify",
    "jobs list",
    "jobs run",
    "demo",
    "subscribers import",
]
PASSWORD = "a long enough operator password"


def _pecr_executable() -> str:
    beside_python = Path(sys.executable).with_name("pecr")
    found = str(beside_python) if beside_python.exists() else shutil.which("pecr")
    assert found, "the `pecr` console script is not installed (pip install -e .)"
    return found


def _environment(database_url: str | None, extra: dict[str, str]) -> dict[str, str]:
    """The caller's environment without its PECR_ variables, so only what a test sets configures pecr."""
    environment = {k: v for k, v in os.environ.items() if not k.startswith("PECR_")}
    environment.update(COLUMNS="200", NO_COLOR="1", TERM="dumb", **extra)
    if database_url:
        environment["PECR_DATABASE_URL"] = database_url
    return environment


def run_pecr(
    *arguments: str,
    database_url: str | None = None,
    stdin: str = "",
    cwd: Path | None = None,
    environment: dict[str, str] | None = None,
) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [_pecr_executable(), *arguments],
        input=stdin,
        capture_output=True,
        text=True,
        env=_environment(database_url, environment or {}),
        cwd=cwd,
        timeout=120,
        check=False,
    )


def listed_commands(help_text: str) -> set[str]:
    """Names in the 'Commands' section of a help page, in Rich's boxed form or Click's plain form."""
    _before, marker, section = help_text.partition("Commands")
    assert marker, f"no Commands section in:\n{help_text}"
    return set(re.findall(r"^[│|\s]*([a-z][a-z0-9-]*)\s{2,}\S", section, flags=re.MULTILINE))


@pytest.fixture(scope="module")
def help_pages() -> dict[str, str]:
    """Top-level help and each group's help, fetched once and side by side (each is a process start)."""
    groups = sorted({""} | {c.split()[0] for c in EXPECTED_COMMANDS if " " in c})
    with ThreadPoolExecutor(max_workers=len(groups)) as pool:
        results = dict(
            zip(groups, pool.map(lambda group: run_pecr(*([group] if group else []), "--help"), groups), strict=True)
        )
    return {
        group: result.stdout if result.returncode == 0 else result.stdout + result.stderr
        for group, result in results.items()
    }


@pytest.mark.parametrize("command", EXPECTED_COMMANDS)
def test_help_lists_every_operator_command(help_pages, command):
    *group, name = command.split()
    top_level = listed_commands(help_pages[""])
    if group:
        assert group[0] in top_level, f"`pecr --help` does not list `{group[0]}`"
        assert name in listed_commands(help_pages[group[0]]), f"`pecr {group[0]} --help` does not list `{name}`"
    else:
        assert name in top_level, f"`pecr --help` does not list `{name}`"


@pytest.fixture(scope="module")
def upgraded_template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """One `pecr db upgrade` run into a file named by PECR_DATABASE_URL, from a folder of its own."""
    folder = tmp_path_factory.mktemp("console")
    workdir = folder / "work"
    workdir.mkdir()
    result = run_pecr("db", "upgrade", database_url=f"sqlite:///{folder / 'template.db'}", cwd=workdir)
    assert result.returncode == 0, result.stderr
    assert not (workdir / "pecr.db").exists(), "the default ./pecr.db was used instead of PECR_DATABASE_URL"
    return folder / "template.db"


@pytest.fixture
def database(tmp_path: Path, upgraded_template: Path) -> tuple[str, Path]:
    """A copy of the upgraded database for one test; returns (url, working folder)."""
    workdir = tmp_path / "work"
    workdir.mkdir()
    shutil.copyfile(upgraded_template, tmp_path / "console.db")
    return f"sqlite:///{tmp_path / 'console.db'}", workdir


def test_db_upgrade_builds_the_schema_in_the_database_pecr_database_url_names(upgraded_template):
    engine = make_engine(f"sqlite:///{upgraded_template}")
    with engine.connect() as connection:
        tables = set(inspect(connection).get_table_names())
        revision = connection.execute(text("SELECT version_num FROM alembic_version")).scalar_one()
    engine.dispose()
    assert {"user_account", "api_token", "audit_event"} <= tables
    assert revision


def test_users_create_reads_the_password_from_standard_input(database):
    url, workdir = database
    result = run_pecr(
        "users",
        "create",
        "Olivia",
        "--role",
        "compliance_officer",
        database_url=url,
        stdin=PASSWORD + "\n",
        cwd=workdir,
    )
    assert result.returncode == 0, result.stderr
    engine = make_engine(url)
    with Session(engine) as session:
        user = session.exec(select(User).where(User.username == "olivia")).one()
        assert user.role == "compliance_officer"
        assert verify_password(user.password_hash, PASSWORD)
        assert not verify_password(user.password_hash, PASSWORD + "\n")
    engine.dispose()


def test_users_create_refuses_an_unknown_role(database):
    url, workdir = database
    result = run_pecr(
        "users", "create", "mallory", "--role", "superuser", database_url=url, stdin=PASSWORD + "\n", cwd=workdir
    )
    assert result.returncode != 0


def test_tokens_create_prints_only_the_token_and_revoke_stops_it(database):
    url, workdir = database
    assert (
        run_pecr(
            "users",
            "create",
            "billing",
            "--role",
            "breach_manager",
            database_url=url,
            stdin=PASSWORD + "\n",
            cwd=workdir,
        ).returncode
        == 0
    )
    result = run_pecr(
        "tokens",
        "create",
        "billing",
        "--name",
        "billing-system",
        "--scope",
        "breach:read",
        database_url=url,
        cwd=workdir,
    )
    assert result.returncode == 0, result.stderr
    lines = result.stdout.splitlines()
    assert len(lines) == 1 and " " not in lines[0] and len(lines[0]) >= 20, result.stdout
    secret = lines[0]
    engine = make_engine(url)
    with Session(engine) as session:
        actor = tokens.actor_for_token(session, secret, SystemClock().now())
        assert actor is not None and actor.name == "billing/billing-system"
        assert actor.permissions == {Permission.breach_read}, "the token was not narrowed to its scope"
        token_id = session.exec(select(ApiToken.id)).one()
    revoked = run_pecr("tokens", "revoke", str(token_id), database_url=url, cwd=workdir)
    assert revoked.returncode == 0, revoked.stderr
    with Session(engine) as session:
        assert tokens.actor_for_token(session, secret, SystemClock().now()) is None
    engine.dispose()


def test_audit_verify_reports_an_intact_chain_after_console_changes(database):
    url, workdir = database
    assert (
        run_pecr(
            "users", "create", "auditor1", "--role", "auditor", database_url=url, stdin=PASSWORD + "\n", cwd=workdir
        ).returncode
        == 0
    )
    result = run_pecr("audit", "verify", database_url=url, cwd=workdir)
    assert result.returncode == 0, result.stderr
    assert re.search(r"intact: [1-9]\d* events", result.stdout), result.stdout
