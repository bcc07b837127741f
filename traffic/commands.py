"""`pecr traffic import FILE`, `pecr traffic rotate-key`, `pecr traffic rehash` and `pecr retention sweep [--dry-run]`.

Argument parsing and display only: the work is `traffic.service` and `traffic.sweep`. Heavy modules are
imported when a command runs, so `pecr --help` stays quick.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer
from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeRemainingColumn

from provider.db.bulk import BATCH_SIZE

if TYPE_CHECKING:
    from traffic.report import IngestReport

traffic_app = typer.Typer(name="traffic", help="Traffic and location records.", no_args_is_help=True)
retention_app = typer.Typer(name="retention", help="Retention and erasure of traffic data.", no_args_is_help=True)
err, out = Console(stderr=True), Console()
SHOWN_ON_CONSOLE = 20

IMPORT_HELP = """Import traffic and location records from a CSV or NDJSON file (told apart by .csv).

\b
Fields (CSV header or JSON keys): record_type (traffic, the default, or location), source_record_id
(required, unique per record), line (the provider's number). Traffic: kind (call sms mms data
messaging), direction (outgoing incoming), start_at, end_at or duration_seconds, user_id, other_party,
trunk, cell_id, volume_bytes, charge_pence, bill_ref, ended (true/false), consented_service.
Location: observed_at, cell_id or latitude+longitude, accuracy_m, source (network emergency_call
emergency_alert), anonymous, alert_ref, consented_service. Times are ISO 8601 with an offset.

\b
Every good line is committed, batch by batch; no bad line is written (exit code 1 if any). The first
20 bad lines are shown as "line N: field: reason", and every bad line, however many, is written to
--errors (CSV: line,field,reason; default FILE.errors.csv beside the file). Records already stored
(same day and source id) are skipped, so the same file can be sent again after fixing its bad lines or
after an interruption.
"""


def _context():
    from provider.clock import SystemClock
    from provider.db.engine import make_engine
    from provider.settings import get_settings
    from traffic.policy import TrafficSettings

    settings = get_settings()
    return settings, make_engine(settings.database_url), SystemClock(), TrafficSettings()


@traffic_app.command("import", help=IMPORT_HELP)
def import_command(
    file: Annotated[Path, typer.Argument(exists=True, dir_okay=False, readable=True, help="CSV or NDJSON file")],
    batch_size: Annotated[int, typer.Option(min=100, max=100_000, help="records per transaction")] = BATCH_SIZE,
    errors: Annotated[
        Path | None,
        typer.Option(dir_okay=False, help="CSV of every bad line (line,field,reason); default FILE.errors.csv"),
    ] = None,
) -> None:
    from provider.security.actor import system_actor
    from provider.security.keystore import KeyStore
    from traffic import files, key_locks, service

    settings, engine, clock, traffic = _context()
    total = files.count_lines(file) - (1 if files.is_csv(file.name) else 0)
    columns = (TextColumn("{task.description}"), BarColumn(), MofNCompleteColumn(), TimeRemainingColumn())
    with Progress(*columns, console=err) as progress:
        task = progress.add_task("importing", total=total)
        try:
            report = service.import_file(
                engine, path=file, actor=system_actor("console"), now=clock.now(),
                master_key=settings.master_key_value(), policy=traffic.policy(), batch_size=batch_size,
                progress=lambda done: progress.update(task, completed=done), store=KeyStore(settings.key_store),
            )  # fmt: skip
        except key_locks.KeyGone as error:  # the sweep destroyed a day's key mid-import: a re-run is safe
            progress.stop()
            err.print(f"import stopped: {error.detail}", style="red", markup=False, highlight=False)
            raise typer.Exit(1) from None
    _report_bad_lines(report, errors or file.with_name(file.name + ".errors.csv"))
    err.print(
        f"{report.lines:,} lines: {report.written:,} records written, {report.already_stored:,} already stored, "
        f"{report.bad_lines:,} bad (not written)"
    )
    if report.bad_lines:
        raise typer.Exit(1)


def _report_bad_lines(report: IngestReport, errors_path: Path) -> None:
    """The first SHOWN_ON_CONSOLE bad lines on the console; every one in the errors file (or, if that cannot
    be written, on the console), read back from the report's spool, so memory stays flat whatever their number."""
    if not report.bad_lines:
        return
    for line_no, reason in report.errors[:SHOWN_ON_CONSOLE]:
        err.print(f"line {line_no}: {reason}", style="red", markup=False, highlight=False)
    try:
        report.write_errors(errors_path)
    except OSError as error:
        err.print(f"cannot write {errors_path} ({error.strerror}): every bad line follows", markup=False)
        for line_no, reason in report.every_error():
            err.print(f"line {line_no}: {reason}", markup=False, highlight=False)
        return
    finally:
        report.close()
    more = report.bad_lines > SHOWN_ON_CONSOLE
    shown = f"the first {SHOWN_ON_CONSOLE} above; " if more else ""
    err.print(f"{report.bad_lines:,} bad lines ({shown}every one in {errors_path})", markup=False, highlight=False)


@traffic_app.command("rotate-key")
def rotate_key_command(
    old_key_file: Annotated[Path, typer.Option(exists=True, dir_okay=False, help="file holding the old master key")],
) -> None:
    """Re-wrap every key file of PECR_KEY_STORE under the current PECR_MASTER_KEY (records are not touched);
    safe to re-run. The call list's keys are re-wrapped by `pecr billing rotate-key`."""
    from sqlmodel import Session

    from provider.security.actor import system_actor
    from provider.security.keystore import KeyStore
    from traffic import service

    settings, engine, clock, _traffic = _context()
    with Session(engine) as session:
        count = service.rotate_master_key(
            session, old_master_key=old_key_file.read_text().strip(), new_master_key=settings.master_key_value(),
            actor=system_actor("console"), now=clock.now(), store=KeyStore(settings.key_store),
        )  # fmt: skip
        session.commit()
    err.print(f"{count:,} data keys re-wrapped under the current master key")


@traffic_app.command("rehash")
def rehash_command(
    batch: Annotated[int, typer.Option(min=100, max=100_000, help="records per transaction")] = 5000,
    dry_run: Annotated[bool, typer.Option("--dry-run", help="only count the hashes a run now would change")] = False,
) -> None:
    """Re-hash each record's other party over its matching form (E.164 where readable), so records imported
    before that change are found by a search in any form of the number; batch by batch, safe to re-run."""
    from provider.security.actor import system_actor
    from provider.security.keystore import KeyStore
    from traffic import keys, rehash

    settings, engine, clock, _traffic = _context()
    columns = (TextColumn("{task.description}"), BarColumn(), MofNCompleteColumn(), TimeRemainingColumn())
    with Progress(*columns, console=err) as progress:
        task = progress.add_task("re-hashing", total=rehash.count_rows(engine))
        try:
            result = rehash.rehash(
                engine, master_key=settings.master_key_value(), store=KeyStore(settings.key_store), batch=batch,
                dry_run=dry_run, progress=lambda done: progress.update(task, completed=done),
            )  # fmt: skip
        except (keys.KeyStoreMissing, ValueError) as error:  # not this deployment's key store or master key
            progress.stop()
            err.print(f"rehash stopped, batches done so far are kept: {error}", style="red", markup=False)
            raise typer.Exit(1) from None
    if not dry_run:
        rehash.audit_run(engine, actor=system_actor("console"), now=clock.now(), result=result)
    verb = "would re-hash" if dry_run else "re-hashed"
    out.print(
        f"{result.read:,} records read: {verb} {result.rehashed:,}, {result.unchanged:,} unchanged, "
        f"{result.unreadable:,} unreadable (key destroyed, left as they are)"
    )


@retention_app.command("sweep")
def sweep_command(
    dry_run: Annotated[bool, typer.Option("--dry-run", help="only count what a sweep now would erase")] = False,
) -> None:
    """Erase everything past its retain-until that no hold covers, and write an erasure receipt."""
    from provider.security.keystore import KeyStore
    from traffic.sweep import sweep

    settings, engine, clock, traffic = _context()
    with err.status("sweeping") as status:
        result = sweep(
            engine, now=clock.now(), batch=traffic.sweep_batch, dry_run=dry_run,
            progress=lambda where, rows: status.update(f"sweeping {where}: {rows:,} rows"),
            store=KeyStore(settings.key_store),
        )  # fmt: skip
    verb = "would erase" if dry_run else "erased"
    for name, count in sorted(result.counts.items()):
        out.print(f"{name}: {count:,}")
    if dry_run:
        out.print(f"{verb} {sum(result.counts.values()):,} rows; partitions to drop: {len(result.partitions_to_drop)}")
        return
    out.print(
        f"receipt {result.receipt_id}: {verb} {result.rows_erased:,} rows ({result.rows_anonymised:,} kept as "
        f"anonymous counts), {result.partitions_dropped} partitions dropped, {result.keys_destroyed} keys destroyed, "
        f"ids hash {result.ids_hash or '-'}"
    )


@traffic_app.command("import-bills")
def import_bills_command(
    file: Annotated[Path, typer.Argument(exists=True, dir_okay=False, readable=True, help="CSV file")],
) -> None:
    """Bill statuses from CSV (bill_ref,status[,issued_at,resolved_at]; status unpaid, paid, disputed or
    resolved): good rows applied in one transaction, moving their records' retain-until; bad rows listed."""
    from sqlmodel import Session

    from provider.security.actor import system_actor
    from traffic.retention.bills import import_bills

    _settings, engine, clock, traffic = _context()
    with Session(engine) as session:
        report = import_bills(session, path=file, actor=system_actor("console"), now=clock.now(),
                              policy=traffic.policy())  # fmt: skip
        session.commit()
    for line_no, reason in report.errors:
        err.print(f"[red]line {line_no}: {reason}[/red]", highlight=False)
    err.print(f"{report.applied:,} of {report.rows:,} bills applied; {report.records_updated:,} records moved")
    if report.errors:
        raise typer.Exit(1)
