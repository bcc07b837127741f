"""The retention page (picture, holds, receipts), the hold form and release, and the receipts' CSV export."""

from __future__ import annotations

import csv
import io
from collections.abc import Iterator
from typing import Annotated

from fastapi import Depends, Request
from fastapi.responses import Response, StreamingResponse
from sqlmodel import Session

from provider.db.session import SessionDep
from provider.security.actor import Actor
from provider.security.roles import Permission
from provider.settings import Settings
from provider.subscribers import phone
from provider.subscribers import service as subscribers
from provider.web.csrf import html_router
from provider.web.deps import NowDep, SettingsDep, page_permission
from provider.web.forms import FormError, Reading, Values, submit
from provider.web.params import IdPath
from provider.web.rendering import redirect, render
from traffic.models import RetentionHold
from traffic.policy import TrafficSettings
from traffic.retention import picture, queries, service
from traffic.retention.forms import HOLD_FORM
from traffic.retention.models import HoldCreate
from traffic.retention.service import HOLD_BASIS_WORDS

router = html_router()
Reader = Annotated[Actor, page_permission(Permission.traffic_read)]
Writer = Annotated[Actor, page_permission(Permission.traffic_write)]
HoldValues = Annotated[Values, Depends(HOLD_FORM.submitted)]


def _page(
    request: Request,
    actor: Actor,
    session: Session,
    now,
    *,
    values: Values | None = None,
    errors: list[FormError] | None = None,
    status_code: int = 200,
) -> Response:
    view = queries.retention_view(session, now)
    settings = TrafficSettings()
    return render(
        request,
        "traffic/retention.html",
        {"view": view, "picture": picture.render(view), "policy": settings.policy(), "settings": settings,
         "basis_words": HOLD_BASIS_WORDS, "now": now, "values": values or {}, "errors": errors or [],
         "can_write": actor.can(Permission.traffic_write)},
        status_code=status_code,
    )  # fmt: skip


@router.get("/traffic/retention")
def retention_page(request: Request, actor: Reader, session: SessionDep, now: NowDep) -> Response:
    return _page(request, actor, session, now)


def _scope(session: Session, reading: Reading) -> tuple[int | None, int | None]:
    """The subscriber and line a hold covers, from the account reference and line number staff know."""
    subscriber_id = line_id = None
    if reference := reading.text("account_reference").strip():
        subscriber = subscribers.find_subscriber_by_reference(session, reference)
        if subscriber is None:
            reading.fail("account_reference", "No subscriber has this account reference")
        else:
            subscriber_id = subscriber.id
    if number := reading.text("line_number").strip():
        try:
            line = subscribers.find_line_by_number(session, phone.normalise_number(number))
        except ValueError as error:
            reading.fail("line_number", str(error))
        else:
            if line is None:
                reading.fail("line_number", "No line has this number")
            else:
                line_id = line.id
    return subscriber_id, line_id


def _hold_from(session: Session, values: Values, settings: Settings) -> HoldCreate:
    reading = HOLD_FORM.read(values)
    subscriber_id, line_id = _scope(session, reading)
    wanted = {
        "basis": reading.text("basis"),
        "reference": reading.text("reference"),
        "subscriber_id": subscriber_id,
        "line_id": line_id,
        "date_from": reading.date("date_from"),
        "date_to": reading.date("date_to"),
        "starts_at": reading.datetime("starts_at", settings.zone),
        "ends_at": reading.datetime("ends_at", settings.zone, required=True),
    }
    data = reading.schema(HoldCreate, wanted)
    reading.done()
    return data


@router.post("/traffic/retention/holds")
def create_hold(
    request: Request, actor: Writer, session: SessionDep, settings: SettingsDep, now: NowDep, values: HoldValues
) -> Response:
    return submit(
        session,
        HOLD_FORM,
        action=lambda: service.create_hold(session, data=_hold_from(session, values, settings), actor=actor, now=now),
        on_error=lambda errors, status: _page(
            request, actor, session, now, values=values, errors=errors, status_code=status
        ),
        success=lambda hold: redirect(
            request, f"/traffic/retention#hold-{hold.id}", f"Recorded hold {hold.reference}."
        ),
    )


@router.post("/traffic/retention/holds/{hold_id:int}/release")
def release_hold(request: Request, actor: Writer, session: SessionDep, now: NowDep, hold_id: IdPath) -> Response:
    """Release a hold before its end (the order was discharged, the notice withdrawn): erasure resumes."""
    hold: RetentionHold = service.release_hold(session, hold_id=hold_id, actor=actor, now=now)
    session.commit()
    return redirect(
        request, "/traffic/retention", f"Released hold {hold.reference}; erasure of what it covered resumes."
    )


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
