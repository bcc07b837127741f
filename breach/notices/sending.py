"""E-mailing generated customer notices (PECR reg 5A(3), 611/2013 Art 3) in the background.

A route only *starts* a send (`start_sending`: checks, marks batches `sending`, audits, commits) and
hands it to a thread (`start_in_background`); GET .../notices/sending shows the progress.

Each recipient is e-mailed at most once by a run. A run claims a chunk (default 100) in one short
transaction: generated (or failed) -> `sending`, `sent_at` holding the claim time; other runs skip
claimed rows (FOR UPDATE SKIP LOCKED on PostgreSQL; SQLite serialises writers). The e-mail body is
rebuilt and checked against its stored SHA-256; each outcome (sent, bounced) is committed the moment
the server answers, with its served record (provider.wording), so a run killed (kill -9) part-way
leaves at most the one message in flight unknown. Resuming sends only what is generated or failed;
claims older than STALE_CLAIM go back to be sent: that one message may then go twice, with the same
Message-ID (derived from the notice), so mail clients show it once. Letters: see bulk.record_posted.
"""

from __future__ import annotations

import logging
import smtplib
import threading
from collections import Counter
from collections.abc import Callable
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import Engine, bindparam, func, select, update
from sqlmodel import Session

from breach.notices import bulk, outbox, service
from breach.notices.models import (
    BatchStatus,
    Channel,
    NoticeBatch,
    RecipientStatus,
    SendProgress,
    SendResult,
)
from provider.clock import Clock
from provider.errors import Conflict
from provider.notices import mail
from provider.security import audit
from provider.security.actor import Actor
from provider.settings import Settings

SEND_CHUNK = 100
STALE_CLAIM = timedelta(minutes=15)  # far longer than one chunk takes, even with slow SMTP time-outs
RECIPIENTS = bulk.RECIPIENTS
BATCHES = NoticeBatch.__table__
MISMATCH = "the rebuilt notice does not match its stored SHA-256: not sent"
STATUS_URL = "/api/v1/breaches/{breach_id}/notices/sending"
Progress = Callable[[int], None]
log = logging.getLogger(__name__)


def check_can_send(session: Session, *, settings: Settings, now: datetime, breach_id: int) -> None:
    """Refuse when SMTP is not configured, no notices are due, or an ICO-agreed delay has not ended."""
    service.get_breach(session, breach_id)
    if not settings.smtp_configured:
        raise Conflict(
            "e-mail sending is not configured (set PECR_SMTP_HOST): nothing was sent; the letters can"
            " still be downloaded and posted"
        )
    assessment = bulk.notice_due(session, breach_id)
    if assessment.delay_until is not None and now < assessment.delay_until:
        raise Conflict(
            f"the ICO agreed a delay ({assessment.delay_ico_reference}): notices may not be sent before"
            f" {assessment.delay_until.isoformat()}"
        )


def start_sending(session: Session, *, actor: Actor, now: datetime, settings: Settings, breach_id: int) -> int:
    """Mark every batch with e-mail notices waiting as `sending`; returns how many wait. The caller commits,
    then runs `run_sending` (in the background from a route)."""
    check_can_send(session, settings=settings, now=now, breach_id=breach_id)
    if running := bulk.batches_with_status(session, breach_id, BatchStatus.sending):
        raise Conflict(
            f"e-mails for batch {running[0][1]} are already being sent; if that stopped (the count"
            " does not move), resume it"
        )
    if generating := bulk.batches_with_status(session, breach_id, BatchStatus.generating):
        raise Conflict(f"batch {generating[0][1]} is still being generated: send when it has finished")
    ready = {
        batch_id
        for batch_id, _ in bulk.batches_with_status(session, breach_id, BatchStatus.generated, BatchStatus.sent)
    }
    waiting = {
        batch_id: count
        for batch_id, count in bulk.emails_waiting_by_batch(session, breach_id).items()
        if batch_id in ready
    }
    if not waiting:
        raise Conflict(
            "no e-mail notices are waiting to be sent: generate them first (letters by post are"
            " recorded as posted instead)"
        )
    session.execute(update(BATCHES).where(BATCHES.c.id.in_(list(waiting))).values(status=BatchStatus.sending))
    audit.record(
        session,
        actor=actor,
        action="breach.notices_sending_started",
        entity_type="breach",
        entity_id=breach_id,
        now=now,
        after={"batches": sorted(waiting), "to_send": sum(waiting.values())},
    )
    return sum(waiting.values())


def resume_sending(session: Session, *, actor: Actor, now: datetime, settings: Settings, breach_id: int) -> int:
    """Let a stopped run continue: claims older than STALE_CLAIM go back to generated. Returns how many
    notices wait. The caller commits, then runs `run_sending`."""
    check_can_send(session, settings=settings, now=now, breach_id=breach_id)
    batch_ids = [batch_id for batch_id, _ in bulk.batches_with_status(session, breach_id, BatchStatus.sending)]
    if not batch_ids:
        raise Conflict("no e-mail sending to resume: nothing is being sent for this breach")
    released = session.execute(
        update(RECIPIENTS)
        .where(
            RECIPIENTS.c.batch_id.in_(batch_ids),
            RECIPIENTS.c.status == RecipientStatus.sending,
            RECIPIENTS.c.sent_at < now - STALE_CLAIM,
        )
        .values(status=RecipientStatus.generated, sent_at=None)
    ).rowcount
    waiting = sum(
        count for batch_id, count in bulk.emails_waiting_by_batch(session, breach_id).items() if batch_id in batch_ids
    )
    audit.record(
        session,
        actor=actor,
        action="breach.notices_sending_resumed",
        entity_type="breach",
        entity_id=breach_id,
        now=now,
        after={"batches": batch_ids, "to_send": waiting, "stale_claims_released": released},
    )
    return waiting


# --- the run -------------------------------------------------------------------------------------------------


def _claim(engine: Engine, batch_id: int, after_id: int, size: int, now: datetime) -> list[Any]:
    """Take the next chunk for this run; rows another run holds are skipped, never shared."""
    chosen = (
        select(RECIPIENTS.c.id)
        .where(
            RECIPIENTS.c.batch_id == batch_id,
            RECIPIENTS.c.channel == Channel.email,
            RECIPIENTS.c.status.in_(bulk.SENDABLE),
            RECIPIENTS.c.id > after_id,
        )
        .order_by(RECIPIENTS.c.id)
        .limit(size)
        .with_for_update(skip_locked=True)
    )
    with Session(engine) as session:
        rows = session.execute(
            update(RECIPIENTS)
            .where(RECIPIENTS.c.id.in_(chosen), RECIPIENTS.c.status.in_(bulk.SENDABLE))
            .values(status=RecipientStatus.sending, sent_at=now)
            .returning(*bulk.SERVED_COLUMNS, RECIPIENTS.c.snapshot, RECIPIENTS.c.pdf_sha256, RECIPIENTS.c.email_sha256)
        ).all()
        session.commit()
    return sorted(rows, key=lambda row: row.id)


def _deliver(
    engine: Engine, settings: Settings, fields: dict[str, str], batch: NoticeBatch, rows: list[Any], clock: Clock
) -> tuple[dict[int, tuple[RecipientStatus, str]], str]:
    """Send one claimed chunk over one connection, recording each outcome the moment the server answers
    (a kill -9 then leaves at most the one message in flight unknown); returns the outcomes not yet
    recorded and a server failure."""
    outcomes: dict[int, tuple[RecipientStatus, str]] = {}
    mails: list[tuple[int, mail.Mail]] = []
    by_id = {row.id: row for row in rows}
    for row in rows:
        built = outbox.mail_for(fields, batch, row, clock.now())
        if built is None:
            outcomes[row.id] = (RecipientStatus.failed, MISMATCH)
        else:
            mails.append((row.id, built))

    def answered(index: int, refusal: str | None) -> None:
        recipient_id = mails[index][0]
        status = RecipientStatus.sent if refusal is None else RecipientStatus.bounced
        _record(engine, [by_id[recipient_id]], {recipient_id: (status, (refusal or "")[:300])}, clock.now())

    detail = ""
    delivered: list[str | None] = []
    try:
        delivered = mail.send_many(settings, [m for _, m in mails], on_result=answered) if mails else []
    except mail.DeliveryInterrupted as error:
        # Those the server accepted before the connection failed are recorded; only the rest are retried.
        delivered, detail = error.delivered, f"the mail server failed: {error.reason}"[:300]
    except (OSError, smtplib.SMTPException) as error:
        detail = f"the mail server failed: {error}"[:300]
    for index, (recipient_id, _) in enumerate(mails):
        if index >= len(delivered):
            outcomes[recipient_id] = (RecipientStatus.failed, detail)
    return outcomes, detail, delivered


def _record(
    engine: Engine, claimed: list[Any], outcomes: dict[int, tuple[RecipientStatus, str]], now: datetime
) -> None:
    """Each recipient's outcome, and for those sent a served record (provider.wording), in one transaction."""
    if not outcomes:
        return
    rows = [
        {
            "rid": recipient_id,
            "new_status": status,
            "error": error,
            "at": now if status == RecipientStatus.sent else None,
        }
        for recipient_id, (status, error) in outcomes.items()
    ]
    with Session(engine) as session:
        session.execute(
            update(RECIPIENTS)
            .where(RECIPIENTS.c.id == bindparam("rid"))
            .values(status=bindparam("new_status"), sent_at=bindparam("at"), delivery_error=bindparam("error")),
            rows,
        )
        sent = [row for row in claimed if outcomes[row.id][0] == RecipientStatus.sent]
        bulk.record_served(session, rows=sent, channel=Channel.email, now=now)
        session.commit()


def _send_batch(
    engine: Engine,
    *,
    settings: Settings,
    clock: Clock,
    batch_id: int,
    chunk_size: int,
    counts: Counter[RecipientStatus],
    progress: Progress | None,
) -> str:
    """Send every claimable notice of one batch, chunk by chunk; returns a server failure ('' if none)."""
    batch, fields = bulk.load_batch(engine, batch_id)
    after_id = 0
    while rows := _claim(engine, batch_id, after_id, chunk_size, clock.now()):
        outcomes, detail, delivered = _deliver(engine, settings, fields, batch, rows, clock)
        _record(engine, [row for row in rows if row.id in outcomes], outcomes, clock.now())
        counts.update(status for status, _ in outcomes.values())
        counts.update(RecipientStatus.sent if refusal is None else RecipientStatus.bounced for refusal in delivered)
        after_id = rows[-1].id
        if progress is not None:
            progress(sum(counts.values()))
        if detail:
            return detail
    return ""


def run_sending(
    engine: Engine,
    *,
    settings: Settings,
    clock: Clock,
    actor: Actor,
    breach_id: int,
    chunk_size: int = SEND_CHUNK,
    progress: Progress | None = None,
) -> SendResult:
    """E-mail the notices of every batch marked `sending`; stops at the first mail-server failure."""
    with Session(engine) as session:
        batch_ids = [batch_id for batch_id, _ in bulk.batches_with_status(session, breach_id, BatchStatus.sending)]
        session.commit()
    counts: Counter[RecipientStatus] = Counter()
    detail = ""
    for batch_id in batch_ids:
        detail = _send_batch(
            engine,
            settings=settings,
            clock=clock,
            batch_id=batch_id,
            chunk_size=chunk_size,
            counts=counts,
            progress=progress,
        )
        if detail:
            break
    result = SendResult(
        sent=counts[RecipientStatus.sent],
        bounced=counts[RecipientStatus.bounced],
        failed=counts[RecipientStatus.failed],
        stopped_early=bool(detail),
        detail=detail,
    )
    _finish(engine, actor=actor, clock=clock, breach_id=breach_id, batch_ids=batch_ids, result=result)
    return result


def _finish(
    engine: Engine, *, actor: Actor, clock: Clock, breach_id: int, batch_ids: list[int], result: SendResult
) -> None:
    """A batch leaves `sending` once none of its notices is claimed: `sent`, or `generated` after a server
    failure so that a new send retries the failed ones. Audited with this run's counts."""
    with Session(engine) as session:
        now = clock.now()
        in_flight = set(
            session.execute(
                select(RECIPIENTS.c.batch_id).where(
                    RECIPIENTS.c.batch_id.in_(batch_ids), RECIPIENTS.c.status == RecipientStatus.sending
                )
            ).scalars()
        )
        settled = [batch_id for batch_id in batch_ids if batch_id not in in_flight]
        session.execute(
            update(BATCHES)
            .where(BATCHES.c.id.in_(settled), BATCHES.c.status == BatchStatus.sending)
            .values(status=BatchStatus.generated if result.stopped_early else BatchStatus.sent)
        )
        audit.record(
            session,
            actor=actor,
            action="breach.notices_sent",
            entity_type="breach",
            entity_id=breach_id,
            now=now,
            after=result.model_dump() | {"batches": batch_ids},
        )
        service.refresh_customer_summary(session, actor=actor, now=now, breach_id=breach_id)
        session.commit()


def send(
    engine: Engine, *, settings: Settings, clock: Clock, actor: Actor, breach_id: int, chunk_size: int = SEND_CHUNK
) -> SendResult:
    """Start and run a send to the end in this thread (scripts and tests; routes use the background)."""
    with Session(engine) as session:
        start_sending(session, actor=actor, now=clock.now(), settings=settings, breach_id=breach_id)
        session.commit()
    return run_sending(engine, settings=settings, clock=clock, actor=actor, breach_id=breach_id, chunk_size=chunk_size)


def _run_logged(engine: Engine, *, settings: Settings, clock: Clock, actor: Actor, breach_id: int) -> None:
    try:
        result = run_sending(engine, settings=settings, clock=clock, actor=actor, breach_id=breach_id)
        log.info("customer notices for breach %s: %s", breach_id, result.model_dump())
    except Exception:  # a thread has no caller to raise to: log it; the batch stays `sending`, resumable
        log.exception("sending customer notices for breach %s stopped", breach_id)


def start_in_background(
    engine: Engine, *, settings: Settings, clock: Clock, actor: Actor, breach_id: int
) -> threading.Thread:
    """Run `run_sending` in a daemon thread: a shutdown interrupts it and a resume continues it."""
    thread = threading.Thread(
        target=_run_logged,
        name=f"pecr-notice-send-{breach_id}",
        daemon=True,
        kwargs={"engine": engine, "settings": settings, "clock": clock, "actor": actor, "breach_id": breach_id},
    )
    thread.start()
    return thread


def progress(session: Session, breach_id: int) -> SendProgress:
    """The e-mail notices of a breach by status, and the batches being sent."""
    service.get_breach(session, breach_id)
    counts = dict(
        session.execute(
            select(RECIPIENTS.c.status, func.count())
            .where(
                RECIPIENTS.c.breach_id == breach_id,
                RECIPIENTS.c.channel == Channel.email,
                RECIPIENTS.c.batch_id.is_not(None),
            )
            .group_by(RECIPIENTS.c.status)
        ).all()
    )
    batch_ids = [batch_id for batch_id, _ in bulk.batches_with_status(session, breach_id, BatchStatus.sending)]
    return SendProgress(
        breach_id=breach_id,
        running=bool(batch_ids),
        batches_sending=batch_ids,
        waiting=counts.get(RecipientStatus.generated, 0),
        in_flight=counts.get(RecipientStatus.sending, 0),
        sent=counts.get(RecipientStatus.sent, 0),
        bounced=counts.get(RecipientStatus.bounced, 0),
        failed=counts.get(RecipientStatus.failed, 0),
        status_url=STATUS_URL.format(breach_id=breach_id),
    )
