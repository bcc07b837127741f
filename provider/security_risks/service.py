"""Security-risk notices' use cases: compose, choose recipients in SQL, send in resumable batches."""

from __future__ import annotations

import hashlib
from datetime import datetime
from typing import Any

from sqlalchemy import Engine, func, insert, literal, or_, select, update
from sqlmodel import Session

from provider.clock import Clock, format_local
from provider.errors import Conflict, Invalid, NotFound
from provider.notices import mail
from provider.profile.service import find_profile
from provider.security import audit
from provider.security.actor import Actor
from provider.security_risks import documents, rules
from provider.security_risks.models import (
    Audience,
    Delivery,
    NoticeCreate,
    NoticePublic,
    NoticeStatus,
    RiskNotice,
    RiskRecipient,
)
from provider.settings import Settings
from provider.subscribers.models import Line, Subscriber
from provider.wording import bulk as served
from provider.wording import service as wording
from provider.wording.models import PersonKind, ServedChannel
from provider.wording.rules import Purpose

NOTICE = Purpose(
    name="security_risks.notice", label="Security-risk notice", parts=rules.PARTS, owner_kind="security_risk"
)


def _refuse(errors: list) -> None:
    if errors:
        raise Invalid("; ".join(f"{e.field}: {e.reason}" for e in errors), errors=errors)


def get_notice(session: Session, notice_id: int) -> RiskNotice:
    found = session.get(RiskNotice, notice_id)
    if found is None:
        raise NotFound(f"there is no security-risk notice {notice_id}")
    return found


def parts_of(session: Session, notice: RiskNotice) -> dict[str, str]:
    return dict(wording.get_version(session, notice.wording_version_id).parts)


def public(session: Session, notice: RiskNotice) -> NoticePublic:
    rows = session.execute(
        select(RiskRecipient.delivery, func.count())
        .where(RiskRecipient.notice_id == notice.id)
        .group_by(RiskRecipient.delivery)
    ).all()
    counts = {Delivery(delivery): count for delivery, count in rows}
    return NoticePublic(
        **notice.model_dump(exclude={"provider"}),
        recipients=sum(counts.values()),
        emailed=counts.get(Delivery.emailed, 0),
        letters=counts.get(Delivery.letter, 0),
        posted=counts.get(Delivery.posted, 0),
        failed=counts.get(Delivery.failed, 0),
        pending=counts.get(Delivery.pending, 0),
    )


def list_notices(session: Session) -> list[RiskNotice]:
    return list(session.scalars(select(RiskNotice).order_by(RiskNotice.created_at.desc(), RiskNotice.id.desc())))


def create(session: Session, *, actor: Actor, now: datetime, data: NoticeCreate) -> RiskNotice:
    _refuse(rules.audience_errors(data.audience, data.services, data.subscriber_ids))
    if data.subscriber_ids:
        known = set(session.scalars(select(Subscriber.id).where(Subscriber.id.in_(data.subscriber_ids))))
        missing = sorted(set(data.subscriber_ids) - known)
        if missing:
            _refuse([rules.FieldError("subscriber_ids", f"no subscriber {', '.join(map(str, missing[:10]))}")])
    notice = RiskNotice(
        title=data.title.strip(),
        audience=data.audience,
        services=[service.value for service in data.services],
        created_at=now,
        created_by=actor.name,
    )
    session.add(notice)
    session.flush()
    version = wording.save(
        session,
        actor=actor,
        now=now,
        purpose=NOTICE,
        parts=data.parts(),
        owner_kind="security_risk",
        owner_id=notice.id,
    )
    notice.wording_version_id = version.id
    if data.audience is Audience.listed:
        session.add_all(
            RiskRecipient(notice_id=notice.id, subscriber_id=sid) for sid in sorted(set(data.subscriber_ids))
        )
    session.add(notice)
    audit.record(
        session,
        actor=actor,
        action="security_risk.notice_created",
        entity_type="security_risk_notice",
        entity_id=notice.id,
        now=now,
        after={"audience": data.audience.value, "version_id": version.id},
    )
    return notice


def _audience_filter(notice: RiskNotice) -> Any:
    if notice.audience is Audience.service:
        on_service = select(Line.id).where(Line.subscriber_id == Subscriber.id, Line.service.in_(notice.services))
        return on_service.exists()
    return literal(True)


def start(session: Session, *, actor: Actor, now: datetime, notice: RiskNotice) -> None:
    """Fix the recipients (one INSERT ... SELECT) and the provider's details; the wording is frozen."""
    if notice.status is not NoticeStatus.draft:
        return
    profile = find_profile(session)
    if profile is None:
        raise Conflict("fill in the provider profile first: every notice carries the provider's name and contact point")
    if notice.audience is not Audience.listed:
        chosen = select(literal(notice.id), Subscriber.id, Subscriber.name, Subscriber.address, Subscriber.email).where(
            _audience_filter(notice)
        )
        columns = ["notice_id", "subscriber_id", "name", "address", "email"]
        session.execute(insert(RiskRecipient).from_select(columns, chosen))
    else:
        _snapshot_listed(session, notice.id)
    notice.provider = profile.model_dump(exclude={"id", "updated_at"})
    notice.status, notice.progress_at = NoticeStatus.sending, now
    session.add(notice)
    wording.mark_used(session, version_id=notice.wording_version_id, now=now)
    audit.record(
        session,
        actor=actor,
        action="security_risk.sending_started",
        entity_type="security_risk_notice",
        entity_id=notice.id,
        now=now,
        after={"recipients": public(session, notice).recipients},
    )


def _snapshot_listed(session: Session, notice_id: int) -> None:
    for recipient, subscriber in session.execute(
        select(RiskRecipient, Subscriber)
        .join(Subscriber, Subscriber.id == RiskRecipient.subscriber_id)
        .where(RiskRecipient.notice_id == notice_id)
    ):
        recipient.name, recipient.address, recipient.email = subscriber.name, subscriber.address, subscriber.email
        session.add(recipient)


def letter(parts: dict[str, str], notice: RiskNotice, recipient: RiskRecipient, zone: Any) -> bytes:
    snapshot = {"id": recipient.id, "name": recipient.name, "address": recipient.address}
    return documents.letter_pdf(parts, notice.provider, snapshot, format_local(notice.created_at, zone)[:11])


def _send_batch(
    session: Session, notice: RiskNotice, batch: list[RiskRecipient], settings: Settings, now: datetime
) -> None:
    parts = parts_of(session, notice)
    provider_name = notice.provider.get("trading_name") or notice.provider.get("legal_name", "")
    to_mail = []
    for recipient in batch:
        recipient.failure = ""
        recipient.letter_sha256 = hashlib.sha256(letter(parts, notice, recipient, settings.zone)).hexdigest()
        recipient.delivery = rules.delivery_for(recipient.email, mail_configured=settings.smtp_configured)
        recipient.processed_at = now
        if recipient.delivery is Delivery.emailed:
            recipient.attempts += 1
            body = rules.email_text(parts, provider_name=provider_name, subscriber_name=recipient.name)
            to_mail.append((recipient, mail.Mail(to=recipient.email, subject=parts["title"], body=body, date=now)))
    try:
        outcomes = mail.send_many(settings, [m for _, m in to_mail]) if to_mail else []
    except mail.DeliveryInterrupted as error:
        outcomes = error.delivered + [f"not sent: {error.reason}"[:300]] * (len(to_mail) - len(error.delivered))
    for (recipient, _), outcome in zip(to_mail, outcomes, strict=True):
        if outcome:
            recipient.failure = outcome[:300]
            recipient.delivery = rules.after_refusal(
                recipient.attempts, max_attempts=settings.security_risk_email_attempts
            )
    session.add_all(batch)
    # Only e-mails are served now; a letter is served when staff record it posted (`posting`).
    served.record_served(
        session,
        version_id=notice.wording_version_id,
        channel=ServedChannel.email,
        served_at=now,
        people=[
            served.Person(PersonKind.subscriber, r.subscriber_id, f"risk-{notice.id}")
            for r in batch
            if r.delivery is Delivery.emailed
        ],
        served_in="security_risk_notice",
        served_in_id=notice.id,
    )


def send(
    engine: Engine,
    *,
    actor: Actor,
    now: datetime,
    settings: Settings,
    notice_id: int,
    batch_size: int = 500,
    limit: int | None = None,
    clock: Clock | None = None,
) -> int:
    """Work through the pending recipients, a committed batch at a time; returns how many were done.
    Safe to call again after an interruption: only recipients still pending are taken. Each batch
    records the notice's progress at `clock`'s time (`now` without one), so the scheduler can tell a
    live send from one whose process went away (`resume`)."""
    with Session(engine, expire_on_commit=False) as session:
        notice = get_notice(session, notice_id)
        start(session, actor=actor, now=now, notice=notice)
        session.commit()
    done = 0
    while limit is None or done < limit:
        size = batch_size if limit is None else min(batch_size, limit - done)
        with Session(engine, expire_on_commit=False) as session:
            notice = get_notice(session, notice_id)
            batch = list(
                session.scalars(
                    select(RiskRecipient)
                    .where(RiskRecipient.notice_id == notice_id, RiskRecipient.delivery == Delivery.pending)
                    .order_by(RiskRecipient.id)
                    .limit(size)
                    .with_for_update(skip_locked=True)
                )
            )
            if not batch:
                _finish(session, actor, now, notice)
                session.commit()
                return done
            _send_batch(session, notice, batch, settings, now)
            notice.progress_at = clock.now() if clock is not None else now
            session.add(notice)
            session.commit()
            done += len(batch)
    return done


def _finish(session: Session, actor: Actor, now: datetime, notice: RiskNotice) -> None:
    if notice.status is NoticeStatus.sent:
        return
    notice.status, notice.sent_at = NoticeStatus.sent, now
    session.add(notice)
    counts = public(session, notice)
    audit.record(
        session,
        actor=actor,
        action="security_risk.sent",
        entity_type="security_risk_notice",
        entity_id=notice.id,
        now=now,
        after={"emailed": counts.emailed, "letters": counts.letters, "failed": counts.failed},
    )


# --- resuming (the scheduler's job, provider.security_risks.jobs) --------------------------------------


def _retryable(notice_id: int, now: datetime, max_attempts: int) -> Any:
    return (
        (RiskRecipient.notice_id == notice_id)
        & (RiskRecipient.delivery == Delivery.failed)
        & (RiskRecipient.attempts < max_attempts)
        & or_(RiskRecipient.processed_at.is_(None), RiskRecipient.processed_at <= now - rules.RETRY_AFTER)
    )


def stalled_notices(session: Session, *, now: datetime, max_attempts: int) -> list[int]:
    """Notices no send is working on (`rules.stalled`) with recipients still pending, or with failed
    e-mails due another try."""
    candidates = session.execute(
        select(RiskNotice.id, RiskNotice.progress_at).where(RiskNotice.status != NoticeStatus.draft)
    ).all()
    found = []
    for notice_id, progress_at in candidates:
        if not rules.stalled(progress_at, now):
            continue
        waiting = (RiskRecipient.notice_id == notice_id) & (RiskRecipient.delivery == Delivery.pending)
        if session.scalar(
            select(select(RiskRecipient.id).where(waiting | _retryable(notice_id, now, max_attempts)).exists())
        ):
            found.append(notice_id)
    return found


def resume(engine: Engine, *, actor: Actor, clock: Clock, settings: Settings, batch_size: int = 500) -> int:
    """Carry on every stalled send and try failed e-mails again (each at most
    `settings.security_risk_email_attempts` times); returns how many recipients were done."""
    now, attempts = clock.now(), settings.security_risk_email_attempts
    with Session(engine) as session:
        notice_ids = stalled_notices(session, now=now, max_attempts=attempts)
    done = 0
    for notice_id in notice_ids:
        with Session(engine) as session:
            retried = session.execute(
                update(RiskRecipient).where(_retryable(notice_id, now, attempts)).values(delivery=Delivery.pending)
            ).rowcount
            session.execute(update(RiskNotice).where(RiskNotice.id == notice_id).values(progress_at=now))
            audit.record(
                session,
                actor=actor,
                action="security_risk.sending_resumed",
                entity_type="security_risk_notice",
                entity_id=notice_id,
                now=now,
                after={"retried": retried},
            )
            session.commit()
        done += send(
            engine, actor=actor, now=now, settings=settings, notice_id=notice_id, batch_size=batch_size, clock=clock
        )
    return done
