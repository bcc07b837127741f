"""/admin/tokens: API tokens for the provider's systems, created and revoked by administrators.

A new token's secret appears once, in the body of the response to the form that created it (never in
a redirect, URL, flash cookie, log or audit event); the database keeps only its SHA-256. A token acts
as its user, narrowed to the scopes it names: a scope the user's role lacks would grant nothing, so
the form refuses it rather than let an administrator believe it works. For the same reason it refuses
a token with no scope ticked, and offers only the scopes of modules that exist (`app.state.scopes`,
from the manifests): a scope of a module not built yet would open nothing.
"""

from __future__ import annotations

from typing import Annotated

from fastapi import Form, Query, Request
from fastapi.responses import Response
from pydantic import StringConstraints
from sqlmodel import Session, select

from provider.db.session import SessionDep
from provider.errors import invalid
from provider.security import accounts, tokens
from provider.security.actor import Actor
from provider.security.models import User
from provider.security.roles import Permission, Role, permissions_for
from provider.text import Line
from provider.web.csrf import html_router
from provider.web.deps import NowDep, page_permission
from provider.web.forms import FormError, PageForm, submit
from provider.web.params import MAX_ID
from provider.web.paths import TokenPath
from provider.web.rendering import redirect, render

router = html_router(prefix="/admin/tokens")
AdminActor = Annotated[Actor, page_permission(Permission.admin)]
ScopeName = Annotated[str, StringConstraints(max_length=40)]
SCOPE_OPTIONS = [permission.value for permission in Permission]
TOKEN_FORM = PageForm(
    labels={"user_id": "Acts as account", "name": "What the token is for", "scopes": "Scopes"},
    choices=("user_id", "scopes"),
    unplaced="name",
)


def _users(session: Session) -> list[User]:
    return list(session.exec(select(User).order_by(User.username)))


def _tokens_page(
    request: Request,
    session: Session,
    *,
    user_filter: int | None,
    values: dict[str, object],
    errors: list[FormError],
    status_code: int = 200,
) -> Response:
    users = _users(session)
    context = {
        "tokens": tokens.list_tokens(session, user_filter),
        "usernames": {u.id: u.username for u in users},
        "owners": [("", "Choose an account")]
        + [(str(u.id), f"{u.username} ({u.role.replace('_', ' ')})") for u in users if u.is_active],
        "scope_options": [(scope, scope) for scope in request.app.state.scopes],
        "values": values,
        "errors": errors,
        "user_filter": user_filter,
    }
    return render(request, "admin/tokens.html", context, status_code=status_code)


@router.get("")
def tokens_list(
    request: Request,
    session: SessionDep,
    _actor: AdminActor,
    user_id: Annotated[int | None, Query(ge=1, le=MAX_ID)] = None,
) -> Response:
    """Every token (or one user's): prefix, owner, scopes, when created and last used, revoked or not."""
    return _tokens_page(request, session, user_filter=user_id, values={"scopes": []}, errors=[])


def _token_owner(session: Session, user_id: str) -> User:
    if not user_id.isdigit() or not 1 <= int(user_id) <= MAX_ID:
        raise invalid("user_id", "choose the account the token acts as")
    user = session.get(User, int(user_id))
    if user is None or not user.is_active:
        raise invalid("user_id", "choose an active account")
    return user


def _check_scopes_offered(offered: list[str], scopes: list[str]) -> None:
    if not scopes:
        raise invalid("scopes", "tick at least one scope: a token can do only what its scopes name")
    unknown = sorted(set(scopes) - set(offered))
    if unknown:
        raise invalid("scopes", f"not a scope of this platform: {', '.join(unknown)}")


def _check_scopes_within_role(user: User, scopes: list[str]) -> None:
    granted = {permission.value for permission in permissions_for(Role(user.role))}
    beyond = sorted(set(scopes) - granted)
    if beyond:
        raise invalid("scopes", f"the {user.role} role of {user.username} does not have: {', '.join(beyond)}")


@router.post("")
def token_create(
    request: Request,
    session: SessionDep,
    now: NowDep,
    actor: AdminActor,
    user_id: Annotated[Line, Form(max_length=20)] = "",
    name: Annotated[Line, Form(max_length=100)] = "",
    scopes: Annotated[list[ScopeName] | None, Form(max_length=len(SCOPE_OPTIONS))] = None,
) -> Response:
    """Create a token and show its secret on this response only."""
    chosen = scopes or []
    values: dict[str, object] = {"user_id": user_id, "name": name, "scopes": chosen}

    def create() -> tuple[User, object, str]:
        user = _token_owner(session, user_id)
        _check_scopes_offered(request.app.state.scopes, chosen)
        _check_scopes_within_role(user, chosen)
        token, secret = tokens.create_token(session, actor=actor, now=now, user=user, name=name, scopes=chosen)
        return user, token, secret

    def created(result: tuple[User, object, str]) -> Response:
        user, token, secret = result
        response = render(request, "admin/token_created.html", {"token": token, "owner": user, "secret": secret})
        # The page holds a secret: no browser or proxy may keep a copy of it.
        response.headers["Cache-Control"] = "no-store"
        return response

    return submit(
        session,
        TOKEN_FORM,
        action=create,
        on_error=lambda errors, status: _tokens_page(
            request, session, user_filter=None, values=values, errors=errors, status_code=status
        ),
        success=created,
        conflict_status=422,
    )


@router.post("/{token_id:int}/revoke")
def token_revoke(request: Request, session: SessionDep, now: NowDep, actor: AdminActor, token: TokenPath) -> Response:
    """Revoke a token: every request that uses it fails from now on."""
    revoked = tokens.revoke_token(session, actor=actor, now=now, token_id=token.id)
    session.commit()
    owner = accounts.get_user(session, revoked.user_id)
    # Only ASCII in the flash: a cookie cannot carry other characters, and token names may hold any.
    return redirect(request, "/admin/tokens", f"Token {revoked.token_prefix} of {owner.username} revoked.")
