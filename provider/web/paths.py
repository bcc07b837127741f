"""Staff accounts and API tokens named in a route's path: loaded for the route, or 404."""

from __future__ import annotations

from typing import Annotated

from fastapi import Depends
from sqlmodel import Session

from provider.errors import NotFound
from provider.security import accounts
from provider.security.models import ApiToken, User
from provider.web.params import path_loader


def load_user(session: Session, user_id: int) -> User:
    return accounts.get_user(session, user_id)


def load_token(session: Session, token_id: int) -> ApiToken:
    token = session.get(ApiToken, token_id)
    if token is None:
        raise NotFound(f"token {token_id} not found")
    return token


UserPath = Annotated[User, Depends(path_loader(load_user, "user_id"))]
TokenPath = Annotated[ApiToken, Depends(path_loader(load_token, "token_id"))]
