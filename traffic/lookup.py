"""Finding traffic records by the other party's number: through its keyed hash, never by decrypting a table.

The number is brought to its matching form (`provider.subscribers.phone.matching_form`, E.164 where it can
be read as a number) and hashed with the look-up key, so `07700 900123` and `+447700900123` find the same
records. Records come a page at a time in (day, id) order, the page's last (day, id) as the cursor, so a
page costs one indexed range read whatever the page number; the day range is bounded, so on PostgreSQL
only those daily partitions are read. Each found record's fields are decrypted with its day's key; a day
whose key was destroyed is reported as erased, never as an error.
"""

from __future__ import annotations

import base64
import binascii
import json
from datetime import date

from cryptography.exceptions import InvalidTag
from sqlalchemy import and_, or_, select
from sqlmodel import Session

from provider.errors import invalid
from provider.security.keystore import KeyStore
from traffic import keys
from traffic.ingest import CELL, OTHER
from traffic.models import MAX_SEARCH_DAYS, RecordFound, RecordReadability, RecordSearch, RecordSearchPage
from traffic.models import TrafficRecord as Record

MAX_ID = 2**63 - 1
Cursor = tuple[date, int]


def encode_cursor(cursor: Cursor) -> str:
    raw = json.dumps([cursor[0].isoformat(), cursor[1]], separators=(",", ":")).encode()
    return base64.urlsafe_b64encode(raw).decode().rstrip("=")


def decode_cursor(text: str) -> Cursor:
    """The (day, id) a cursor names; a 422 naming `cursor` for anything this search did not hand out."""
    try:
        day, record_id = json.loads(base64.urlsafe_b64decode(text + "=" * (-len(text) % 4)))
        if type(record_id) is not int or not 0 <= record_id <= MAX_ID:
            raise ValueError(record_id)
        return date.fromisoformat(day), record_id
    except (ValueError, TypeError, binascii.Error, UnicodeDecodeError):
        raise invalid("cursor", "is not a cursor a previous page of this search returned") from None


def check_range(search: RecordSearch) -> None:
    if search.to_day < search.from_day:
        raise invalid("to", "is before from")
    if (search.to_day - search.from_day).days >= MAX_SEARCH_DAYS:
        raise invalid("to", f"is more than {MAX_SEARCH_DAYS} days after from: search at most {MAX_SEARCH_DAYS} days")


def _found(keyring: keys.Keyring, row) -> RecordFound:
    fields = {"other_party": None, "cell_id": None}
    try:
        cipher = keyring.reader(row.day)
        fields = {
            "other_party": None if row.other_party_enc is None else keys.decrypt(cipher, OTHER, row.other_party_enc),
            "cell_id": None if row.cell_enc is None else keys.decrypt(cipher, CELL, row.cell_enc),
        }
        status = RecordReadability.readable
    except keys.KeyDestroyed:
        status = RecordReadability.erased
    except InvalidTag:
        status = RecordReadability.unreadable
    return RecordFound(
        id=row.id, day=row.day, kind=row.kind, direction=row.direction, line_id=row.line_id,
        subscriber_id=row.subscriber_id, start_at=row.start_at, end_at=row.end_at,
        duration_seconds=row.duration_seconds, status=status, **fields,
    )  # fmt: skip


def find_by_number(
    session: Session, *, search: RecordSearch, master_key: str, store: KeyStore | None = None
) -> RecordSearchPage:
    """One page of the records whose other party is `search.number`, oldest day first."""
    check_range(search)
    after = decode_cursor(search.cursor) if search.cursor else None
    keyring = keys.Keyring(session, master_key, store=store)
    wanted = keyring.existing_number_hash(search.number)
    if wanted is None:  # no look-up key yet: no record was ever hashed, so none can match
        return RecordSearchPage(records=[], next_cursor=None)
    statement = (
        select(Record.id, Record.day, Record.kind, Record.direction, Record.line_id, Record.subscriber_id,
               Record.start_at, Record.end_at, Record.duration_seconds, Record.other_party_enc, Record.cell_enc)
        .where(Record.other_party_hash == wanted, Record.day >= search.from_day, Record.day <= search.to_day)
        .order_by(Record.day, Record.id)
        .limit(search.limit + 1)
    )  # fmt: skip
    if after is not None:
        statement = statement.where(or_(Record.day > after[0], and_(Record.day == after[0], Record.id > after[1])))
    rows = session.execute(statement).all()
    page = [_found(keyring, row) for row in rows[: search.limit]]
    more = len(rows) > search.limit
    return RecordSearchPage(records=page, next_cursor=encode_cursor((page[-1].day, page[-1].id)) if more else None)
