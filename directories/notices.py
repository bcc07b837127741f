"""Serving the directory information notice to individual subscribers not yet informed (PECR reg 18: an
individual is told before being listed), in batches: letters (PDF files) for people without an e-mail
address or when no mail server is configured, e-mails for the rest. Each batch commits on its own, so
an interrupted run keeps what it did.

Serving is recorded on the wording core (provider.wording.bulk), which starts the person's opt-out
period, only once the notice has actually left: an e-mail when the mail server accepts it (one it
refused is not recorded, so that person is tried again next run); a letter when staff confirm the
batch was posted (`record_posted`), as breach letters are, because a letter generated and never posted
reached nobody. Until then the letter is pending and the person gets no second one.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import Any

from sqlalchemy import Engine, and_, exists, func, insert, select, update
from sqlmodel import Session

from directories import documents, queries, service
from directories.models import DirectoryNoticeBatch, DirectoryNoticeLetter
from provider.clock import london
from provider.errors import Conflict, NotFound
from provider.notices import mail
from provider.profile.models import ProfileBase
from provider.profile.service import find_profile
from provider.security import audit
from provider.security.actor import Actor
from provider.settings import Settings
from provider.subscribers.models import Line, Subscriber
from provider.wording import bulk as wording_bulk
from provider.wording.models import PersonKind, ServedChannel, WordingVersion

BATCH_SIZE = 500
LETTERS = DirectoryNoticeLetter.__table__  # type: ignore[attr-defined]


@dataclass
class Progress:
    letters: int = 0
    emails: int = 0
    batches: list[int] = field(default_factory=list)


def uninformed_count(session: Session) -> int:
    return session.execute(select(func.count()).select_from(_uninformed(0).order_by(None).subquery())).scalar_one()


def _uninformed(after_id: int) -> Any:
    """Individuals with a line who were never served any version of the notice and have no letter
    waiting to be posted, in id order."""
    served, condition = queries.served_notices()
    informed = exists().where(condition, served.c.person_id == Subscriber.id)
    pending = exists().where(LETTERS.c.subscriber_id == Subscriber.id, LETTERS.c.posted_at.is_(None))
    has_line = exists().where(Line.subscriber_id == Subscriber.id)
    return (
        select(Subscriber.id, Subscriber.name, Subscriber.address, Subscriber.email)
        .where(and_(Subscriber.kind == "individual", Subscriber.id > after_id, has_line, ~informed, ~pending))
        .order_by(Subscriber.id)
    )


def _snapshot(session: Session, now: datetime) -> dict[str, Any]:
    profile = find_profile(session)
    if profile is None:
        raise Conflict("the provider profile has not been set up: an administrator must fill it in first")
    local = london(now)
    return {
        "provider": {name: getattr(profile, name) for name in ProfileBase.model_fields},
        "letter_date": f"{local.day} {local:%B %Y}",
    }


def _send(
    settings: Settings, version: WordingVersion, snapshot: dict[str, Any], people: list[dict], now: datetime
) -> list[dict]:
    """E-mail each person (plain text and HTML, from the provider's name); returns those the server
    accepted. The Message-ID is the notice's reference, so a message built again is recognisably the same."""
    mails = [
        mail.Mail(
            to=p["email"],
            subject=documents.TITLE,
            body=documents.email_body(version.parts, snapshot, p),
            html=documents.email_html(version.parts, snapshot, p),
            from_name=documents.sender_name(snapshot),
            message_id=f"{p['reference']}.v{version.id}",
            date=now,
        )
        for p in people
    ]
    outcomes = mail.send_many(settings, mails)
    return [person for person, refused in zip(people, outcomes, strict=False) if refused is None]


def _batch(
    session: Session,
    *,
    actor: Actor,
    now: datetime,
    settings: Settings,
    version: WordingVersion,
    rows: list[Any],
    out_dir: Path,
) -> DirectoryNoticeBatch:
    batch = DirectoryNoticeBatch(version_id=version.id, created_at=now, created_by=actor.name)
    session.add(batch)
    session.flush()
    snapshot = _snapshot(session, now)
    people = [
        {"id": r.id, "name": r.name, "address": r.address, "email": r.email, "reference": f"DN-{batch.id}-{r.id}"}
        for r in rows
    ]
    by_email = [p for p in people if p["email"]] if settings.smtp_configured else []
    by_post = [p for p in people if p not in by_email]
    emailed = _send(settings, version, snapshot, by_email, now) if by_email else []
    if by_post:
        content = documents.letters_pdf(version.parts, snapshot, by_post, f"DN-{batch.id}")
        path = out_dir / f"directory-notices-{batch.id}.pdf"
        path.write_bytes(content)
        batch.documents = [{"file": path.name, "sha256": hashlib.sha256(content).hexdigest(), "letters": len(by_post)}]
        session.execute(
            insert(LETTERS),
            [{"batch_id": batch.id, "subscriber_id": p["id"], "reference": p["reference"]} for p in by_post],
        )
    wording_bulk.record_served(
        session,
        version_id=version.id,
        channel=ServedChannel.email,
        served_at=now,
        people=[wording_bulk.Person(PersonKind.subscriber, p["id"], p["reference"]) for p in emailed],
        served_in=DirectoryNoticeBatch.__tablename__,
        served_in_id=batch.id,
    )
    batch.letters, batch.emails = len(by_post), len(emailed)
    session.add(batch)
    audit.record(
        session,
        actor=actor,
        action="directories.notices_served",
        entity_type="directory_notice_batch",
        entity_id=batch.id,
        now=now,
        after={
            "version_id": version.id,
            "letters": batch.letters,
            "emails": batch.emails,
            "documents": batch.documents,
        },
    )
    return batch


def serve_uninformed(
    engine: Engine,
    *,
    actor: Actor,
    now: datetime,
    settings: Settings,
    out_dir: Path,
    batch_size: int = BATCH_SIZE,
    advance: Callable[[int], None] | None = None,
) -> Progress:
    """Serve the current notice to every individual not yet informed, a batch per transaction."""
    progress, after = Progress(), 0
    with Session(engine, expire_on_commit=False) as session:
        version = service.current_notice(session)
        if version is None:
            raise Conflict("save the directory information notice first")
        while True:
            rows = session.execute(_uninformed(after).limit(batch_size)).all()
            if not rows:
                return progress
            batch = _batch(
                session, actor=actor, now=now, settings=settings, version=version, rows=rows, out_dir=out_dir
            )
            session.commit()
            progress.letters, progress.emails = progress.letters + batch.letters, progress.emails + batch.emails
            progress.batches.append(batch.id)
            after = rows[-1].id
            if advance:
                advance(progress.letters + progress.emails)


def waiting_for_post(session: Session) -> list[DirectoryNoticeBatch]:
    """Batches with letters generated but not yet confirmed posted, oldest first."""
    waiting = exists().where(LETTERS.c.batch_id == DirectoryNoticeBatch.id, LETTERS.c.posted_at.is_(None))
    return list(
        session.execute(select(DirectoryNoticeBatch).where(waiting).order_by(DirectoryNoticeBatch.id)).scalars()
    )


def record_posted(session: Session, *, actor: Actor, now: datetime, batch_id: int | None = None) -> int:
    """Staff confirm the letters of one batch (or of every batch) went in the post: each letter still
    pending is recorded as served now, which starts its person's opt-out period. In the caller's
    transaction; returns how many letters were recorded."""
    query = select(DirectoryNoticeBatch).order_by(DirectoryNoticeBatch.id)
    if batch_id is not None:
        if session.get(DirectoryNoticeBatch, batch_id) is None:
            raise NotFound(f"directory notice batch {batch_id} does not exist")
        query = query.where(DirectoryNoticeBatch.id == batch_id)
    waiting = exists().where(LETTERS.c.batch_id == DirectoryNoticeBatch.id, LETTERS.c.posted_at.is_(None))
    posted = 0
    for batch in session.execute(query.where(waiting)).scalars().all():
        letters = session.execute(
            select(LETTERS.c.subscriber_id, LETTERS.c.reference).where(
                LETTERS.c.batch_id == batch.id, LETTERS.c.posted_at.is_(None)
            )
        ).all()
        wording_bulk.record_served(
            session,
            version_id=batch.version_id,
            channel=ServedChannel.post,
            served_at=now,
            people=(wording_bulk.Person(PersonKind.subscriber, row.subscriber_id, row.reference) for row in letters),
            served_in=DirectoryNoticeBatch.__tablename__,
            served_in_id=batch.id,
        )
        session.execute(
            update(LETTERS).where(LETTERS.c.batch_id == batch.id, LETTERS.c.posted_at.is_(None)).values(posted_at=now)
        )
        batch.posted_at, batch.posted_by = now, actor.name
        session.add(batch)
        posted += len(letters)
        audit.record(
            session,
            actor=actor,
            action="directories.notice_letters_posted",
            entity_type="directory_notice_batch",
            entity_id=batch.id,
            now=now,
            after={"letters": len(letters), "posted_at": now.isoformat()},
        )
    return posted
