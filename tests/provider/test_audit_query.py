"""Audit search: filters, Europe/London dates and keyset paging, straight against the database."""

from __future__ import annotations

import csv
import io
from datetime import UTC, date, datetime

from sqlmodel import Session

from provider.security import audit
from provider.security.actor import Actor, ActorKind
from provider.security.audit_query import AuditFilter, csv_chunks, search
from provider.security.models import AuditEvent


def _record(
    session: Session,
    at: datetime,
    *,
    action: str = "account.updated",
    entity_type: str = "user",
    entity_id: int = 1,
    actor: str = "alice",
) -> AuditEvent:
    kind = ActorKind.token if "/" in actor else ActorKind.user
    event = audit.record(
        session,
        actor=Actor(kind=kind, name=actor, user_id=1),
        action=action,
        entity_type=entity_type,
        entity_id=entity_id,
        now=at,
        after={"n": entity_id},
    )
    session.commit()
    return event


def _ids(events: list[AuditEvent]) -> list[int]:
    return [event.id for event in events]


def test_dates_are_london_days_not_utc_days(session):
    """In summer a London day runs from 23:00 UTC the day before to 22:59:59 UTC."""
    _record(session, datetime(2026, 6, 14, 22, 59, tzinfo=UTC))  # 14 June 23:59 BST
    _record(session, datetime(2026, 6, 14, 23, 30, tzinfo=UTC))  # 15 June 00:30 BST
    _record(session, datetime(2026, 6, 15, 22, 59, tzinfo=UTC))  # 15 June 23:59 BST
    _record(session, datetime(2026, 6, 15, 23, 0, tzinfo=UTC))  # 16 June 00:00 BST
    page = search(session, AuditFilter(date_from=date(2026, 6, 15), date_to=date(2026, 6, 15)))
    assert _ids(page.events) == [3, 2]


def test_winter_days_are_utc_days_and_the_range_spans_the_clock_change(session):
    _record(session, datetime(2026, 3, 28, 23, 59, tzinfo=UTC))  # Saturday 28 March, GMT
    _record(session, datetime(2026, 3, 29, 0, 30, tzinfo=UTC))  # Sunday 29 March 00:30 GMT (BST from 01:00)
    _record(session, datetime(2026, 3, 29, 22, 30, tzinfo=UTC))  # Sunday 29 March 23:30 BST
    _record(session, datetime(2026, 3, 29, 23, 0, tzinfo=UTC))  # Monday 30 March 00:00 BST
    page = search(session, AuditFilter(date_from=date(2026, 3, 29), date_to=date(2026, 3, 29)))
    assert _ids(page.events) == [3, 2]
    assert _ids(search(session, AuditFilter(date_from=date(2026, 3, 30))).events) == [4]


def test_entity_actor_and_action_filters(session):
    at = datetime(2026, 3, 10, 12, tzinfo=UTC)
    _record(session, at, action="account.created", entity_id=7)
    _record(session, at, action="account_x", entity_type="breach", entity_id=7)
    _record(session, at, action="accountXy", actor="bob")
    _record(session, at, action="token.created", actor="alice/billing")
    _record(session, at, action="token.created", actor="alicex")
    assert _ids(search(session, AuditFilter(entity_type="user", entity_id="7")).events) == [1]
    assert _ids(search(session, AuditFilter(action_prefix="account_")).events) == [2], "_ is not a wildcard"
    assert _ids(search(session, AuditFilter(action_prefix="account")).events) == [3, 2, 1]
    assert _ids(search(session, AuditFilter(actor_name="alice")).events) == [4, 2, 1], "own tokens, not alicex"
    assert _ids(search(session, AuditFilter(actor_name="alice/billing")).events) == [4]


def test_keyset_paging_walks_back_and_forward_without_gaps(session):
    at = datetime(2026, 3, 10, 12, tzinfo=UTC)
    for number in range(7):
        _record(session, at, entity_id=number)
    first = search(session, AuditFilter(), limit=3)
    assert _ids(first.events) == [7, 6, 5] and first.newer_after_id is None
    second = search(session, AuditFilter(), before_id=first.older_before_id, limit=3)
    assert _ids(second.events) == [4, 3, 2]
    last = search(session, AuditFilter(), before_id=second.older_before_id, limit=3)
    assert _ids(last.events) == [1] and last.older_before_id is None
    back = search(session, AuditFilter(), after_id=second.newer_after_id, limit=3)
    assert _ids(back.events) == [7, 6, 5] and back.newer_after_id is None
    middle = search(session, AuditFilter(), after_id=last.newer_after_id, limit=3)
    assert _ids(middle.events) == [4, 3, 2] and middle.newer_after_id == 4


def test_csv_streams_in_batches_with_hash_columns_oldest_first(session, engine):
    at = datetime(2026, 3, 10, 12, tzinfo=UTC)
    for number in range(5):
        _record(session, at, entity_id=number, action="breach.updated" if number % 2 else "account.updated")
    chunks = list(csv_chunks(engine, AuditFilter(), batch=2))
    assert len(chunks) == 3, "one chunk per batch of two"
    rows = list(csv.DictReader(io.StringIO("".join(chunks))))
    assert [row["id"] for row in rows] == ["1", "2", "3", "4", "5"]
    stored = {str(e.id): (e.hash, e.prev_hash) for e in search(session, AuditFilter()).events}
    session.rollback()  # on SQLite an open transaction holds the write lock the export's session waits for
    assert {row["id"]: (row["hash"], row["prev_hash"]) for row in rows} == stored
    filtered = list(csv.DictReader(io.StringIO("".join(csv_chunks(engine, AuditFilter(action_prefix="breach."))))))
    assert [row["id"] for row in filtered] == ["2", "4"]


def test_csv_of_nothing_is_just_the_header(engine):
    text = "".join(csv_chunks(engine, AuditFilter(entity_type="nothing")))
    assert (
        text.strip() == "id,occurred_at,actor_kind,actor_id,actor_name,action,entity_type,entity_id,before,after,"
        "prev_hash,hash"
    )


def test_csv_neutralises_cells_a_spreadsheet_would_run_as_formulas(session, engine):
    _record(session, datetime(2026, 3, 10, 12, tzinfo=UTC), actor="@cmd")
    row = next(csv.DictReader(io.StringIO("".join(csv_chunks(engine, AuditFilter())))))
    assert row["actor_name"] == "'@cmd"
