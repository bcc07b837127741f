"""`pecr numbering import FILE --list allocation|dno`: Ofcom's numbering data and the Do Not Originate list.

Only argument parsing and display live here; parsing and writing are provider.line_identification.numbering.
"""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from provider.console import context
from provider.db.session import session_scope
from provider.errors import Invalid
from provider.line_identification import numbering
from provider.line_identification.models import NumberingList
from provider.security.actor import system_actor

numbering_app = typer.Typer(help="Numbering data for CLI validity (Ofcom GC C6).", no_args_is_help=True)
OPERATOR = system_actor("console")
IMPORT_HELP = """Import a numbering list from CSV, replacing the list, all or nothing.

\b
Header row, then either
  prefix,status            e.g. 01632960,allocated
or
  start,end,status         e.g. 01632960000,01632960999,allocated
Numbers in national form (0...) or +44. status: allocated, or free / unallocated / protected /
reserved / quarantined / withdrawn (not in use). For --list dno the status column may be left out
and a `number` column may stand for `prefix`. Bad rows are listed as "line N: column: reason" and
nothing is written (exit code 1). The date of each import is shown on /line-identification.
"""


@numbering_app.command("import", help=IMPORT_HELP)
def import_command(
    file: Annotated[Path, typer.Argument(exists=True, dir_okay=False, readable=True, help="the CSV file")],
    list_: Annotated[NumberingList, typer.Option("--list", help="which list the file is")] = NumberingList.allocation,
) -> None:
    engine, clock = context.engine(), context.clock()
    try:
        with session_scope(engine) as session:
            record = numbering.import_file(session, actor=OPERATOR, now=clock.now(), kind=list_, path=file)
            rows, sha256 = record.rows, record.sha256
    except Invalid as problem:
        for error in problem.errors:
            context.err.print(f"[red]{error.reason}[/red]", highlight=False)
        context.err.print(f"[red]{problem.detail}: nothing was imported[/red]")
        raise typer.Exit(1) from problem
    context.err.print(f"imported {rows:,} rows into the {list_.value} list from {file.name} (sha256 {sha256})")
