"""What a security-risk notice must say and how each subscriber gets it: pure functions, no I/O."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

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


def after_refusal(attempts: int, *, max_attempts: int) -> Delivery:
    """A refused e-mail is tried again until its last attempt; then the subscriber gets a letter to post
    instead (still told: reg 5(3))."""
    return Delivery.letter if attempts >= max_attempts else Delivery.failed


def posted_on_errors(posted_on: date, *, today: date, made_on: date | None) -> list[FieldError]:
    """A posting date is a day the letters existed and that has come: not in the future, not before the
    last of them was made (`made_on`, a UK date like `today`)."""
    if posted_on > today:
        return [FieldError("posted_on", f"must be today or earlier, not after {_day(today)}")]
    if made_on is not None and posted_on < made_on:
        return [FieldError("posted_on", f"must not be before the letters were made, on {_day(made_on)}")]
    return []


def _day(value: date) -> str:
    return f"{value.day} {value:%B %Y}"


def posted_at(posted_on: date, *, now: datetime, made_at: datetime | None, zone: ZoneInfo) -> datetime:
    """The moment a posting is recorded as served: now for letters posted today; for an earlier day the
    start of that UK day, yet never before the letters were made."""
    if posted_on >= now.astimezone(zone).date():
        return now
    start = datetime.combine(posted_on, time(0), tzinfo=zone).astimezone(now.tzinfo)
    return max(start, made_at) if made_at is not None else start


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
