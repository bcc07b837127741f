"""`pecr subscribers import FILE.csv`: the bulk import, with a progress bar.

Only argument parsing and display live here; validation and writing are provider.subscribers.bulk.
"""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeRemainingColumn

from provider.console import context
from provider.db.bulk import BATCH_SIZE
from provider.db.session import session_scope
from provider.security.actor import system_actor
from provider.subscribers import bulk

subscribers_app = typer.Typer(help="Subscribers and their lines.", no_args_is_help=True)
OPERATOR = system_actor("console")
SHOWN_ON_CONSOLE = 20
IMPORT_HELP = f"""Import subscribers and lines from a CSV file, all or nothing.

\b
Header row with these columns (any order):
  account_reference  required; letters, digits and - _ . /
  kind               required; individual or corporate
  name               required
  address            required; postal address
  email              optional
  phone              optional contact number
  line_number        optional; UK national form (07700 900123) or +international
  line_service       with line_number: fixed, mobile, voip or broadband

\b
One row per line; repeat the subscriber's columns on each of its rows. Every row is checked first:
if any is bad, nothing is written (exit code 1); the first {SHOWN_ON_CONSOLE} problems are shown as
"line N: column: reason", and every one, however many, is written to --errors (CSV: line,column,reason;
default FILE.errors.csv beside the file). Existing
account references or numbers are bad rows: the import only creates. Rows are written in batches
of {BATCH_SIZE:,} with a single audit event for the file (name, SHA-256, counts).
"""


def _progress() -> Progress:
    return Progress(
        TextColumn("{task.description}"),
        BarColumn(),
        MofNCompleteColumn(),
        TimeRemainingColumn(),
        console=context.err,
        transient=False,
    )


@subscribers_app.command("import", help=IMPORT_HELP)
def import_command(
    file: Annotated[Path, typer.Argument(exists=True, dir_okay=False, readable=True, help="the CSV file")],
    batch_size: Annotated[int, typer.Option(min=100, max=100_000, help="rows per batch")] = BATCH_SIZE,
    errors: Annotated[
        Path | None,
        typer.Option(dir_okay=False, help="CSV of every problem (line,column,reason); default FILE.errors.csv"),
    ] = None,
) -> None:
    total = bulk.count_rows(file)
    engine, clock = context.engine(), context.clock()
    with _progress() as progress, session_scope(engine) as session:
        tasks = {
            "validating": progress.add_task("validating", total=total),
            "writing": progress.add_task("writing", total=total, visible=False),
        }

        def advance(stage: str, rows: int) -> None:
            progress.update(tasks[stage], advance=rows, visible=True)

        report = bulk.import_file(
            session, actor=OPERATOR, now=clock.now(), path=file, progress=advance, batch_size=batch_size
        )
    if not report.ok:
        _print_problems(report, errors or file.with_name(file.name + ".errors.csv"))
        raise typer.Exit(1)
    context.err.print(
        f"imported {report.subscribers:,} subscribers and {report.lines:,} lines "
        f"from {report.file_name} (sha256 {report.sha256})",
        markup=False,
        highlight=False,
    )


def _say(text: str, style: str = "") -> None:
    """Print as it is: the file's own words (a header `[/red]`) are never read as Rich markup."""
    context.err.print(text, style=style, markup=False, highlight=False)


def _print_problems(report: bulk.ImportReport, errors_path: Path) -> None:
    """The first SHOWN_ON_CONSOLE problems on the console; every one in the errors file (or, if that cannot be
    written, on the console), read back from the report's spool, so memory stays flat whatever their number."""
    for error in report.errors[:SHOWN_ON_CONSOLE]:
        _say(str(error), "red")
    try:
        report.write_errors(errors_path)
    except OSError as error:
        _say(f"cannot write {errors_path} ({error.strerror}): every problem follows")
        for problem in report.every_error():
            _say(str(problem))
    else:
        shown = f"the first {SHOWN_ON_CONSOLE} above; " if report.error_count > SHOWN_ON_CONSOLE else ""
        _say(f"{report.error_count:,} problems ({shown}every one in {errors_path})")
    finally:
        report.close()
    if report.rows:
        _say(f"{report.bad_rows:,} bad rows of {report.rows:,}: nothing was imported", "red")
    else:
        _say("the file has no row that could be read: nothing was imported", "red")
