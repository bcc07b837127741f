"""What a security-risk notice must say and how each subscriber gets it: pure functions, no I/O."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import datetime, timedelta

from provider.errors import FieldError
from provider.security_risks.models import Audience, Delivery

PARTS = ("title", "nature_of_risk", "what_you_can_do", "likely_cost")
# A send with no progress for this long is taken as stopped (its process gone): far longer than a batch.
STALE_SEND = timedelta(minutes=15)
# A failed e-mail waits this long before it is tried again, so a mail server's short outage can pass.
RETRY_AFTER = timedelta(minutes=30)


def stalled(progress_at: datetime | None, now: datetime) -> bool:
    """No send is making progress on the notice (none ever recorded its progress, or long ago)."""
    return progress_at is None or progress_at <= now - STALE_SEND


def audience_errors(audience: Audience, services: Sequence[str], subscriber_ids: Sequence[int]) -> list[FieldError]:
    if audience is Audience.service and not services:
        return [FieldError("services", "choose at least one service, or send to every subscriber")]
    if audience is Audience.listed and not subscriber_ids:
        return [FieldError("subscriber_ids", "name at least one subscriber, or send to every subscriber")]
    return []


def delivery_for(email: str, *, mail_configured: bool) -> Delivery:
    """E-mail where there is an address and a mail server; otherwise a letter to post: the subscriber
    is told either way (reg 5(3) has no exception for those without an e-mail address)."""
    return Delivery.emailed if email and mail_configured else Delivery.letter


def email_text(parts: Mapping[str, str], *, provider_name: str, subscriber_name: str) -> str:
    """The e-mail: the three things the regulation names, each under its own heading, and no charge."""
    return "\n\n".join(
        [
            f"Dear {subscriber_name or 'customer'},",
            f"{provider_name} is writing to tell you about a risk to the security of your service.",
            f"What the risk is\n{parts['nature_of_risk']}",
            f"What you can do\n{parts['what_you_can_do']}",
            f"What it may cost you\n{parts['likely_cost']}",
            "This notice is free of charge. We will never ask for your password by e-mail.",
            f"{provider_name}",
        ]
    )
