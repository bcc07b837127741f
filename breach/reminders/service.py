"""The reminders sweep, acknowledgement and the in-app list.

`sweep` is the one service here that commits by itself, and it does so on purpose: the reminder rows
must be committed *before* any e-mail leaves, because an e-mail cannot be rolled back. The unique key
decides, inside the database, which run owns a reminder (INSERT ... ON CONFLICT DO NOTHING RETURNING);
only the run that inserted a row sends its e-mail, then records the outcome on the row.
"""

from __future__ import annotations

import smtplib
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import and_, func, select, true, update
from sqlalchemy.dialects import postgresql, sqlite
from sqlmodel import Session

from breach.models import Breach, Obligation, ObligationKind, ObligationStatus
from breach.reminders import rules
from breach.reminders.models import Channel, EmailOutcome, Reminder, Threshold
from provider.clock import format_local
from provider.errors import NotFound
from provider.notices import mail
from provider.security import audit
from provider.security.actor import Actor, system_actor
from provider.security.models import User
from provider.security.roles import Role
from provider.settings import Settings

SWEEPER = system_actor("scheduler:breach.reminders")
STAFF_ROLES = (Role.breach_manager, Role.compliance_officer)
INSERT_BATCH = 500


@dataclass(frozen=True)
class Created:
    """A reminder this run inserted (and so this run alone may e-mail)."""

    id: int
    key: str
    threshold: Threshold
    recipients: tuple[str, ...]
    subject: str
    body: str


def link_for(breach_id: int | None, kind: str, period: str) -> str:
    if breach_id is not None:
        return f"/breaches/{breach_id}"
    if kind == ObligationKind.log_submission and period:
        return f"/breaches/log?month={period}"
    return "/reminders"


def staff_recipients(session: Session) -> list[str]:
    """Active breach managers and compliance officers who have an e-mail address."""
    statement = (
        select(User.email)
        .where(User.role.in_([r.value for r in STAFF_ROLES]), User.is_active.is_(True), User.email != "")
        .distinct()
        .order_by(User.email)
    )
    return [address.strip() for address in session.execute(statement).scalars() if address.strip()]


# A breach's log_inclusion falls due with its month's log_submission: the monthly reminder covers both, and
# reminding for each breach as well would send the same message once per breach of the month.
NOT_REMINDED = (ObligationKind.log_inclusion,)


def _open_obligations(session: Session) -> list[Any]:
    return session.execute(
        select(
            Obligation.id,
            Obligation.kind,
            Obligation.statutory,
            Obligation.period,
            Obligation.anchor_at,
            Obligation.due_at,
            Obligation.created_at,
            Obligation.breach_id,
            Breach.reference,
        )
        .outerjoin(Breach, Breach.id == Obligation.breach_id)
        .where(
            Obligation.status == ObligationStatus.open,
            Obligation.due_at.is_not(None),
            Obligation.kind.not_in(NOT_REMINDED),
        )
        .order_by(Obligation.id)
    ).all()


def _existing_keys(session: Session) -> set[str]:
    return set(
        session.execute(
            select(Reminder.key)
            .join(Obligation, Obligation.id == Reminder.obligation_id)
            .where(Obligation.status == ObligationStatus.open)
        ).scalars()
    )


def _message(obligation: Any, threshold: Threshold, settings: Settings, key: str) -> tuple[str, str]:
    what = rules.describe(obligation.kind, obligation.statutory, obligation.reference, obligation.period)
    phrase = rules.THRESHOLD_PHRASES[threshold]
    subject = f"[pecr] {what[0].upper()}{what[1:]}: {phrase}"
    body = (
        f"The {what} {'is due' if threshold in rules.BEFORE_DUE else 'was due'} at "
        f"{format_local(obligation.due_at, settings.zone)}: {phrase}.\n\n"
        f"Open it in pecr: {link_for(obligation.breach_id, obligation.kind, obligation.period)}\n\n"
        f"This reminder is recorded in pecr as {key} and will not be sent again.\n"
    )
    return subject, body


def plan(session: Session, *, now: datetime, settings: Settings) -> list[dict[str, Any]]:
    """The reminder rows due now that do not exist yet (the insert still guards against races)."""
    existing = _existing_keys(session)
    staff = staff_recipients(session)
    deputy = [settings.breach_escalation_email] if settings.breach_escalation_email else []
    rows = []
    for obligation in _open_obligations(session):
        sent = {t for t in Threshold if rules.reminder_key(obligation.id, t, obligation.due_at) in existing}
        anchor = obligation.anchor_at or obligation.created_at
        for threshold in rules.due_thresholds(anchor, obligation.due_at, now, sent):
            key = rules.reminder_key(obligation.id, threshold, obligation.due_at)
            recipients = deputy if threshold is Threshold.escalated else staff
            emailed = settings.smtp_configured and bool(recipients)
            subject, body = _message(obligation, threshold, settings, key)
            rows.append(
                {
                    "obligation_id": obligation.id,
                    "key": key,
                    "threshold": threshold.value,
                    "due_at": obligation.due_at,
                    "created_at": now,
                    "recipients": list(recipients),
                    "channel": (Channel.email if emailed else Channel.in_app).value,
                    "email_outcome": (EmailOutcome.pending if emailed else EmailOutcome.none).value,
                    "email_error": "",
                    "_subject": subject,
                    "_body": body,
                }
            )
    return sorted(rows, key=lambda row: row["key"])  # one lock order for every concurrent sweeper


def insert_new(session: Session, rows: Sequence[dict[str, Any]]) -> dict[str, int]:
    """INSERT ... ON CONFLICT (key) DO NOTHING RETURNING: {key: id} of the rows this statement created."""
    dialect = postgresql if session.get_bind().dialect.name == "postgresql" else sqlite
    table = Reminder.__table__
    created: dict[str, int] = {}
    for start in range(0, len(rows), INSERT_BATCH):
        values = [{k: v for k, v in row.items() if not k.startswith("_")} for row in rows[start : start + INSERT_BATCH]]
        statement = (
            dialect.insert(table)
            .values(values)
            .on_conflict_do_nothing(index_elements=["key"])
            .returning(table.c.id, table.c.key)
        )
        created.update({key: reminder_id for reminder_id, key in session.execute(statement)})
    return created


@dataclass(frozen=True)
class Recorded:
    inserted: int
    to_email: list[Created]


def record_due(session: Session, *, now: datetime, settings: Settings, actor: Actor = SWEEPER) -> Recorded:
    """Insert the reminders due now; reports how many this call created and which of those to e-mail.
    Does not commit."""
    rows = plan(session, now=now, settings=settings)
    ids = insert_new(session, rows) if rows else {}
    to_email = [
        Created(
            ids[row["key"]],
            row["key"],
            Threshold(row["threshold"]),
            tuple(row["recipients"]),
            row["_subject"],
            row["_body"],
        )
        for row in rows
        if row["key"] in ids and row["channel"] == Channel.email.value
    ]
    if ids:
        audit.record(
            session,
            actor=actor,
            action="breach.reminders_created",
            entity_type="breach_reminder",
            entity_id=min(ids.values()),
            now=now,
            after={"count": len(ids), "emailed": len(to_email), "keys": sorted(ids)[:50]},
        )
    return Recorded(len(ids), to_email)


def deliver(session: Session, *, now: datetime, settings: Settings, created: Sequence[Created]) -> None:
    """Send the e-mails of reminders this run created and record each outcome. Does not commit."""
    if not created:
        return
    mails = [mail.Mail(to=", ".join(item.recipients), subject=item.subject, body=item.body) for item in created]
    try:
        outcomes = mail.send_many(settings, mails)
    except (OSError, smtplib.SMTPException, mail.MailNotConfigured) as error:
        outcomes = [f"{type(error).__name__}: {error}"[:300]] * len(created)
    for item, refusal in zip(created, outcomes, strict=True):
        session.execute(
            update(Reminder)
            .where(Reminder.id == item.id)
            .values(
                email_outcome=(EmailOutcome.failed if refusal else EmailOutcome.sent).value,
                email_error=(refusal or "")[:300],
                emailed_at=now,
            )
        )


def sweep(session: Session, *, now: datetime, settings: Settings) -> int:
    """Create every reminder due now, commit, then e-mail the new ones. Returns reminders created."""
    recorded = record_due(session, now=now, settings=settings)
    session.commit()
    deliver(session, now=now, settings=settings, created=recorded.to_email)
    session.commit()
    return recorded.inserted


# --- the in-app list -------------------------------------------------------------------------------


@dataclass(frozen=True)
class ReminderItem:
    reminder: Reminder
    description: str
    link: str
    obligation_status: str
    phrase: str
    kind: str = ""
    breach_id: int | None = None
    reference: str | None = None
    period: str = ""


def _with_obligation(condition: Any) -> Any:
    return (
        select(
            Reminder,
            Obligation.kind,
            Obligation.statutory,
            Obligation.period,
            Obligation.status,
            Obligation.breach_id,
            Breach.reference,
        )
        .join(Obligation, Obligation.id == Reminder.obligation_id)
        .outerjoin(Breach, Breach.id == Obligation.breach_id)
        .where(condition)
    )


def _items(rows: Sequence[Any]) -> list[ReminderItem]:
    return [
        ReminderItem(
            reminder,
            rules.describe(kind, statutory, reference, period),
            link_for(breach_id, kind, period),
            str(status),
            rules.THRESHOLD_PHRASES[Threshold(reminder.threshold)],
            str(kind),
            breach_id,
            reference,
            period,
        )
        for reminder, kind, statutory, period, status, breach_id, reference in rows
    ]


def list_reminders(
    session: Session,
    *,
    unacknowledged_only: bool = False,
    page: int = 1,
    page_size: int = 50,
) -> tuple[list[ReminderItem], int]:
    """Newest first, with the obligation and breach they are about; returns (items, total)."""
    condition = Reminder.acknowledged_at.is_(None) if unacknowledged_only else true()
    total = session.execute(select(func.count()).select_from(Reminder).where(condition)).scalar_one()
    rows = session.execute(
        _with_obligation(condition)
        .order_by(Reminder.created_at.desc(), Reminder.id.desc())
        .offset((page - 1) * page_size)
        .limit(page_size)
    ).all()
    return _items(rows), total


def page_reminders(
    session: Session,
    *,
    acknowledged: bool | None = None,
    after: int | None = None,
    limit: int = 50,
) -> tuple[list[ReminderItem], int | None]:
    """A keyset page, newest (highest id) first: items with an id below `after`; returns (items, next after)."""
    condition = true()
    if acknowledged is not None:
        condition = Reminder.acknowledged_at.is_not(None) if acknowledged else Reminder.acknowledged_at.is_(None)
    if after is not None:
        condition = and_(condition, Reminder.id < after)
    rows = session.execute(_with_obligation(condition).order_by(Reminder.id.desc()).limit(limit + 1)).all()
    items = _items(rows[:limit])
    return items, (items[-1].reminder.id if len(rows) > limit else None)


def reminder_item(session: Session, reminder_id: int) -> ReminderItem:
    rows = session.execute(_with_obligation(Reminder.id == reminder_id)).all()
    if not rows:
        raise NotFound(f"reminder {reminder_id} not found")
    return _items(rows)[0]


def unacknowledged_count(session: Session) -> int:
    return session.execute(
        select(func.count()).select_from(Reminder).where(Reminder.acknowledged_at.is_(None))
    ).scalar_one()


def unacknowledged_by_threshold(session: Session) -> dict[Threshold, int]:
    rows = session.execute(
        select(Reminder.threshold, func.count()).where(Reminder.acknowledged_at.is_(None)).group_by(Reminder.threshold)
    ).all()
    return {Threshold(threshold): count for threshold, count in rows}


def acknowledge(session: Session, *, actor: Actor, now: datetime, reminder_id: int) -> Reminder:
    """Mark a reminder as seen; acknowledging twice keeps the first acknowledgement."""
    reminder = session.get(Reminder, reminder_id)
    if reminder is None:
        raise NotFound(f"reminder {reminder_id} not found")
    if reminder.acknowledged_at is None:
        reminder.acknowledged_at = now
        reminder.acknowledged_by = actor.name
        session.add(reminder)
        audit.record(
            session,
            actor=actor,
            action="breach.reminder_acknowledged",
            entity_type="breach_reminder",
            entity_id=reminder.id,
            now=now,
            after={"key": reminder.key, "threshold": reminder.threshold},
        )
    return reminder
