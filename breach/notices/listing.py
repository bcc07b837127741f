"""What staff see of the notices: the recipients themselves (paged by id, searchable, status per person),
and why a button cannot work yet (no decision, no wording, no mail server) so it says so rather than
failing after the click."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import String, cast, func, or_, select
from sqlmodel import Session

from breach.notices import rules, service
from breach.notices.assessments import current_assessment
from breach.notices.models import Channel, NoticeRecipient, RecipientStatus
from provider.db.like import LIKE_ESCAPE, contains_pattern
from provider.settings import Settings

PAGE_SIZE = 50
RECIPIENTS = NoticeRecipient.__table__


@dataclass(frozen=True)
class RecipientPage:
    rows: list[Any]
    next_after: int | None
    query: str
    status: str


def recipient_page(
    session: Session, breach_id: int, *, query: str = "", status: str = "", after: int = 0
) -> RecipientPage:
    """One page of recipients in id order after `after`; `query` matches the name, address, e-mail, account
    reference or key (case-insensitive, literally), `status` one status."""
    statement = select(RECIPIENTS).where(RECIPIENTS.c.breach_id == breach_id, RECIPIENTS.c.id > after)
    if query.strip():
        pattern = contains_pattern(query.strip().lower())
        statement = statement.where(
            or_(
                func.lower(cast(RECIPIENTS.c.snapshot, String)).like(pattern, escape=LIKE_ESCAPE),
                func.lower(RECIPIENTS.c.recipient_key).like(pattern, escape=LIKE_ESCAPE),
            )
        )
    if status in {s.value for s in RecipientStatus}:
        statement = statement.where(RECIPIENTS.c.status == status)
    rows = session.execute(statement.order_by(RECIPIENTS.c.id).limit(PAGE_SIZE + 1)).all()
    more = len(rows) > PAGE_SIZE
    rows = rows[:PAGE_SIZE]
    return RecipientPage(rows, rows[-1].id if more else None, query, status)


def page_from_query(session: Session, breach_id: int, params: Mapping[str, str]) -> RecipientPage:
    """The page a query string asks for (q, status, after); anything unreadable is ignored, never a 500."""
    after = params.get("after", "")
    query = "".join(c for c in params.get("q", "")[:200] if c.isprintable())
    return recipient_page(
        session,
        breach_id,
        query=query,
        status=params.get("status", ""),
        after=int(after) if after.isdigit() and len(after) < 19 else 0,
    )


def _count(session: Session, *conditions: Any) -> int:
    return session.execute(select(func.count()).select_from(RECIPIENTS).where(*conditions)).scalar_one()


def blockers(session: Session, *, state: Any, breach_id: int) -> dict[str, str]:
    """Action -> why it cannot work now ('generate', 'send', 'posted'); an action absent can be tried.
    `state` is the app's state (its settings and clock)."""
    settings: Settings = state.settings
    now: datetime = state.clock.now()
    reasons: dict[str, str] = {}
    assessment = current_assessment(session, breach_id)
    if assessment is None:
        reasons["generate"] = reasons["send"] = "No decision yet: record the assessment first."
    elif assessment.outcome not in rules.NOTICE_DUE:
        reasons["generate"] = reasons["send"] = (
            f"The decision is '{rules.LABELS[assessment.outcome]}': no notices are due."
        )
    elif service.current_template(session, breach_id) is None:
        reasons["generate"] = "Write the notice wording first."
    if "generate" not in reasons and not _count(
        session, RECIPIENTS.c.breach_id == breach_id, RECIPIENTS.c.batch_id.is_(None)
    ):
        reasons["generate"] = "No recipients are waiting: choose the affected subscribers first."
    if "send" not in reasons:
        if not settings.smtp_configured:
            reasons["send"] = "E-mail is not configured (PECR_SMTP_HOST): download the letters and post them instead."
        elif assessment.delay_until is not None and now < assessment.delay_until:
            reasons["send"] = (
                f"The ICO agreed a delay ({assessment.delay_ico_reference}):"
                f" not before {assessment.delay_until:%d %b %Y %H:%M} UTC."
            )
        elif not _count(
            session,
            RECIPIENTS.c.breach_id == breach_id,
            RECIPIENTS.c.channel == Channel.email,
            RECIPIENTS.c.status.in_([RecipientStatus.generated, RecipientStatus.failed]),
        ):
            reasons["send"] = "No e-mail notices are waiting to be sent: generate them first."
    if not _count(
        session,
        RECIPIENTS.c.breach_id == breach_id,
        RECIPIENTS.c.channel == Channel.post,
        RECIPIENTS.c.status == RecipientStatus.generated,
    ):
        reasons["posted"] = "No generated letters are waiting to be posted."
    return reasons
