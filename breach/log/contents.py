"""What a month's breach log holds (PECR reg 5A(8)): every breach the provider became aware of in that
London month, with its facts, its ICO notification times and lateness, and the customer-notice decision;
and the CSV and PDF made from it. Reads only; the monthly submission is breach.log.service.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from enum import Enum
from zoneinfo import ZoneInfo

from sqlalchemy import case, func, select
from sqlmodel import Session

from breach.deadlines import BREACH
from breach.ico.models import FilingSubmission
from breach.log import documents, rules
from breach.log.models import (
    BreachLog,
    LogRow,
)
from breach.models import Breach, BreachCorrection, CorrectionStatus, Filing, FilingStage, ObligationKind
from breach.notices.models import NoticeRecipient, RecipientStatus
from provider.clock import LONDON, ensure_utc
from provider.deadlines import rules as deadline_rules
from provider.deadlines import service as deadlines
from provider.deadlines.models import Obligation
from provider.errors import invalid
from provider.profile import service as profile_service

COPIED_FIELDS = (
    "reference",
    "title",
    "status",
    "ico_reference",
    "occurred_at",
    "occurred_is_estimate",
    "detected_at",
    "aware_at",
    "regime",
    "circumstance",
    "circumstance_detail",
    "summary",
    "location_and_media",
    "data_categories",
    "data_description",
    "individuals_affected",
    "individuals_is_estimate",
    "likely_consequences",
    "mitigation_measures",
    "protection_measures",
    "other_providers",
    "cross_border",
    "customer_notification_summary",
)


def checked_period(period: str) -> str:
    """The period as given, or Invalid naming `month` (the name the API and the page use)."""
    try:
        rules.parse_period(period)
    except ValueError as error:
        raise invalid("month", str(error)) from error
    return period


# --- building the log ------------------------------------------------------------------------------


def build_log(session: Session, *, period: str, zone: ZoneInfo = LONDON, now: datetime | None = None) -> BreachLog:
    """Every breach the provider became aware of during `period` (local months), oldest first; provisional
    when `now` is before the month's end (more breaches may still be recorded in it)."""
    checked_period(period)
    start, end = rules.period_bounds(period, zone)
    breaches = (
        session.execute(
            select(Breach).where(Breach.aware_at >= start, Breach.aware_at < end).order_by(Breach.aware_at, Breach.id)
        )
        .scalars()
        .all()
    )
    profile = profile_service.find_profile(session)
    provider = {name: str(getattr(profile, name)) for name in profile_service.FIELDS} if profile else {}
    return BreachLog(
        period=period,
        label=rules.period_label(period),
        period_start=start,
        period_end=end,
        provider=provider,
        rows=_rows(session, breaches),
        provisional=rules.is_provisional(end, now),
    )


def stamped(log: BreachLog, *, now: datetime, by: str) -> BreachLog:
    """The log as an export says it was produced: when and by whom."""
    return log.model_copy(update={"produced_at": now, "produced_by": by})


def _rows(session: Session, breaches: Sequence[Breach]) -> list[LogRow]:
    ids = [breach.id for breach in breaches]
    if not ids:
        return []
    wanted = (ObligationKind.ico_notification, ObligationKind.customer_notice_decision)
    obligations = {
        (obligation.owner_id, obligation.kind): obligation
        for obligation in session.execute(
            select(Obligation).where(deadlines.owned_by(BREACH, ids), Obligation.kind.in_(wanted))
        ).scalars()
    }
    # Only the columns the log needs: a filing row also holds its PDF, which is not read here. A filing is
    # "notified" when its submission to the ICO is recorded, at the time it was submitted.
    filings = session.execute(
        select(
            Filing.breach_id,
            Filing.stage,
            FilingSubmission.submitted_at,
            Filing.delay_reasons,
            FilingSubmission.delay_reasons,
        )
        .join(FilingSubmission, FilingSubmission.filing_id == Filing.id)
        .where(Filing.breach_id.in_(ids))
        .order_by(Filing.breach_id, FilingSubmission.submitted_at, Filing.sequence)
    ).all()
    first_by_stage: dict[tuple[int, str], datetime] = {}
    reasons: dict[int, list[str]] = {}
    for breach_id, stage, submitted_at, *given in filings:
        first_by_stage.setdefault((breach_id, str(stage)), submitted_at)
        for text in (text.strip() for text in given if text):
            if text and text not in reasons.setdefault(breach_id, []):
                reasons[breach_id].append(text)
    sent = _customers_sent(session, ids)
    original = _original_ico_due(session, ids)
    return [
        _row(
            breach,
            obligations.get((breach.id, ObligationKind.ico_notification)),
            obligations.get((breach.id, ObligationKind.customer_notice_decision)),
            {stage: first_by_stage.get((breach.id, stage.value)) for stage in FilingStage},
            "\n".join(reasons.get(breach.id, [])),
        ).model_copy(update=sent.get(breach.id, {}) | {"ico_original_due_at": original.get(breach.id)})
        for breach in breaches
    ]


def _original_ico_due(session: Session, ids: list[int]) -> dict[int, datetime]:
    """Per corrected breach: the ICO deadline as it stood before its first approved correction of the times."""
    rows = session.execute(
        select(BreachCorrection.breach_id, BreachCorrection.original_due)
        .where(BreachCorrection.breach_id.in_(ids), BreachCorrection.status == CorrectionStatus.approved)
        .order_by(BreachCorrection.id)
    ).all()
    found: dict[int, datetime] = {}
    for breach_id, due in rows:
        if breach_id not in found and (due or {}).get("ico_notification"):
            found[breach_id] = ensure_utc(datetime.fromisoformat(due["ico_notification"]))
    return found


def _customers_sent(session: Session, ids: list[int]) -> dict[int, dict[str, object]]:
    """Per breach: recipients selected, those whose notice went out, and the first and last sending."""
    done = [RecipientStatus.sent.value, RecipientStatus.generated.value]
    went = case((NoticeRecipient.status.in_(done), 1), else_=0)
    sent_at = case((NoticeRecipient.status == RecipientStatus.sent.value, NoticeRecipient.sent_at), else_=None)
    rows = session.execute(
        select(NoticeRecipient.breach_id, func.count(), func.sum(went), func.min(sent_at), func.max(sent_at))
        .where(NoticeRecipient.breach_id.in_(ids))
        .group_by(NoticeRecipient.breach_id)
    ).all()
    return {
        breach_id: {
            "customers_total": int(total),
            "customers_sent": int(count or 0),
            "customers_first_sent_at": ensure_utc(first) if first else None,
            "customers_last_sent_at": ensure_utc(last) if last else None,
        }
        for breach_id, total, count, first, last in rows
    }


def _row(
    breach: Breach,
    ico: Obligation | None,
    customer: Obligation | None,
    first_filed: dict[FilingStage, datetime | None],
    delay_reasons: str,
) -> LogRow:
    values = {name: _plain(getattr(breach, name)) for name in COPIED_FIELDS}
    first_notified = (ico.first_filed_at if ico is not None else None) or first_filed[FilingStage.initial]
    frozen = ico.late_by_seconds if ico is not None and ico.first_filed_at is not None else None
    return LogRow(
        breach_id=breach.id,
        **values,
        ico_due_at=ico.due_at if ico else None,
        ico_deadline_statutory=ico.statutory if ico else True,
        initial_notified_at=first_filed[FilingStage.initial] or first_notified,
        second_notified_at=first_filed[FilingStage.second],
        follow_up_notified_at=first_filed[FilingStage.follow_up],
        notified_late_by_seconds=deadline_rules.recorded_lateness(ico.due_at if ico else None, first_notified, frozen),
        delay_reasons=delay_reasons,
        customer_notice_decision=customer.decision if customer else "",
        customer_notice_status=str(customer.status) if customer else "",
        customer_notice_decided_at=customer.decided_at if customer else None,
        customer_notice_rationale=customer.decision_rationale if customer else "",
    )


def _plain(value: object) -> object:
    return value.value if isinstance(value, Enum) else value


def render_documents(log: BreachLog) -> tuple[bytes, bytes]:
    """(CSV, PDF) of the log; pure and repeatable, so the same log gives the same bytes."""
    return documents.render_csv(log), documents.render_pdf(log)
