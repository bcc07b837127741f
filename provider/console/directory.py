"""`pecr directory edition`, `pecr directory notices` and `pecr directory letters-posted`: directory
editions to a file, the directory information notice to individuals not yet informed (with a progress
bar), and staff's confirmation that the notice letters went in the post.

Only argument parsing and display live here; the work is directories.editions.service and
directories.notices.
"""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

from provider.console import context
from provider.errors import DomainError
from provider.security.actor import system_actor

directory_app = typer.Typer(help="Directories (PECR reg 18): editions and information notices.", no_args_is_help=True)
OPERATOR = system_actor("console")


@directory_app.command("edition")
def edition(
    out: Annotated[Path, typer.Option("--out", help="file to write the edition to")],
    since: Annotated[int | None, typer.Option("--since", help="a delta since this edition id", min=1)] = None,
    fmt: Annotated[str, typer.Option("--format", help="csv or jsonl")] = "csv",
) -> None:
    """Produce a full edition of every eligible entry (or a delta since EDITION_ID) into FILE."""
    from sqlmodel import Session

    from directories.editions import service
    from directories.models import EditionFormat

    if fmt not in ("csv", "jsonl"):
        raise typer.BadParameter("csv or jsonl", param_hint="--format")
    with out.open("wb") as handle, Session(context.engine(), expire_on_commit=False) as session:
        try:
            made = service.produce(
                session,
                actor=OPERATOR,
                now=context.clock().now(),
                wait_days=context.settings().directory_notice_wait_days,
                fmt=EditionFormat(fmt),
                since_edition_id=since,
                sink=handle.write,
            )
        except DomainError as error:
            context.err.print(f"[red]{error.detail}[/red]")
            raise typer.Exit(1) from error
        session.commit()
    context.err.print(
        f"edition {made.id} ({made.kind}): {made.rows:,} rows, {made.entries:,} entries "
        f"(+{made.added:,} ~{made.changed:,} -{made.removed:,}), sha256 {made.sha256}"
    )


@directory_app.command("notices")
def notices(
    out_dir: Annotated[Path, typer.Option("--out-dir", help="folder for the letters (PDF)")] = Path("."),
    batch_size: Annotated[int, typer.Option(help="people per batch (one transaction each)", min=1)] = 500,
) -> None:
    """Serve the directory information notice to every individual not yet informed: e-mail where an
    address and a mail server exist, letters otherwise. An accepted e-mail starts the person's opt-out
    period; a letter starts it once `pecr directory letters-posted` records that it was posted."""
    from sqlmodel import Session

    from directories import notices as serving

    out_dir.mkdir(parents=True, exist_ok=True)
    with Session(context.engine()) as session:
        total = serving.uninformed_count(session)
    columns = (TextColumn("serving notices"), BarColumn(), MofNCompleteColumn(), TimeElapsedColumn())
    with Progress(*columns, console=context.err) as progress:
        task = progress.add_task("notices", total=total)
        try:
            done = serving.serve_uninformed(
                context.engine(),
                actor=OPERATOR,
                now=context.clock().now(),
                settings=context.settings(),
                out_dir=out_dir,
                batch_size=batch_size,
                advance=lambda count: progress.update(task, completed=count),
            )
        except DomainError as error:
            context.err.print(f"[red]{error.detail}[/red]")
            raise typer.Exit(1) from error
    context.err.print(f"{done.letters:,} letters and {done.emails:,} e-mails in {len(done.batches)} batches")
    context.err.print("letters start the opt-out period once posted: then run `pecr directory letters-posted`")


@directory_app.command("letters-posted")
def letters_posted(
    batch: Annotated[int | None, typer.Option("--batch", help="only this notice batch's letters", min=1)] = None,
) -> None:
    """Record that the directory notice letters generated so far (or one batch's) went in the post
    today: each is served from now, which starts its person's opt-out period."""
    from sqlmodel import Session

    from directories import notices as serving

    with Session(context.engine()) as session:
        try:
            posted = serving.record_posted(session, actor=OPERATOR, now=context.clock().now(), batch_id=batch)
        except DomainError as error:
            context.err.print(f"[red]{error.detail}[/red]")
            raise typer.Exit(1) from error
        session.commit()
    context.err.print(f"recorded {posted:,} letters as posted")
