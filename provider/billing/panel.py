"""The "Itemised bills" box on the subscriber page: the current choice, its history, recent bills."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlmodel import Session

from provider.billing import service
from provider.billing.presenters import CHANNEL_LABELS, choice_words
from provider.security.roles import Permission
from provider.settings import Settings
from provider.subscribers.models import Subscriber
from provider.subscribers.panels import SubscriberPanel


def recent_periods(now: datetime, settings: Settings, count: int = 3) -> list[str]:
    local = now.astimezone(settings.zone)
    year, month = local.year, local.month
    periods = []
    for _ in range(count):
        periods.append(f"{year:04d}-{month:02d}")
        year, month = (year - 1, 12) if month == 1 else (year, month - 1)
    return periods


def build(*, session: Session, subscriber: Subscriber, now: datetime, settings: Settings, **_: Any) -> dict[str, Any]:
    billing = service.billing_of(session, subscriber, settings)
    return {
        "subscriber_id": subscriber.id,
        "choice": choice_words(billing.itemised),
        "default": billing.default,
        "history": billing.history[:5],
        "channels": CHANNEL_LABELS,
        "periods": recent_periods(now, settings),
    }


PANEL = SubscriberPanel("Itemised bills", "billing/panel.html", build, Permission.billing_read)
