"""Top-level `pecr` command and its sub-commands."""

from __future__ import annotations

from typing import Annotated, Any

import typer

from provider.console import context
from provider.console.accounts import tokens_app, users_app
from provider.console.bench import bench_app
from provider.console.demo import demo_command
from provider.console.directory import directory_app
from provider.console.jobs import jobs_app, scheduler_command
from provider.console.numbering import numbering_app
from provider.console.subscribers import subscribers_app
from provider.db.session import session_scope
from provider.domains import manifests
from provider.manifest import resolve
from provider.security.audit import verify_chain
from provider.settings import Settings

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
app.add_typer(numbering_app, name="numbering")
for _manifest in manifests():  # the command groups domains declare (`pecr traffic import`, ...)
    for _reference in _manifest.commands:
        app.add_typer(resolve(_reference))
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
    settings = context.settings()
    application = create_app(
        settings=settings, clock=context.clock(), engine=context.engine(), embed_scheduler=scheduler
    )
    # X-Forwarded-Proto/-For are believed from PECR_FORWARDED_ALLOW_IPS only (the TLS proxy), never from anyone.
    uvicorn.run(
        application,
        host=host,
        port=port,
        proxy_headers=True,
        forwarded_allow_ips=settings.forwarded_allow_ips,
        server_header=False,
        log_level="info",
        **server_limits(settings),
    )


def server_limits(settings: Settings) -> dict[str, Any]:
    """The server's own request limits (README, Limits): h11, whose header-size limit is settable (httptools
    has a fixed one), idle keep-alive connections closed, and a cap on concurrent connections (503)."""
    return {
        "http": "h11",
        "h11_max_incomplete_event_size": settings.max_header_bytes,
        "timeout_keep_alive": settings.keep_alive_seconds,
        "limit_concurrency": settings.max_connections,
    }


def main() -> None:
    app()
