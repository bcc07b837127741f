"""JSON API for administrators: list accounts and tokens, revoke a token. Secrets never leave here."""

from __future__ import annotations

from datetime import datetime

from fastapi import APIRouter
from pydantic import BaseModel
from sqlmodel import select

from provider.db.session import SessionDep
from provider.security import accounts, tokens
from provider.security.actor import Actor
from provider.security.models import ApiToken, User
from provider.security.roles import Permission
from provider.web.deps import NowDep, api_permission
from provider.web.params import IdPath

router = APIRouter(prefix="/api/v1", tags=["administration"])


class UserPublic(BaseModel):
    id: int
    username: str
    full_name: str
    email: str
    role: str
    is_active: bool
    mfa_enabled: bool
    created_at: datetime
    last_login_at: datetime | None

    @classmethod
    def of(cls, user: User) -> UserPublic:
        return cls(
            id=user.id,
            username=user.username,
            full_name=user.full_name,
            email=user.email,
            role=user.role,
            is_active=user.is_active,
            mfa_enabled=user.totp_enabled,
            created_at=user.created_at,
            last_login_at=user.last_login_at,
        )


class TokenPublic(BaseModel):
    id: int
    user_id: int
    name: str
    prefix: str
    scopes: list[str] | None
    created_at: datetime
    last_used_at: datetime | None
    revoked_at: datetime | None

    @classmethod
    def of(cls, token: ApiToken) -> TokenPublic:
        return cls(
            id=token.id,
            user_id=token.user_id,
            name=token.name,
            prefix=token.token_prefix,
            scopes=token.scopes,
            created_at=token.created_at,
            last_used_at=token.last_used_at,
            revoked_at=token.revoked_at,
        )


@router.get("/users", response_model=list[UserPublic], summary="Every staff account")
def list_users(session: SessionDep, _actor: Actor = api_permission(Permission.admin)) -> list[UserPublic]:
    """Accounts ordered by username; password hashes and MFA seeds are never included."""
    return [UserPublic.of(user) for user in session.exec(select(User).order_by(User.username))]


@router.get("/users/{user_id:int}", response_model=UserPublic, summary="One staff account")
def read_user(user_id: IdPath, session: SessionDep, _actor: Actor = api_permission(Permission.admin)) -> UserPublic:
    return UserPublic.of(accounts.get_user(session, user_id))


@router.get("/tokens", response_model=list[TokenPublic], summary="Every API token (never the secret)")
def list_tokens(session: SessionDep, _actor: Actor = api_permission(Permission.admin)) -> list[TokenPublic]:
    return [TokenPublic.of(token) for token in tokens.list_tokens(session)]


@router.post("/tokens/{token_id:int}/revoke", response_model=TokenPublic, summary="Revoke an API token")
def revoke_token(
    token_id: IdPath,
    session: SessionDep,
    now: NowDep,
    actor: Actor = api_permission(Permission.admin),
) -> TokenPublic:
    """Revoking twice is harmless: the first revocation time stands."""
    token = tokens.revoke_token(session, actor=actor, now=now, token_id=token_id)
    session.commit()
    return TokenPublic.of(token)
