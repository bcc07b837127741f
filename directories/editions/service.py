"""Editions, recipients and deliveries: producing a full edition or a delta (recorded with its time,
counts and SHA-256, its entries stored), registering directory publishers and enquiry services, and
tracking each delivery's acknowledgement as an internal deadline on the core (reminded while open).
Nothing here commits: the caller's transaction does, with the audit event each change writes.
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import datetime, timedelta

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlmodel import Session

from directories import deadlines, rules
from directories.editions import bulk
from directories.models import (
    ENTRY_COLUMNS,
    DirectoryDelivery,
    DirectoryEdition,
    DirectoryRecipient,
    EditionFormat,
    EditionKind,
    RecipientCreate,
)
from provider.deadlines import service as obligations
from provider.errors import Conflict, NotFound, invalid
from provider.security import audit
from provider.security.actor import Actor


def get_edition(session: Session, edition_id: int) -> DirectoryEdition:
    found = session.get(DirectoryEdition, edition_id)
    if found is None:
        raise NotFound(f"directory edition {edition_id} does not exist")
    return found


def list_editions(session: Session, limit: int = 100) -> list[DirectoryEdition]:
    query = select(DirectoryEdition).order_by(DirectoryEdition.id.desc()).limit(limit)
    return list(session.execute(query).scalars())


def content_query(edition: DirectoryEdition) -> tuple[object, tuple[str, ...]]:
    """The statement that gives the edition's file, and its columns."""
    if edition.kind is EditionKind.delta:
        return bulk.delta(edition.since_edition_id, edition.id), bulk.DELTA_COLUMNS
    return bulk.stored(edition.id), ENTRY_COLUMNS


def produce(
    session: Session,
    *,
    actor: Actor,
    now: datetime,
    wait_days: int,
    fmt: EditionFormat = EditionFormat.csv,
    since_edition_id: int | None = None,
    sink: bulk.Sink | None = None,
) -> DirectoryEdition:
    """Produce an edition of every entry eligible now (or the delta since another), writing its file to
    `sink` as it goes; its entries are stored so a later delta and the record of corrections can read them."""
    if since_edition_id is not None:
        try:
            get_edition(session, since_edition_id)
        except NotFound as error:
            raise invalid("since_edition_id", error.detail) from error
    kind = EditionKind.delta if since_edition_id else EditionKind.full
    edition = DirectoryEdition(
        kind=kind, format=fmt, since_edition_id=since_edition_id, produced_at=now, produced_by=actor.name
    )
    session.add(edition)
    session.flush()
    direct = kind is EditionKind.full and fmt is EditionFormat.csv
    stored = bulk.store_entries(
        session, edition_id=edition.id, cutoff=rules.informed_cutoff(now, wait_days), sink=sink if direct else None
    )
    edition.entries = stored.rows
    if kind is EditionKind.delta:
        counts = bulk.delta_counts(session, since_edition_id, edition.id)
        edition.added, edition.changed, edition.removed = counts["added"], counts["changed"], counts["removed"]
    else:
        edition.added = edition.entries
    written = stored if direct else _write(session, edition, sink)
    edition.rows, edition.byte_count, edition.sha256 = written.rows, written.byte_count, written.sha256
    session.add(edition)
    audit.record(
        session,
        actor=actor,
        action="directories.edition_produced",
        entity_type="directory_edition",
        entity_id=edition.id,
        now=now,
        after={
            "kind": kind,
            "format": fmt,
            "since": since_edition_id,
            "entries": edition.entries,
            "rows": edition.rows,
            "sha256": edition.sha256,
        },
    )
    return edition


def _write(session: Session, edition: DirectoryEdition, sink: bulk.Sink | None) -> bulk.Written:
    """The file of a delta or of a JSON-lines edition, from the entries just stored."""
    query, columns = content_query(edition)
    digest = bulk.Digest(sink)
    for chunk in bulk.stream_in(session, query, columns, edition.format):
        digest.write(chunk)
    full = edition.kind is EditionKind.full
    return digest.written(edition.entries if full else edition.added + edition.changed + edition.removed)


def content(engine: object, edition: DirectoryEdition) -> Iterator[bytes]:
    """The edition's file again, from its stored entries: the same bytes, so the same SHA-256."""
    query, columns = content_query(edition)
    return bulk.stream(engine, query, columns, edition.format)


# --- recipients and deliveries ---------------------------------------------------------------------


def list_recipients(session: Session) -> list[DirectoryRecipient]:
    return list(session.execute(select(DirectoryRecipient).order_by(DirectoryRecipient.name)).scalars())


def add_recipient(session: Session, *, actor: Actor, now: datetime, data: RecipientCreate) -> DirectoryRecipient:
    recipient = DirectoryRecipient(**data.model_dump(), created_at=now)
    session.add(recipient)
    try:
        with session.begin_nested():
            session.flush()
    except IntegrityError as error:
        raise Conflict(f"a recipient named {data.name!r} exists already") from error
    audit.record(
        session,
        actor=actor,
        action="directories.recipient_added",
        entity_type="directory_recipient",
        entity_id=recipient.id,
        now=now,
        after=data.model_dump(),
    )
    return recipient


def record_delivery(
    session: Session, *, actor: Actor, now: datetime, edition: DirectoryEdition, recipient_id: int, at: datetime | None
) -> DirectoryDelivery:
    """Record that an edition went to a recipient; its acknowledgement is due within the recipient's days."""
    recipient = session.get(DirectoryRecipient, recipient_id)
    if recipient is None:
        raise invalid("recipient_id", f"recipient {recipient_id} does not exist")
    delivered_at = at or now
    if delivered_at > now:
        raise invalid("delivered_at", "cannot be in the future")
    delivery = DirectoryDelivery(
        edition_id=edition.id, recipient_id=recipient.id, delivered_at=delivered_at, recorded_by=actor.name
    )
    session.add(delivery)
    session.flush()
    obligations.create(
        session,
        owner_kind=deadlines.DELIVERY,
        owner_id=delivery.id,
        kind=deadlines.ACKNOWLEDGEMENT,
        recipient="directory_recipient",
        statutory=False,
        basis=deadlines.BASIS,
        anchor_at=delivered_at,
        due_at=delivered_at + timedelta(days=recipient.acknowledgement_days),
        now=now,
    )
    audit.record(
        session,
        actor=actor,
        action="directories.edition_delivered",
        entity_type="directory_delivery",
        entity_id=delivery.id,
        now=now,
        after={"edition_id": edition.id, "recipient_id": recipient.id, "delivered_at": delivered_at},
    )
    return delivery


def get_delivery(session: Session, delivery_id: int) -> DirectoryDelivery:
    found = session.get(DirectoryDelivery, delivery_id)
    if found is None:
        raise NotFound(f"directory delivery {delivery_id} does not exist")
    return found


def deliveries_of(session: Session, edition_id: int) -> list[DirectoryDelivery]:
    query = select(DirectoryDelivery).where(DirectoryDelivery.edition_id == edition_id).order_by(DirectoryDelivery.id)
    return list(session.execute(query).scalars())


def acknowledge(
    session: Session, *, actor: Actor, now: datetime, delivery: DirectoryDelivery, at: datetime | None
) -> DirectoryDelivery:
    """Record the recipient's acknowledgement; its deadline is met (frozen) and no longer reminded."""
    if delivery.acknowledged_at is not None:
        raise Conflict(f"delivery {delivery.id} was acknowledged already")
    acknowledged_at = at or now
    if acknowledged_at > now or acknowledged_at < delivery.delivered_at:
        raise invalid("acknowledged_at", "must be between the delivery and now")
    delivery.acknowledged_at, delivery.acknowledged_by = acknowledged_at, actor.name
    for row in obligations.for_owners(session, deadlines.DELIVERY, [delivery.id])[delivery.id]:
        obligations.meet(row, acknowledged_at)
    session.add(delivery)
    audit.record(
        session,
        actor=actor,
        action="directories.edition_acknowledged",
        entity_type="directory_delivery",
        entity_id=delivery.id,
        now=now,
        after={"acknowledged_at": acknowledged_at},
    )
    return delivery
