"""The reminders sweep over every domain's open obligations (the in-app list is provider.deadlines.inbox).

`sweep` is the one service here that commits by itself, and it does so on purpose: the reminder rows
must be committed *before* any e-mail leaves, because an e-mail cannot be rolled back. The unique key
decides, inside the database, which run owns a reminder (INSERT ... ON CONFLICT DO NOTHING RETURNING);
only the run that inserted a row sends its e-mail, then records the outcome on the row. Who receives a
reminder is the policy in this package's docstring (rules.recipients); what it says and links to comes
from the owning domain's declarations (registry).
"""

from __future__ import annotations

import smtplib
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from sqlalchemy import select, update
from sqlalchemy.dialects import postgresql, sqlite
from sqlmodel import Session

from provider.clock import format_local
from provider.deadlines import owners, registry, rules
from provider.deadlines.models import Channel, EmailOutcome, Obligation, ObligationStatus, Reminder, Threshold
from provider.notices import mail
from provider.security import audit
from provider.security.actor import Actor, system_actor
from provider.settings import Settings

# The job id the sweep had when it was breach's own: job history and operators' scripts name it.
JOB_ID = "breach.reminders"
SWEEPER = system_actor(f"scheduler:{JOB_ID}")
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


def _open_obligations(session: Session) -> list[Any]:
    rows = session.execute(
        select(
            Obligation.id,
            Obligation.owner_kind,
            Obligation.owner_id,
            Obligation.kind,
            Obligation.statutory,
            Obligation.period,
            Obligation.anchor_at,
            Obligation.due_at,
            Obligation.created_at,
        )
        .where(Obligation.status == ObligationStatus.open, Obligation.due_at.is_not(None))
        .order_by(Obligation.id)
    ).all()
    # A kind whose reminder another kind's covers is left out (breach: a breach's log entry falls due with
    # its month's log submission, whose reminder covers every breach of the month).
    return [row for row in rows if row.kind not in registry.get(row.owner_kind).unreminded]


def _existing_keys(session: Session) -> set[str]:
    return set(
        session.execute(
            select(Reminder.key)
            .join(Obligation, Obligation.id == Reminder.obligation_id)
            .where(Obligation.status == ObligationStatus.open)
        ).scalars()
    )


@dataclass
class _Audience:
    """Who may be told, gathered once per sweep: named people per item, fallback roles and escalation per kind."""

    session: Session
    settings: Settings
    named: dict[tuple[str, int], owners.Addresses] = field(default_factory=dict)
    fallback: dict[str, list[str]] = field(default_factory=dict)

    def load(self, obligations: Sequence[Any]) -> _Audience:
        by_kind: dict[str, set[int]] = defaultdict(set)
        for obligation in obligations:
            if obligation.owner_id is not None:
                by_kind[obligation.owner_kind].add(obligation.owner_id)
        for owner_kind, ids in by_kind.items():
            for owner_id, found in owners.addresses(self.session, owner_kind, ids).items():
                self.named[(owner_kind, owner_id)] = found
        return self

    def recipients(self, obligation: Any, threshold: Threshold) -> list[str]:
        declared = registry.get(obligation.owner_kind)
        if declared.name not in self.fallback:
            self.fallback[declared.name] = owners.role_addresses(self.session, declared.fallback_roles)
        named = self.named.get((obligation.owner_kind, obligation.owner_id), owners.Addresses())
        return rules.recipients(
            threshold,
            owner=named.owner,
            deputy=named.deputy,
            fallback=self.fallback[declared.name],
            escalation=declared.escalation_addresses(self.settings),
        )


def _message(
    obligation: Any, reference: str | None, threshold: Threshold, settings: Settings, key: str
) -> tuple[str, str]:
    declared = registry.get(obligation.owner_kind)
    what = registry.describe(obligation.owner_kind, obligation.kind, obligation.statutory, reference, obligation.period)
    phrase = rules.threshold_phrase(threshold, declared.fractions(obligation.kind))
    subject = f"[pecr] {what[0].upper()}{what[1:]}: {phrase}"
    body = (
        f"The {what} {'is due' if threshold in rules.BEFORE_DUE else 'was due'} at "
        f"{format_local(obligation.due_at, settings.zone)}: {phrase}.\n\n"
        f"Open it in pecr: {registry.link_for(obligation.owner_kind, obligation.owner_id, obligation.period)}\n\n"
        f"This reminder is recorded in pecr as {key} and will not be sent again.\n"
    )
    return subject, body


def plan(session: Session, *, now: datetime, settings: Settings) -> list[dict[str, Any]]:
    """The reminder rows due now that do not exist yet (the insert still guards against races)."""
    existing = _existing_keys(session)
    obligations = _open_obligations(session)
    references = registry.references_of(session, [(o.owner_kind, o.owner_id) for o in obligations])
    audience = _Audience(session, settings).load(obligations)
    rows = []
    for obligation in obligations:
        fractions = registry.get(obligation.owner_kind).fractions(obligation.kind)
        sent = {t for t in Threshold if rules.reminder_key(obligation.id, t, obligation.due_at) in existing}
        anchor = obligation.anchor_at or obligation.created_at
        for threshold in rules.due_thresholds(anchor, obligation.due_at, now, sent, fractions):
            key = rules.reminder_key(obligation.id, threshold, obligation.due_at)
            recipients = audience.recipients(obligation, threshold)
            emailed = settings.smtp_configured and bool(recipients)
            reference = references.get((obligation.owner_kind, obligation.owner_id))
            subject, body = _message(obligation, reference, threshold, settings, key)
            rows.append(
                {
                    "obligation_id": obligation.id,
                    "key": key,
                    "threshold": threshold.value,
                    "due_at": obligation.due_at,
                    "created_at": now,
                    "recipients": recipients,
                    "channel": (Channel.email if emailed else Channel.in_app).value,
                    "email_outcome": (EmailOutcome.pending if emailed else EmailOutcome.none).value,
                    "email_error": "",
                    "_subject": subject,
                    "_body": body,
                    "_audit_prefix": registry.get(obligation.owner_kind).action_prefix,
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


def _audit_created(
    session: Session, *, actor: Actor, now: datetime, rows: Sequence[dict[str, Any]], ids: dict[str, int]
) -> None:
    """One event per domain per sweep that created something, named with the domain's audit prefix."""
    by_prefix: dict[str, list[dict[str, Any]]] = defaultdict(list)
    for row in rows:
        if row["key"] in ids:
            by_prefix[row["_audit_prefix"]].append(row)
    for prefix, created in sorted(by_prefix.items()):
        keys = sorted(row["key"] for row in created)
        audit.record(
            session,
            actor=actor,
            action=f"{prefix}.reminders_created",
            entity_type="reminder",
            entity_id=min(ids[key] for key in keys),
            now=now,
            after={
                "count": len(keys),
                "emailed": sum(1 for row in created if row["channel"] == Channel.email.value),
                "keys": keys[:50],
            },
        )


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
        _audit_created(session, actor=actor, now=now, rows=rows, ids=ids)
    return Recorded(len(ids), to_email)


def deliver(session: Session, *, now: datetime, settings: Settings, created: Sequence[Created]) -> None:
    """Send the e-mails of reminders this run created and record each outcome. Does not commit."""
    if not created:
        return
    mails = [
        mail.Mail(to=", ".join(item.recipients), subject=item.subject, body=item.body, date=now) for item in created
    ]
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
