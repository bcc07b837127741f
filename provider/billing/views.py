"""The itemised-bill pages: record a subscriber's request, see and download a month's bill."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import Depends, Path, Request
from fastapi.responses import Response

from provider.billing import api as billing_api
from provider.billing import rules, service
from provider.billing.forms import CHOICE_FORM
from provider.billing.models import ChoiceUpdate, RequestChannel
from provider.billing.presenters import (
    CATEGORY_LABELS,
    CHANNEL_LABELS,
    SOURCE_LABELS,
    choice_words,
    duration,
    pounds,
)
from provider.db.session import SessionDep
from provider.security.actor import Actor
from provider.security.roles import Permission
from provider.settings import Settings
from provider.subscribers.models import Subscriber
from provider.subscribers.paths import SubscriberPath
from provider.web.csrf import html_router
from provider.web.deps import NowDep, SettingsDep, page_permission
from provider.web.forms import FormError, Values, submit
from provider.web.rendering import redirect, render

router = html_router()
Reader = Annotated[Actor, page_permission(Permission.billing_read)]
Writer = Annotated[Actor, page_permission(Permission.billing_write)]
ChoiceValues = Annotated[Values, Depends(CHOICE_FORM.submitted)]
PeriodPath = Annotated[str, Path(min_length=7, max_length=7, pattern=r"^[0-9]{4}-[0-9]{2}$", description="YYYY-MM")]


def _choice_page(
    request: Request,
    session: SessionDep,
    settings: Settings,
    subscriber: Subscriber,
    *,
    values: dict[str, Any] | None = None,
    errors: list[FormError] | None = None,
    status_code: int = 200,
) -> Response:
    billing = service.billing_of(session, subscriber, settings)
    shown = values or {"itemised": "yes" if billing.itemised else "no", "channel": RequestChannel.phone.value}
    context = {
        "subscriber": subscriber,
        "choice": choice_words(billing.itemised),
        "channels": [(channel.value, label) for channel, label in CHANNEL_LABELS.items()],
        "values": shown,
        "errors": errors or [],
    }
    return render(request, "billing/choice.html", context, status_code=status_code)


@router.get("/subscribers/{subscriber_id:int}/billing")
def choice_page(
    request: Request, _actor: Writer, session: SessionDep, settings: SettingsDep, subscriber: SubscriberPath
) -> Response:
    return _choice_page(request, session, settings, subscriber)


@router.post("/subscribers/{subscriber_id:int}/billing")
def record_choice(
    request: Request,
    actor: Writer,
    session: SessionDep,
    settings: SettingsDep,
    now: NowDep,
    subscriber: SubscriberPath,
    values: ChoiceValues,
) -> Response:
    def record() -> None:
        reading = CHOICE_FORM.read(values)
        itemised = {"yes": True, "no": False}.get(reading.text("itemised"))
        if itemised is None:
            reading.fail("itemised", "Choose itemised bills or bills without itemisation")
        wanted = {
            "itemised": itemised,
            "channel": reading.text("channel") or RequestChannel.phone.value,
            "requested_at": reading.datetime("requested_at", settings.zone),
            "note": reading.text("note"),
        }
        change = reading.schema(ChoiceUpdate, wanted)
        reading.done()
        service.record_choice(session, actor=actor, now=now, subscriber=subscriber, change=change, settings=settings)

    return submit(
        session,
        CHOICE_FORM,
        action=record,
        on_error=lambda errors, status: _choice_page(
            request, session, settings, subscriber, values=values, errors=errors, status_code=status
        ),
        success=lambda _: redirect(request, f"/subscribers/{subscriber.id}", "Recorded the subscriber's bill choice."),
    )


def _neighbours(period: str) -> tuple[str | None, str | None]:
    year, month = rules.parse_period(period)
    previous = (year - 1, 12) if month == 1 else (year, month - 1)
    following = (year + 1, 1) if month == 12 else (year, month + 1)
    shown = [f"{y:04d}-{m:02d}" for y, m in (previous, following)]
    return tuple(text if 2000 <= int(text[:4]) <= 2199 else None for text in shown)  # type: ignore[return-value]


@router.get("/subscribers/{subscriber_id:int}/bills/{period}.pdf")
def bill_pdf(
    _actor: Reader,
    session: SessionDep,
    settings: SettingsDep,
    now: NowDep,
    subscriber: SubscriberPath,
    period: PeriodPath,
) -> Response:
    bill = service.bill_for(session, subscriber=subscriber, period=period, now=now, settings=settings)
    return billing_api.bill_response(session, settings, bill, subscriber.name)


@router.get("/subscribers/{subscriber_id:int}/bills/{period}")
def bill_page(
    request: Request,
    _actor: Reader,
    session: SessionDep,
    settings: SettingsDep,
    now: NowDep,
    subscriber: SubscriberPath,
    period: PeriodPath,
) -> Response:
    bill = service.bill_for(session, subscriber=subscriber, period=period, now=now, settings=settings)
    previous, following = _neighbours(period)
    context = {
        "subscriber": subscriber,
        "bill": bill,
        "labels": CATEGORY_LABELS,
        "source": SOURCE_LABELS[bill.source],
        "pounds": pounds,
        "duration": duration,
        "previous": previous,
        "following": following,
    }
    return render(request, "billing/bill.html", context)
