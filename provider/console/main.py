"""Top-level `pecr` command and its sub-commands."""

from __future__ import annotations

from typing import Annotated

import typer

from provider.console import context
from provider.console.accounts import tokens_app, users_app
from provider.console.bench import bench_app
from provider.console.demo import demo_command
from provider.console.directory import directory_app
from provider.console.jobs import jobs_app, scheduler_command
from provider.console.subscribers import subscribers_app
from provider.db.session import session_scope
from provider.security.audit import verify_chain

app = typer.Typer(help="pecr: PECR compliance for UK communications providers.", no_args_is_help=True)
db_app = typer.Typer(help="Database schema.", no_args_is_help=True)
audit_app = typer.Typer(help="The audit trail.", no_args_is_help=True)
app.add_typer(db_app, name="db")
app.add_typer(users_app, name="users")
app.add_typer(tokens_app, name="tokens")
app.add_typer(audit_app, name="audit")
app.add_typer(jobs_app, name="jobs")
app.command("scheduler")(scheduler_command)
app.add_typer(subscribers_app, name="subscribers")
app.command("demo")(demo_command)
app.add_typer(bench_app, name="bench")
app.add_typer(directory_app, name="directory")


@db_app.command("upgrade")
def db_upgrade(revision: Annotated[str, typer.Argument(help="target revision")] = "head") -> None:
    """Apply database migrations (Alembic) up to the newest revision."""
    from provider.db.migrate import upgrade_engine

    upgrade_engine(context.engine(), revision)
    context.err.print(f"database at {revision}")


@audit_app.command("verify")
def audit_verify() -> None:
    """Walk the audit hash chain; exit non-zero naming the first bad event."""
    with session_scope(context.engine()) as session:
        report = verify_chain(session)
    if report.intact:
        context.out.print(f"audit chain intact: {report.events_checked} events")
        return
    problem = report.problem
    context.err.print(
        f"[red]audit chain broken at event {problem.event_id}: {problem.reason}[/red]"
        f" ({report.events_checked} events verified before it)"
    )
    raise typer.Exit(2)


@app.command("serve")
def serve(
    host: Annotated[str, typer.Option(help="address to listen on")] = "127.0.0.1",
    port: Annotated[int, typer.Option(help="port to listen on")] = 8000,
    scheduler: Annotated[bool, typer.Option("--scheduler/--no-scheduler", help="run the embedded scheduler")] = True,
    demo: Annotated[bool, typer.Option("--demo/--no-demo", help="load demo data into an empty database")] = True,
) -> None:
    """Migrate, create the first admin if there is none, and serve the web forms and API."""
    import uvicorn

    from provider.console.bootstrap import prepare
    from provider.web.app import create_app

    prepare(context.engine(), context.clock(), load_demo=demo)
    application = create_app(
        settings=context.settings(), clock=context.clock(), engine=context.engine(), embed_scheduler=scheduler
    )
    uvicorn.run(application, host=host, port=port, proxy_headers=True, log_level="info")


def main() -> None:
    app()
