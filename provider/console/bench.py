"""`pecr bench ...`: the speed targets, measured on a scratch database rather than in unit tests.

The benchmarks are those the manifests declare (`provider.manifest.Benchmark`). Each runs against a
fresh, migrated SQLite file in a temporary folder unless `--database-url` names another scratch
database (e.g. PostgreSQL). Never point it at production: it loads demo rows and a benchmark account.
"""

from __future__ import annotations

import json
import tempfile
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from inspect import Parameter, Signature
from pathlib import Path
from typing import Annotated, Any

import typer
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TimeElapsedColumn
from sqlalchemy import Engine

from provider.console import context
from provider.db.engine import make_engine
from provider.db.migrate import upgrade_engine
from provider.domains import manifests
from provider.manifest import BenchContext, Benchmark, BenchOption, resolve

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


def _option(option: BenchOption) -> Parameter:
    kind = bool if isinstance(option.default, bool) else int
    flag = typer.Option(min=option.minimum, help=option.help)
    return Parameter(option.name, Parameter.KEYWORD_ONLY, default=option.default, annotation=Annotated[kind, flag])


def _command(benchmark: Benchmark) -> Callable[..., None]:
    """A `pecr bench` command from a manifest's declaration: its options, then --database-url; the
    benchmark's modules are imported only when the command runs."""

    def command(database_url: str | None = None, **options: Any) -> None:
        run = resolve(benchmark.run)
        with _scratch_engine(database_url) as engine:
            _report(run(BenchContext(engine=engine, progress=_progress), **options))

    database = Parameter("database_url", Parameter.KEYWORD_ONLY, default=None, annotation=DatabaseOption)
    command.__signature__ = Signature([*map(_option, benchmark.options), database])  # read by typer
    command.__doc__ = benchmark.summary
    return command


def _add_benchmarks() -> None:
    for manifest in manifests():
        for benchmark in manifest.benchmarks:
            bench_app.command(benchmark.name)(_command(benchmark))


_add_benchmarks()
