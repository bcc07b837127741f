"""Job-run records: claiming a (job_id, scheduled_for) run, recording how it ended, reading history.

The claim is one `INSERT ... SELECT ... WHERE <I hold a live lease> ON CONFLICT DO NOTHING RETURNING id`:
the unique key makes the run happen once even if two schedulers both think they lead, and the lease
condition inside the same statement stops a scheduler that has lost the lease from claiming at all.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from datetime import datetime
from typing import Any

from sqlalchemy import Connection, Engine, delete, exists, func, literal, select, update
from sqlalchemy.dialects import postgresql, sqlite

from provider.scheduler.models import JobRun, JobRunPublic, RunOutcome, SchedulerLease
from provider.settings import Settings

RUNS = JobRun.__table__
LEASES = SchedulerLease.__table__
ERROR_LIMIT = 500
_URL_PASSWORD = re.compile(r"(\w+://[^:/@\s]+:)[^@\s]+@")
_SECRET_PAIR = re.compile(r"(?i)\b(\w*(?:password|passwd|secret|token|api_key|apikey)\w*)(\s*[=:]\s*)(\S+)")
_SQL_PARAMETERS = re.compile(r"\[parameters: .*?\](?=\s*(?:\(|\[|$))", re.DOTALL)


def _insert(bind: Engine | Connection) -> Any:
    return postgresql.insert(RUNS) if bind.dialect.name == "postgresql" else sqlite.insert(RUNS)


def claim(
    bind: Engine | Connection,
    *,
    job_id: str,
    scheduled_for: datetime,
    now: datetime,
    runner: str,
    lease_name: str | None = None,
    requested_by: str | None = None,
    outcome: RunOutcome = RunOutcome.running,
    error: str | None = None,
) -> int | None:
    """Insert the run row; its id when this caller won the run, None when someone else already has it.

    With `lease_name`, the row is only inserted while `runner` holds that lease unexpired at `now`.
    Given a Connection, the claim joins its transaction (so an audit event can commit with it).
    """
    values = {
        "job_id": job_id,
        "scheduled_for": scheduled_for,
        "started_at": now,
        "outcome": outcome.value,
        "runner": runner,
        "requested_by": requested_by,
        "error": error,
        "finished_at": None if outcome is RunOutcome.running else now,
    }
    source = select(*[literal(value, RUNS.c[column].type).label(column) for column, value in values.items()])
    if lease_name is not None:
        source = source.where(
            exists().where(LEASES.c.name == lease_name, LEASES.c.holder == runner, LEASES.c.expires_at > now)
        )
    else:
        source = source.where(literal(True))  # SQLite needs a WHERE before ON CONFLICT in INSERT ... SELECT
    statement = (
        _insert(bind)
        .from_select(list(values), source)
        .on_conflict_do_nothing(index_elements=[RUNS.c.job_id, RUNS.c.scheduled_for])
        .returning(RUNS.c.id)
    )
    if isinstance(bind, Connection):
        return bind.execute(statement).scalar_one_or_none()
    with bind.begin() as connection:
        return connection.execute(statement).scalar_one_or_none()


def finish(
    engine: Engine,
    *,
    run_id: int,
    now: datetime,
    outcome: RunOutcome,
    rows_touched: int | None = None,
    error: str | None = None,
) -> None:
    statement = (
        update(RUNS)
        .where(RUNS.c.id == run_id)
        .values(finished_at=now, outcome=outcome.value, rows_touched=rows_touched, error=error)
    )
    with engine.begin() as connection:
        connection.execute(statement)


def mark_abandoned(engine: Engine, *, runner: str, now: datetime) -> int:
    """On taking the lease over: scheduled runs another runner left `running` are marked failed (it died
    or lost the lease). If that runner is in fact alive and finishes, its own finish() overwrites this.
    Manual runs (console, "run now") are not a scheduler's and are left alone."""
    statement = (
        update(RUNS)
        .where(RUNS.c.outcome == RunOutcome.running.value, RUNS.c.runner != runner, RUNS.c.requested_by.is_(None))
        .values(
            outcome=RunOutcome.failed.value,
            finished_at=now,
            error="abandoned: its scheduler stopped holding the lease before the run ended",
        )
    )
    with engine.begin() as connection:
        return connection.execute(statement).rowcount


def delete_older_than(engine: Engine, *, cutoff: datetime) -> int:
    with engine.begin() as connection:
        return connection.execute(delete(RUNS).where(RUNS.c.started_at < cutoff)).rowcount


def safe_error(error: BaseException, settings: Settings | None = None) -> str:
    """A one-paragraph summary of a failure for the run record and the admin page, with secrets removed:
    configured secret values, passwords in URLs, `password=...`-style pairs and SQL bind parameters."""
    text = f"{type(error).__name__}: {error}"
    text = _SQL_PARAMETERS.sub("[parameters hidden]", text)
    for secret in _configured_secrets(settings):
        text = text.replace(secret, "***")
    text = _URL_PASSWORD.sub(r"\1***@", text)
    text = _SECRET_PAIR.sub(r"\1\2***", text)
    text = re.sub(r"\(Background on this error at: [^)]*\)", "", text)
    text = " ".join(text.split())
    return text if len(text) <= ERROR_LIMIT else text[: ERROR_LIMIT - 1] + "…"


def _configured_secrets(settings: Settings | None) -> list[str]:
    if settings is None:
        return []
    values = [settings.secret_key.get_secret_value(), settings.master_key_value()]
    if settings.smtp_password is not None:
        values.append(settings.smtp_password.get_secret_value())
    from sqlalchemy.engine import make_url

    values.append(make_url(settings.database_url).password or "")
    return [value for value in values if len(value) >= 4]


def public(run: JobRun) -> JobRunPublic:
    duration = (run.finished_at - run.started_at).total_seconds() if run.finished_at else None
    return JobRunPublic(duration_seconds=duration, **run.model_dump())


@contextmanager
def connected(bind: Engine | Connection) -> Iterator[Connection]:
    """Reads inside a request go through the request's own connection: on SQLite a second connection
    would wait behind the request's open (immediate) transaction."""
    if isinstance(bind, Connection):
        yield bind
        return
    with bind.connect() as connection:
        yield connection


def _rows(bind: Engine | Connection, statement: Any) -> list[JobRun]:
    with connected(bind) as connection:
        return [JobRun(**row) for row in connection.execute(statement).mappings()]


def recent(
    bind: Engine | Connection,
    *,
    job_id: str | None = None,
    outcome: RunOutcome | None = None,
    limit: int = 50,
    offset: int = 0,
) -> list[JobRun]:
    statement = select(RUNS).order_by(RUNS.c.started_at.desc(), RUNS.c.id.desc()).limit(limit).offset(offset)
    if job_id is not None:
        statement = statement.where(RUNS.c.job_id == job_id)
    if outcome is not None:
        statement = statement.where(RUNS.c.outcome == outcome.value)
    return _rows(bind, statement)


def recent_by_job(
    bind: Engine | Connection,
    job_ids: Iterable[str],
    *,
    per_job: int = 5,
) -> dict[str, list[JobRun]]:
    """The newest `per_job` runs of each job, in one query (a window function, on both backends)."""
    ids = list(job_ids)
    result: dict[str, list[JobRun]] = {job_id: [] for job_id in ids}
    if not ids:
        return result
    ranked = (
        select(
            RUNS,
            func.row_number()
            .over(partition_by=RUNS.c.job_id, order_by=(RUNS.c.started_at.desc(), RUNS.c.id.desc()))
            .label("position"),
        )
        .where(RUNS.c.job_id.in_(ids))
        .subquery()
    )
    statement = (
        select(*[ranked.c[c.name] for c in RUNS.columns])
        .where(ranked.c.position <= per_job)
        .order_by(ranked.c.job_id, ranked.c.position)
    )
    for run in _rows(bind, statement):
        result[run.job_id].append(run)
    return result
