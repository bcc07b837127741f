"""`pecr users ...` and `pecr tokens ...`: scriptable account and token management."""

from __future__ import annotations

import sys
from typing import Annotated

import typer

from provider.console import context
from provider.db.session import session_scope
from provider.errors import DomainError
from provider.security import accounts, tokens
from provider.security.actor import system_actor
from provider.security.roles import Role

users_app = typer.Typer(help="Staff accounts.", no_args_is_help=True)
tokens_app = typer.Typer(help="API tokens for the provider's systems.", no_args_is_help=True)
OPERATOR = system_actor("console")


def _read_password() -> str:
    if sys.stdin.isatty():
        password = typer.prompt("Password", hide_input=True, confirmation_prompt=True)
    else:
        password = sys.stdin.readline().rstrip("\r\n")
    return password


def _fail(error: DomainError) -> None:
    context.err.print(f"[red]error:[/red] {error.detail}")
    raise typer.Exit(1)


@users_app.command("create")
def create_user(
    username: str,
    role: Annotated[Role, typer.Option(help="admin, compliance_officer, breach_manager, agent or auditor")],
    full_name: Annotated[str, typer.Option(help="the person's name")] = "",
    email: Annotated[str, typer.Option(help="e-mail for reminders")] = "",
) -> None:
    """Create a staff account; the password is read from standard input when it is not a terminal."""
    password = _read_password()
    try:
        with session_scope(context.engine()) as session:
            user = accounts.create_user(
                session,
                actor=OPERATOR,
                now=context.clock().now(),
                username=username,
                password=password,
                role=role,
                full_name=full_name,
                email=email,
            )
            context.err.print(f"created {user.username} ({user.role})")
    except DomainError as error:
        _fail(error)


@tokens_app.command("create")
def create_token(
    username: str,
    name: Annotated[str, typer.Option(help="what the token is for, e.g. billing-system")],
    scope: Annotated[list[str] | None, typer.Option("--scope", "--scopes", help="e.g. breach:write; repeat")] = None,
) -> None:
    """Create an API token and print only the token on standard output (it is shown once)."""
    try:
        with session_scope(context.engine()) as session:
            user = accounts.get_by_username(session, username)
            token, secret = tokens.create_token(
                session, actor=OPERATOR, now=context.clock().now(), user=user, name=name, scopes=scope
            )
            context.err.print(f"token {token.id} ({token.token_prefix}…) for {user.username}")
    except DomainError as error:
        _fail(error)
    typer.echo(secret)


@tokens_app.command("revoke")
def revoke_token(token_id: int) -> None:
    """Revoke an API token by its id; requests using it fail from now on."""
    try:
        with session_scope(context.engine()) as session:
            token = tokens.revoke_token(session, actor=OPERATOR, now=context.clock().now(), token_id=token_id)
            context.err.print(f"revoked token {token.id} ({token.name})")
    except DomainError as error:
        _fail(error)
