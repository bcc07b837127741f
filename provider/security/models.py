"""Tables for staff accounts, API tokens, web sessions and the audit chain."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import JSON, Column, Text, UniqueConstraint
from sqlalchemy import false as sa_false
from sqlmodel import Field, SQLModel

from provider.db.types import BIG_INT, StrEnumType, id_field, utc_field
from provider.security.roles import Role


class User(SQLModel, table=True):
    __tablename__ = "user_account"

    id: int | None = id_field()
    username: str = Field(max_length=64, unique=True, index=True)
    full_name: str = Field(default="", max_length=200)
    email: str = Field(default="", max_length=254)
    role: Role = Field(sa_type=StrEnumType(Role, 32))
    password_hash: str = Field(max_length=200)
    is_active: bool = True
    totp_secret_encrypted: str | None = Field(default=None, max_length=500)
    totp_enabled: bool = False
    totp_last_step: int | None = Field(
        default=None, sa_type=BIG_INT, description="last accepted TOTP time step (no replay)"
    )
    failed_logins: int = Field(default=0, sa_type=BIG_INT)
    # The password was chosen by someone else (an administrator, the first start): no page but the
    # account page opens until its owner sets their own.
    must_change_password: bool = Field(default=False, sa_column_kwargs={"server_default": sa_false()})
    locked_until: datetime | None = utc_field(nullable=True)
    created_at: datetime = utc_field()
    last_login_at: datetime | None = utc_field(nullable=True)


class ApiToken(SQLModel, table=True):
    __tablename__ = "api_token"

    id: int | None = id_field()
    user_id: int = Field(sa_type=BIG_INT, foreign_key="user_account.id", index=True)
    name: str = Field(max_length=100)
    token_prefix: str = Field(max_length=16, description="first characters, shown to tell tokens apart")
    token_hash: str = Field(max_length=64, unique=True, index=True)
    scopes: list[str] | None = Field(default=None, sa_column=Column(JSON, nullable=True))
    created_at: datetime = utc_field()
    last_used_at: datetime | None = utc_field(nullable=True)
    revoked_at: datetime | None = utc_field(nullable=True)


class WebSession(SQLModel, table=True):
    __tablename__ = "web_session"

    id: int | None = id_field()
    token_hash: str = Field(max_length=64, unique=True, index=True)
    user_id: int = Field(sa_type=BIG_INT, foreign_key="user_account.id", index=True)
    mfa_passed: bool = False
    created_at: datetime = utc_field()
    expires_at: datetime = utc_field()
    ended_at: datetime | None = utc_field(nullable=True)


class AuditEvent(SQLModel, table=True):
    """One link of the append-only hash chain; `hash` covers every other column and `prev_hash`."""

    __tablename__ = "audit_event"
    __table_args__ = (UniqueConstraint("prev_hash", name="uq_audit_event_prev_hash"),)

    id: int | None = id_field()
    occurred_at: datetime = utc_field(index=True)
    actor_kind: str = Field(max_length=16)
    actor_id: int | None = Field(default=None, sa_type=BIG_INT)
    actor_name: str = Field(max_length=100, index=True)
    action: str = Field(max_length=100, index=True)
    entity_type: str = Field(max_length=64, index=True)
    entity_id: str = Field(max_length=64, index=True)
    before: str | None = Field(default=None, sa_column=Column(Text, nullable=True))
    after: str | None = Field(default=None, sa_column=Column(Text, nullable=True))
    prev_hash: str = Field(max_length=64)
    hash: str = Field(max_length=64, unique=True)


class AuditHead(SQLModel, table=True):
    """The chain's last link, locked by every writer, so deleting the newest event is detectable."""

    __tablename__ = "audit_head"

    id: int = Field(default=1, primary_key=True, sa_type=BIG_INT)
    last_event_id: int = Field(default=0, sa_type=BIG_INT)
    last_hash: str = Field(max_length=64)
