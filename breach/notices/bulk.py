"""Generating customer notices for up to hundreds of thousands of recipients (sending: see sending.py).

Storage decision: a recipient row keeps the SHA-256 of its letter and e-mail body, not the PDF bytes
(100,000 letters x ~5 KB would be ~500 MB per breach). The letter is rebuilt on demand from what is
stored — the template version, the batch snapshot (provider details, letter date, breach reference)
and the recipient snapshot — in reportlab's invariant mode, so the rebuilt bytes hash to the stored
SHA-256; every download checks that, and refuses a letter that no longer matches.

Memory stays flat: recipients are read, rendered and updated in chunks (default 1,000) with each
chunk's PDFs discarded after hashing; progress (generated/total) is committed on the batch row after
every chunk, so a page can show it and an interrupted run resumes where it stopped. Rendering happens
outside any transaction, so the SQLite write lock is held only for the short read and update.
Auditing is per batch (start, finish, send), not per recipient: 100,000 events would drown the trail.
"""

from __future__ import annotations

import itertools
import multiprocessing
from collections import deque
from collections.abc import Callable, Iterator
from datetime import datetime
from typing import Any

from sqlalchemy import Engine, bindparam, func, select, update
from sqlmodel import Session

from breach.notices import assessments, documents, rules, service
from breach.notices.models import (
    BatchStatus,
    Channel,
    NoticeBatch,
    NoticeRecipient,
    RecipientRole,
    RecipientStatus,
)
from provider import evidence
from provider.clock import Clock
from provider.errors import Conflict, NotFound
from provider.security import audit
from provider.security.actor import Actor
from provider.wording import bulk as wording_bulk
from provider.wording import service as wording_service
from provider.wording.models import PersonKind, ServedChannel

GENERATION_CHUNK = 1000
POST_CHUNK = 5000
RECIPIENTS = NoticeRecipient.__table__
SENDABLE = (RecipientStatus.generated, RecipientStatus.failed)
# What recording a served notice needs of a recipient row.
SERVED_COLUMNS = (
    RECIPIENTS.c.id,
    RECIPIENTS.c.batch_id,
    RECIPIENTS.c.role,
    RECIPIENTS.c.subscriber_id,
    RECIPIENTS.c.line_user_id,
)
Progress = Callable[[int, int], None]


def reference_for(batch_snapshot: dict[str, Any], recipient_id: int) -> str:
    return f"{batch_snapshot['breach_reference']}-N{recipient_id}"


def notice_due(session: Session, breach_id: int) -> Any:
    assessment = assessments.current_assessment(session, breach_id)
    if assessment is None:
        raise Conflict("record the assessment first: no decision on customer notices has been made")
    if assessment.outcome not in rules.NOTICE_DUE:
        raise Conflict(f"the current decision is '{rules.LABELS[assessment.outcome]}': no notices are due")
    return assessment


def start_generation(session: Session, *, actor: Actor, now: datetime, breach_id: int) -> NoticeBatch:
    """Claim every waiting recipient for a new batch under the current wording; the caller commits, then runs it."""
    breach = service.get_breach(session, breach_id)
    assessment = notice_due(session, breach_id)
    template = service.current_template(session, breach_id)
    if template is None:
        raise Conflict("write the notice wording first")
    waiting = session.execute(
        select(func.count())
        .select_from(NoticeRecipient)
        .where(NoticeRecipient.breach_id == breach_id, NoticeRecipient.batch_id.is_(None))
    ).scalar_one()
    if not waiting:
        raise Conflict("no recipients are waiting: choose the affected subscribers first")
    last = session.execute(select(func.max(NoticeBatch.sequence)).where(NoticeBatch.breach_id == breach_id)).scalar()
    snapshot = {
        "provider": service.provider_snapshot(session),
        "letter_date": service.local_date(now),
        "created_at": now.isoformat(),
        "breach_reference": breach.reference,
        "template_version": template.version,
    }
    batch = NoticeBatch(
        breach_id=breach_id,
        sequence=(last or 0) + 1,
        template_id=template.id,
        assessment_id=assessment.id,
        snapshot=snapshot,
        created_by=actor.name,
        created_at=now,
    )
    session.add(batch)
    session.flush()
    claimed = session.execute(
        update(RECIPIENTS)
        .where(
            RECIPIENTS.c.breach_id == breach_id,
            RECIPIENTS.c.batch_id.is_(None),
        )
        .values(batch_id=batch.id, template_id=template.id)
    )
    batch.total = claimed.rowcount
    wording_service.mark_used(session, version_id=template.id, now=now)  # frozen from here: edits make a new version
    session.add(batch)
    session.flush()
    audit.record(
        session,
        actor=actor,
        action="breach.notices_generation_started",
        entity_type="breach_notice_batch",
        entity_id=batch.id,
        now=now,
        after={"breach_id": breach_id, "recipients": batch.total, "template_version": template.version},
    )
    return batch


def batch_of(session: Session, breach_id: int, batch_id: int) -> NoticeBatch:
    batch = session.get(NoticeBatch, batch_id)
    if batch is None or batch.breach_id != breach_id:
        raise NotFound(f"breach {breach_id} has no notice batch {batch_id}")
    return batch


def load_batch(engine: Engine, batch_id: int) -> tuple[NoticeBatch, dict[str, str]]:
    with Session(engine, expire_on_commit=False) as session:
        batch = session.get(NoticeBatch, batch_id)
        if batch is None:
            raise NotFound(f"notice batch {batch_id} does not exist")
        return batch, service.version_fields(session, batch.template_id)


def _next_chunk(engine: Engine, batch_id: int, after_id: int, size: int) -> list[Any]:
    with Session(engine) as session:
        rows = session.execute(
            select(RECIPIENTS.c.id, RECIPIENTS.c.snapshot)
            .where(
                RECIPIENTS.c.batch_id == batch_id,
                RECIPIENTS.c.status == RecipientStatus.pending,
                RECIPIENTS.c.id > after_id,
            )
            .order_by(RECIPIENTS.c.id)
            .limit(size)
        ).all()
        session.commit()
        return rows


def render(
    fields: dict[str, str], batch_snapshot: dict[str, Any], recipient_id: int, snapshot: dict[str, Any]
) -> tuple[bytes, str]:
    reference = reference_for(batch_snapshot, recipient_id)
    return (
        documents.letter_pdf(fields, batch_snapshot, snapshot, reference),
        documents.email_body(fields, batch_snapshot, snapshot, reference),
    )


def render_hashes(
    fields: dict[str, str], batch_snapshot: dict[str, Any], rows: list[tuple[int, dict[str, Any]]]
) -> list[dict[str, Any]]:
    """SHA-256 of each recipient's letter and e-mail body; the PDFs are dropped at once (runs in a worker)."""
    hashes = []
    for recipient_id, snapshot in rows:
        letter, body = render(fields, batch_snapshot, recipient_id, snapshot)
        hashes.append({"rid": recipient_id, "pdf": evidence.sha256(letter), "body": evidence.sha256(body)})
    return hashes


def _chunks_of(engine: Engine, batch_id: int, chunk_size: int) -> Iterator[list[tuple[int, dict[str, Any]]]]:
    after_id = 0
    while rows := _next_chunk(engine, batch_id, after_id, chunk_size):
        yield [(row[0], row[1]) for row in rows]
        after_id = rows[-1][0]


def _store_hashes(engine: Engine, batch_id: int, updates: list[dict[str, Any]], now: datetime) -> int:
    """One chunk's outcome in one transaction (only rows still pending: a re-run never counts twice)."""
    with Session(engine) as session:
        session.execute(
            update(RECIPIENTS)
            .where(RECIPIENTS.c.id == bindparam("rid"), RECIPIENTS.c.status == RecipientStatus.pending)
            .values(
                status=RecipientStatus.generated,
                pdf_sha256=bindparam("pdf"),
                email_sha256=bindparam("body"),
                generated_at=now,
            ),
            updates,
        )
        done = session.execute(
            select(func.count())
            .select_from(NoticeRecipient)
            .where(NoticeRecipient.batch_id == batch_id, NoticeRecipient.status != RecipientStatus.pending)
        ).scalar_one()
        session.execute(update(NoticeBatch).where(NoticeBatch.id == batch_id).values(generated=done))
        session.commit()
    return done


def run_generation(
    engine: Engine,
    *,
    batch_id: int,
    clock: Clock,
    actor: Actor,
    chunk_size: int = GENERATION_CHUNK,
    progress: Progress | None = None,
    workers: int = 1,
) -> NoticeBatch:
    """Render every pending recipient of the batch, chunk by chunk; safe to re-run after an interruption
    (kill -9 included): each chunk's hashes and the batch's count commit together, so a re-run renders
    only what is still pending. With `workers` > 1 the rendering runs in a process pool (one per core),
    at most two chunks per worker in flight, so memory stays flat however many recipients there are."""
    batch, fields = load_batch(engine, batch_id)
    chunks = _chunks_of(engine, batch_id, chunk_size)
    if workers <= 1:
        for rows in chunks:
            done = _store_hashes(engine, batch_id, render_hashes(fields, batch.snapshot, rows), clock.now())
            if progress is not None:
                progress(done, batch.total)
    else:
        with multiprocessing.get_context("spawn").Pool(workers) as pool:
            pending: deque[Any] = deque()
            for rows in itertools.chain(chunks, [None]):
                if rows is not None:
                    pending.append(pool.apply_async(render_hashes, (fields, batch.snapshot, rows)))
                while pending and (rows is None or len(pending) >= 2 * workers):
                    done = _store_hashes(engine, batch_id, pending.popleft().get(), clock.now())
                    if progress is not None:
                        progress(done, batch.total)
    return _finish_generation(engine, batch_id=batch_id, clock=clock, actor=actor)


def _finish_generation(engine: Engine, *, batch_id: int, clock: Clock, actor: Actor) -> NoticeBatch:
    with Session(engine, expire_on_commit=False) as session:
        batch = session.get(NoticeBatch, batch_id)
        now = clock.now()
        if batch.status != BatchStatus.generated:
            batch.status, batch.generated_at = BatchStatus.generated, now
            session.add(batch)
            audit.record(
                session,
                actor=actor,
                action="breach.notices_generated",
                entity_type="breach_notice_batch",
                entity_id=batch_id,
                now=now,
                after={"generated": batch.generated, "total": batch.total},
            )
            service.refresh_customer_summary(session, actor=actor, now=now, breach_id=batch.breach_id)
        session.commit()
        return batch


def regenerate(session: Session, recipient_id: int) -> tuple[NoticeRecipient, bytes, str]:
    """Rebuild a recipient's letter and e-mail body from the stored snapshots; refuse if the hash differs."""
    recipient = session.get(NoticeRecipient, recipient_id)
    if recipient is None or recipient.batch_id is None or recipient.status == RecipientStatus.pending:
        raise NotFound(f"no generated notice for recipient {recipient_id}")
    batch = session.get(NoticeBatch, recipient.batch_id)
    fields = service.version_fields(session, recipient.template_id)
    letter, body = render(fields, batch.snapshot, recipient.id, recipient.snapshot)
    if evidence.sha256(letter) != recipient.pdf_sha256:
        raise Conflict(f"the rebuilt letter for recipient {recipient_id} does not match its stored SHA-256")
    return recipient, letter, body


# --- letters by post and downloads (sending e-mail lives in breach.notices.sending) ----------------------


def record_posted(session: Session, *, actor: Actor, now: datetime, breach_id: int) -> int:
    """Staff confirm the generated letters (recipients without e-mail) went in the post.

    A letter is recorded as served (provider.wording) here, when staff confirm it was posted, not when it
    was generated: a letter generated and never posted reached nobody. Chunk by chunk, so 100,000
    letters never sit in memory at once.
    """
    service.get_breach(session, breach_id)
    posted = after_id = 0
    while rows := _letters_to_post(session, breach_id, after_id):
        ids = [row.id for row in rows]
        session.execute(
            update(RECIPIENTS).where(RECIPIENTS.c.id.in_(ids)).values(status=RecipientStatus.sent, sent_at=now)
        )
        record_served(session, rows=rows, channel=Channel.post, now=now)
        posted, after_id = posted + len(rows), ids[-1]
    audit.record(
        session,
        actor=actor,
        action="breach.notice_letters_posted",
        entity_type="breach",
        entity_id=breach_id,
        now=now,
        after={"letters": posted},
    )
    service.refresh_customer_summary(session, actor=actor, now=now, breach_id=breach_id)
    return posted


def _letters_to_post(session: Session, breach_id: int, after_id: int) -> list[Any]:
    return session.execute(
        select(*SERVED_COLUMNS)
        .where(
            RECIPIENTS.c.breach_id == breach_id,
            RECIPIENTS.c.channel == Channel.post,
            RECIPIENTS.c.status == RecipientStatus.generated,
            RECIPIENTS.c.id > after_id,
        )
        .order_by(RECIPIENTS.c.id)
        .limit(POST_CHUNK)
    ).all()


def record_served(session: Session, *, rows: list[Any], channel: Channel, now: datetime) -> None:
    """Record in provider.wording that each recipient (rows of SERVED_COLUMNS) was served their notice's
    wording version, batch by batch, in the caller's transaction."""
    by_batch: dict[int, list[Any]] = {}
    for row in rows:
        by_batch.setdefault(row.batch_id, []).append(row)
    for batch_id, members in by_batch.items():
        batch = session.get(NoticeBatch, batch_id)
        wording_bulk.record_served(
            session,
            version_id=batch.template_id,
            channel=ServedChannel(channel.value),
            served_at=now,
            people=(_person(row, batch.snapshot) for row in members),
            served_in=NoticeBatch.__tablename__,
            served_in_id=batch_id,
        )


def _person(row: Any, batch_snapshot: dict[str, Any]) -> wording_bulk.Person:
    reference = reference_for(batch_snapshot, row.id)  # names the notice, not the person
    if row.role == RecipientRole.user:
        return wording_bulk.Person(PersonKind.line_user, row.line_user_id, reference)
    return wording_bulk.Person(PersonKind.subscriber, row.subscriber_id, reference)


def batches_with_status(session: Session, breach_id: int, *statuses: BatchStatus) -> list[tuple[int, int]]:
    """(id, sequence) of the breach's batches in these statuses, oldest first."""
    return [
        tuple(row)
        for row in session.execute(
            select(NoticeBatch.id, NoticeBatch.sequence)
            .where(NoticeBatch.breach_id == breach_id, NoticeBatch.status.in_(statuses))
            .order_by(NoticeBatch.sequence)
        ).all()
    ]


def emails_waiting_by_batch(session: Session, breach_id: int) -> dict[int, int]:
    """Batch id -> e-mail notices in it that are generated or failed, so may be sent."""
    return dict(
        session.execute(
            select(RECIPIENTS.c.batch_id, func.count())
            .where(
                RECIPIENTS.c.breach_id == breach_id,
                RECIPIENTS.c.channel == Channel.email,
                RECIPIENTS.c.status.in_(SENDABLE),
            )
            .group_by(RECIPIENTS.c.batch_id)
        ).all()
    )


def letter_ids(
    engine: Engine, breach_id: int, channel: Channel | None, size: int = GENERATION_CHUNK
) -> Iterator[list[int]]:
    after_id = 0
    while True:
        with Session(engine) as session:
            query = select(NoticeRecipient.id).where(
                NoticeRecipient.breach_id == breach_id,
                NoticeRecipient.status != RecipientStatus.pending,
                NoticeRecipient.batch_id.is_not(None),
                NoticeRecipient.id > after_id,
            )
            if channel is not None:
                query = query.where(NoticeRecipient.channel == channel)
            ids = list(session.execute(query.order_by(NoticeRecipient.id).limit(size)).scalars())
            session.commit()
        if not ids:
            return
        yield ids
        after_id = ids[-1]
