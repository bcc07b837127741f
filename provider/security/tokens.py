"""API tokens for the provider's systems: shown once, stored as a SHA-256 digest, scoped, revocable."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime

from sqlmodel import Session, select

from provider.errors import NotFound, invalid
from provider.security import audit
from provider.security.actor import Actor, ActorKind
from provider.security.crypto import new_secret_token, token_digest
from provider.security.models import ApiToken, User
from provider.security.roles import Role, parse_scopes, permissions_for

TOKEN_PREFIX = "pecr_"


def create_token(
    session: Session,
    *,
    actor: Actor,
    now: datetime,
    user: User,
    name: str,
    scopes: Iterable[str] | None = None,
) -> tuple[ApiToken, str]:
    """Return the stored token row and the secret, which is never stored or shown again."""
    name = name.strip()
    if not 1 <= len(name) <= 100:
        raise invalid("name", "1-100 characters")
    try:
        scope_list = parse_scopes(scopes) if scopes else None
    except ValueError as error:
        raise invalid("scopes", str(error)) from error
    secret = new_secret_token(TOKEN_PREFIX)
    token = ApiToken(
        user_id=user.id,
        name=name,
        token_prefix=secret[:12],
        token_hash=token_digest(secret),
        scopes=scope_list,
        created_at=now,
    )
    session.add(token)
    session.flush()
    audit.record(
        session,
        actor=actor,
        action="token.created",
        entity_type="api_token",
        entity_id=token.id,
        now=now,
        after={"user": user.username, "name": name, "scopes": scope_list or "role", "prefix": token.token_prefix},
    )
    return token, secret


def revoke_token(session: Session, *, actor: Actor, now: datetime, token_id: int) -> ApiToken:
    token = session.get(ApiToken, token_id)
    if token is None:
        raise NotFound(f"token {token_id} not found")
    if token.revoked_at is None:
        token.revoked_at = now
        session.add(token)
        audit.record(
            session,
            actor=actor,
            action="token.revoked",
            entity_type="api_token",
            entity_id=token.id,
            now=now,
            after={"name": token.name, "prefix": token.token_prefix},
        )
    return token


def list_tokens(session: Session, user_id: int | None = None) -> list[ApiToken]:
    statement = select(ApiToken).order_by(ApiToken.id)
    if user_id is not None:
        statement = statement.where(ApiToken.user_id == user_id)
    return list(session.exec(statement))


def actor_for_token(session: Session, secret: str, now: datetime) -> Actor | None:
    """The acting identity for a bearer token, or None when unknown, revoked or its user disabled."""
    if not secret.startswith(TOKEN_PREFIX) or len(secret) > 200:
        return None
    token = session.exec(select(ApiToken).where(ApiToken.token_hash == token_digest(secret))).first()
    if token is None or token.revoked_at is not None:
        return None
    user = session.get(User, token.user_id)
    if user is None or not user.is_active:
        return None
    if token.last_used_at is None or (now - token.last_used_at).total_seconds() > 300:
        # Throttled so a busy integration does not turn every read into a write.
        token.last_used_at = now
        session.add(token)
        session.commit()
    role = Role(user.role)
    return Actor(
        kind=ActorKind.token,
        name=f"{user.username}/{token.name}",
        user_id=user.id,
        token_id=token.id,
        role=role,
        permissions=permissions_for(role, token.scopes),
    )
