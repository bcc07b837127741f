"""The editions page: produce a full edition or a delta, download it, register recipients, record
deliveries and acknowledgements."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import Depends, Request
from fastapi.responses import Response

from directories import presenters
from directories.editions import service
from directories.editions.api import download
from directories.forms import EDITION_FORM, RECIPIENT_FORM
from directories.models import EditionCreate, EditionFormat, RecipientCreate
from directories.paths import DeliveryPath, EditionPath
from provider.db.session import SessionDep
from provider.security.actor import Actor
from provider.security.roles import Permission
from provider.web.csrf import html_router
from provider.web.deps import NowDep, SettingsDep, page_permission
from provider.web.forms import FormError, PageForm, Values, submit
from provider.web.rendering import redirect, render

router = html_router()
Reader = Annotated[Actor, page_permission(Permission.directories_read)]
Writer = Annotated[Actor, page_permission(Permission.directories_write)]
EditionValues = Annotated[Values, Depends(EDITION_FORM.submitted)]
RecipientValues = Annotated[Values, Depends(RECIPIENT_FORM.submitted)]
DELIVERY_FORM = PageForm(labels={"recipient_id": "Recipient"}, choices=("recipient_id",))
DeliveryValues = Annotated[Values, Depends(DELIVERY_FORM.submitted)]
PAGE = "/directory/editions"


def _page(
    request: Request,
    session: SessionDep,
    actor: Actor,
    *,
    errors: list[FormError] | None = None,
    values: dict[str, Any] | None = None,
    status_code: int = 200,
) -> Response:
    editions = service.list_editions(session)
    context = {
        "editions": editions,
        "deliveries": {edition.id: service.deliveries_of(session, edition.id) for edition in editions},
        "recipients": service.list_recipients(session),
        "recipient_kinds": presenters.options(presenters.RECIPIENT_LABELS),
        "formats": [(fmt.value, fmt.value) for fmt in EditionFormat],
        "errors": errors or [],
        "values": values or {"format": "csv", "kind": "publisher", "acknowledgement_days": "14"},
        "can_write": actor.can(Permission.directories_write),
    }
    return render(request, "directories/editions.html", context, status_code=status_code)


def _again(request: Request, session: SessionDep, actor: Actor, values: Values):
    return lambda errors, status: _page(request, session, actor, errors=errors, values=values, status_code=status)


@router.get(PAGE)
def editions_page(request: Request, actor: Reader, session: SessionDep) -> Response:
    return _page(request, session, actor)


@router.post(PAGE)
def produce(
    request: Request, actor: Writer, session: SessionDep, settings: SettingsDep, now: NowDep, values: EditionValues
) -> Response:
    def action() -> Any:
        reading = EDITION_FORM.read(values)
        wanted = {
            "since_edition_id": reading.text("since_edition_id").strip() or None,
            "format": reading.text("format"),
        }
        form = reading.schema(EditionCreate, wanted)
        reading.done()
        return service.produce(
            session,
            actor=actor,
            now=now,
            wait_days=settings.directory_notice_wait_days,
            fmt=form.format,
            since_edition_id=form.since_edition_id,
        )

    return submit(
        session,
        EDITION_FORM,
        action=action,
        on_error=_again(request, session, actor, values),
        success=lambda edition: redirect(request, PAGE, f"Produced edition {edition.id}: {edition.rows} rows."),
    )


@router.get("/directory/editions/{edition_id:int}/content")
def content(request: Request, _actor: Reader, session: SessionDep, edition: EditionPath) -> Response:
    return download(request, session, edition)


@router.post("/directory/recipients")
def add_recipient(
    request: Request, actor: Writer, session: SessionDep, now: NowDep, values: RecipientValues
) -> Response:
    def action() -> Any:
        reading = RECIPIENT_FORM.read(values)
        wanted = {name: reading.text(name) for name in ("name", "kind", "email", "acknowledgement_days")}
        form = reading.schema(RecipientCreate, wanted)
        reading.done()
        return service.add_recipient(session, actor=actor, now=now, data=form)

    return submit(
        session,
        RECIPIENT_FORM,
        action=action,
        on_error=_again(request, session, actor, values),
        success=lambda recipient: redirect(request, PAGE, f"Registered {recipient.name}."),
    )


@router.post("/directory/editions/{edition_id:int}/deliveries")
def record_delivery(
    request: Request, actor: Writer, session: SessionDep, now: NowDep, edition: EditionPath, values: DeliveryValues
) -> Response:
    def action() -> Any:
        reading = DELIVERY_FORM.read(values)
        if not reading.text("recipient_id").isdigit():
            reading.fail("recipient_id", "Choose a recipient")
        reading.done()
        return service.record_delivery(
            session, actor=actor, now=now, edition=edition, recipient_id=int(reading.text("recipient_id")), at=None
        )

    return submit(
        session,
        DELIVERY_FORM,
        action=action,
        on_error=_again(request, session, actor, values),
        success=lambda _: redirect(request, PAGE, f"Recorded the delivery of edition {edition.id}."),
    )


@router.post("/directory/deliveries/{delivery_id:int}/acknowledgement")
def acknowledge(request: Request, actor: Writer, session: SessionDep, now: NowDep, delivery: DeliveryPath) -> Response:
    return submit(
        session,
        DELIVERY_FORM,
        action=lambda: service.acknowledge(session, actor=actor, now=now, delivery=delivery, at=None),
        on_error=_again(request, session, actor, {}),
        success=lambda _: redirect(request, PAGE, "Recorded the acknowledgement."),
    )
