"""Security-risk notices, their recipients and the API's schemas."""

from __future__ import annotations

from datetime import date, datetime
from enum import StrEnum
from typing import Annotated

from pydantic import StrictInt
from sqlalchemy import JSON, Column, UniqueConstraint
from sqlmodel import Field, SQLModel

from provider.db.types import BIG_INT, MAX_ID, StrEnumType, id_field, utc_field
from provider.subscribers.models import LineService
from provider.text import Line, Lines


class Audience(StrEnum):
    all = "all"
    service = "service"  # subscribers with a line of one of the chosen services
    listed = "listed"  # the subscribers named


class NoticeStatus(StrEnum):
    draft = "draft"
    sending = "sending"
    sent = "sent"


class Delivery(StrEnum):
    pending = "pending"
    emailed = "emailed"
    # A letter to post: no e-mail address, no mail server, or an e-mail that failed its last attempt.
    # Not yet served: a letter generated and never posted reached nobody.
    letter = "letter"
    failed = "failed"  # an e-mail refused; tried again later, or posted as a letter instead
    posted = "posted"  # staff recorded the letter as posted: served by post then


class RiskNotice(SQLModel, table=True):
    __tablename__ = "security_risk_notice"

    id: int | None = id_field()
    title: str = Field(max_length=200)
    wording_version_id: int | None = Field(default=None, sa_type=BIG_INT, foreign_key="wording_version.id")
    audience: Audience = Field(default=Audience.all, sa_type=StrEnumType(Audience, 16))
    services: list[str] = Field(default_factory=list, sa_column=Column(JSON, nullable=False))
    status: NoticeStatus = Field(default=NoticeStatus.draft, sa_type=StrEnumType(NoticeStatus, 16))
    created_at: datetime = utc_field()
    created_by: str = Field(max_length=200)
    sent_at: datetime | None = utc_field(nullable=True)
    # When sending last moved on (started, or a batch committed): a send that stopped making progress
    # (the web process restarted under its background task) is picked up again by the scheduler.
    progress_at: datetime | None = utc_field(nullable=True)
    # The provider's details as they were when sending began: every letter is rebuilt from these.
    provider: dict = Field(default_factory=dict, sa_column=Column(JSON, nullable=False))


class RiskRecipient(SQLModel, table=True):
    __tablename__ = "security_risk_recipient"
    __table_args__ = (UniqueConstraint("notice_id", "subscriber_id", name="uq_security_risk_recipient"),)

    id: int | None = id_field()
    notice_id: int = Field(sa_type=BIG_INT, foreign_key="security_risk_notice.id", index=True, ondelete="CASCADE")
    subscriber_id: int = Field(sa_type=BIG_INT, foreign_key="subscriber.id", ondelete="CASCADE")
    delivery: Delivery = Field(default=Delivery.pending, sa_type=StrEnumType(Delivery, 16))
    name: str = Field(default="", max_length=200, description="as it was when sending began")
    address: str = Field(default="", max_length=500)
    email: str = Field(default="", max_length=254, description="the address used, as it was then")
    letter_sha256: str = Field(default="", max_length=64)
    failure: str = Field(default="", max_length=300)
    attempts: int = Field(default=0, sa_type=BIG_INT, description="e-mails tried; a failed one is retried to a limit")
    processed_at: datetime | None = utc_field(nullable=True)


class NoticeCreate(SQLModel):
    title: Line = Field(min_length=1, max_length=200, description="for staff; the subject of the e-mail")
    nature_of_risk: Lines = Field(min_length=1, max_length=4000)
    what_you_can_do: Lines = Field(min_length=1, max_length=4000)
    likely_cost: Lines = Field(min_length=1, max_length=2000, description='e.g. "Nothing: the update is free"')
    audience: Audience = Audience.all
    services: list[LineService] = Field(default_factory=list, max_length=len(LineService))
    subscriber_ids: list[Annotated[int, Field(ge=1, le=MAX_ID)]] = Field(default_factory=list, max_length=10_000)

    def parts(self) -> dict[str, str]:
        return {
            "title": self.title.strip(),
            "nature_of_risk": self.nature_of_risk.strip(),
            "what_you_can_do": self.what_you_can_do.strip(),
            "likely_cost": self.likely_cost.strip(),
        }


class NoticePublic(SQLModel):
    id: int
    title: str
    audience: Audience
    services: list[str]
    status: NoticeStatus
    wording_version_id: int
    created_at: datetime
    created_by: str
    sent_at: datetime | None
    recipients: int = 0
    emailed: int = 0
    letters: int = Field(default=0, description="letters waiting to be posted (not yet served)")
    posted: int = Field(default=0, description="letters staff recorded as posted (served by post)")
    failed: int = 0
    pending: int = 0


class RecipientPublic(SQLModel):
    id: int
    subscriber_id: int
    delivery: Delivery
    email: str
    letter_sha256: str
    failure: str
    processed_at: datetime | None


class SendRequest(SQLModel):
    batch_size: StrictInt = Field(default=500, ge=1, le=5000)
    limit: StrictInt | None = Field(default=None, ge=1, le=MAX_ID, description="stop after this many (then resume)")


class PostedRequest(SQLModel):
    """Staff confirm the letters to post went in the post (letters and failed e-mails alike)."""

    posted_on: date | None = Field(default=None, description="the day they were posted; today (UK) when left out")
    letters: StrictInt | None = Field(
        default=None, ge=0, le=MAX_ID, description="how many the confirmation showed: refused if that has changed"
    )
