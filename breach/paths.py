"""Breaches and their filings named in a route's path: loaded for the route, or 404."""

from __future__ import annotations

from typing import Annotated

from fastapi import Depends
from sqlmodel import Session

from breach import service
from breach.models import Breach, Filing
from provider.errors import NotFound
from provider.web.params import path_loader


def load_breach(session: Session, breach_id: int) -> Breach:
    return service.get_breach(session, breach_id=breach_id)


def load_filing(session: Session, breach_id: int, filing_id: int) -> Filing:
    """A filing under its own breach only, so one breach's page never serves another's PDF."""
    filing = service.get_filing(session, filing_id=filing_id)
    if filing.breach_id != breach_id:
        raise NotFound(f"filing {filing_id} is not a filing of breach {breach_id}")
    return filing


BreachPath = Annotated[Breach, Depends(path_loader(load_breach, "breach_id"))]
FilingPath = Annotated[Filing, Depends(path_loader(load_filing, "breach_id", "filing_id"))]
