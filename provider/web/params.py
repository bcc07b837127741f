"""Bounded path and query parameters, so an absurd id is a 422, never a database overflow (500), and
the factory for a route's load-or-404 dependencies.

Routes declare ids as typed path parameters (`/breaches/{breach_id:int}`), so `/breaches/log` can never
be read as a breach id whatever order the routers are included in.
"""

from __future__ import annotations

import inspect
from collections.abc import Callable
from typing import Annotated, TypeVar

from fastapi import Path, Query
from sqlmodel import Session

from provider.db.session import SessionDep
from provider.db.types import MAX_ID
from provider.text import Line

Entity = TypeVar("Entity")

IdPath = Annotated[int, Path(ge=1, le=MAX_ID, description="numeric identifier")]
PageQuery = Annotated[int, Query(ge=1, le=1_000_000, description="page number, from 1")]
PageSizeQuery = Annotated[int, Query(ge=1, le=500, description="items per page")]
SearchQuery = Annotated[Line | None, Query(max_length=200, description="search text")]


def path_loader(load: Callable[..., Entity], *ids: str) -> Callable[..., Entity]:
    """A dependency that hands a route the entity its path names: `load(session, **ids)` with each id a
    bounded IdPath; the service's NotFound answers 404 (a page or a problem), so routes no longer
    begin by fetching and checking.

        BreachPath = Annotated[Breach, Depends(path_loader(load_breach, "breach_id"))]

    Declare it after the route's actor: FastAPI resolves dependencies in the order of the parameters,
    and sign-in and permission must answer before anything is looked up.
    """

    def dependency(session: Session, **values: int) -> Entity:
        return load(session, **values)

    keyword = inspect.Parameter.KEYWORD_ONLY
    parameters = [inspect.Parameter("session", keyword, annotation=SessionDep)]
    parameters += [inspect.Parameter(name, keyword, annotation=IdPath) for name in ids]
    dependency.__signature__ = inspect.Signature(parameters)
    dependency.__name__ = f"load_{load.__name__.removeprefix('_').removeprefix('load_')}"
    return dependency
