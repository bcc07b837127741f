"""The retention page (picture, holds, receipts) and the receipts' CSV export."""

from __future__ import annotations

import csv
import io
from collections.abc import Iterator
from typing import Annotated

from fastapi import Request
from fastapi.responses import Response, StreamingResponse

from provider.db.session import SessionDep
from provider.security.actor import Actor
from provider.security.roles import Permission
from provider.web.csrf import html_router
from provider.web.deps import NowDep, page_permission
from provider.web.rendering import render
from traffic.policy import TrafficSettings
from traffic.retention import picture, queries
from traffic.retention.service import HOLD_BASIS_WORDS

router = html_router()
Reader = Annotated[Actor, page_permission(Permission.traffic_read)]


@router.get("/traffic/retention")
def retention_page(request: Request, _actor: Reader, session: SessionDep, now: NowDep) -> Response:
    view = queries.retention_view(session, now)
    settings = TrafficSettings()
    return render(
        request,
        "traffic/retention.html",
        {"view": view, "picture": picture.render(view), "policy": settings.policy(), "settings": settings,
         "basis_words": HOLD_BASIS_WORDS, "now": now},
    )  # fmt: skip


def _csv(rows) -> Iterator[str]:
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    for row in rows:
        writer.writerow(row)
        yield buffer.getvalue()
        buffer.seek(0)
        buffer.truncate()


@router.get("/traffic/retention/receipts.csv")
def receipts_csv(_actor: Reader, session: SessionDep) -> Response:
    """Every erasure receipt as CSV: counts, partitions, keys, id hash; never the erased content."""
    return StreamingResponse(
        _csv(queries.receipts_csv_rows(session)), media_type="text/csv; charset=utf-8",
        headers={"Content-Disposition": 'attachment; filename="erasure-receipts.csv"'},
    )  # fmt: skip
