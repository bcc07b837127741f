"""`pecr bench ...`: the speed targets, measured on a scratch database rather than in unit tests.

Each benchmark runs against a fresh, migrated SQLite file in a temporary folder unless
`--database-url` names another scratch database (e.g. PostgreSQL). Never point it at production: it
loads demo rows and a benchmark account.
"""

from __future__ import annotations

import json
import tempfile
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Annotated, Any

import typer
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TimeElapsedColumn
from sqlalchemy import Engine

from provider.console import context
from provider.db.engine import make_engine
from provider.db.migrate import upgrade_engine

bench_app = typer.Typer(help="Benchmarks of the bulk paths (run on a scratch database).", no_args_is_help=True)
DatabaseOption = Annotated[str | None, typer.Option(help="scratch database URL; default a temporary SQLite file")]


@contextmanager
def _scratch_engine(database_url: str | None) -> Iterator[Engine]:
    with tempfile.TemporaryDirectory(prefix="pecr-bench-") as folder:
        engine = make_engine(database_url or f"sqlite:///{Path(folder) / 'bench.db'}")
        upgrade_engine(engine)
        try:
            yield engine
        finally:
            engine.dispose()


@contextmanager
def _progress(label: str, total: int) -> Iterator[Callable[[int], None]]:
    columns = (*Progress.get_default_columns()[:1], BarColumn(), MofNCompleteColumn(), TimeElapsedColumn())
    with Progress(*columns, console=context.err) as progress:
        task = progress.add_task(label, total=total)
        yield lambda done: progress.update(task, completed=done)


def _report(result: dict[str, Any]) -> None:
    typer.echo(json.dumps(result, indent=2, default=str))


@bench_app.command("subscribers")
def bench_subscribers(
    count: Annotated[int, typer.Option(min=1, help="subscribers in the database")] = 1_000_000,
    repeats: Annotated[int, typer.Option(min=1, help="requests per case")] = 20,
    database_url: DatabaseOption = None,
) -> None:
    """Subscriber list page (first page, searches, deep page) at COUNT subscribers."""
    from provider.subscribers.bench import bench_list

    with _scratch_engine(database_url) as engine, _progress("loading subscribers", count) as advance:
        _report(bench_list(engine, count, repeats=repeats, progress=advance))


@bench_app.command("notices")
def bench_notices(
    count: Annotated[int, typer.Option(min=1, help="customer notices to generate")] = 100_000,
    trace_memory: Annotated[bool, typer.Option(help="also measure the Python heap peak (slower)")] = False,
    database_url: DatabaseOption = None,
) -> None:
    """Customer breach notices: time and peak memory to generate COUNT letters and e-mails."""
    from breach.notices.bench import bench_generation

    with _scratch_engine(database_url) as engine:
        _report(bench_generation(engine, count, trace_memory=trace_memory))
