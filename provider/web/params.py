"""Bounded path and query parameters, so an absurd id is a 422, never a database overflow (500)."""

from __future__ import annotations

from typing import Annotated

from fastapi import Path, Query

MAX_ID = 2**63 - 1

IdPath = Annotated[int, Path(ge=1, le=MAX_ID, description="numeric identifier")]
PageQuery = Annotated[int, Query(ge=1, le=1_000_000, description="page number, from 1")]
PageSizeQuery = Annotated[int, Query(ge=1, le=500, description="items per page")]
SearchQuery = Annotated[str | None, Query(max_length=200, description="search text")]
