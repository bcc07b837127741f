"""Choosing who is told of a breach: by subscriber id, account reference or line number (lists or CSV).

Whom (PECR reg 5A(3) says "subscriber or user"; product decision): the subscriber of every affected
line is always a recipient; a named user of an affected line (provider.subscribers LineUser) is a
recipient too when their contact is an e-mail address, because a user is not party to the contract
and we hold no postal address for them; users with only a telephone contact are counted and reported
so staff can call them. A user's notice names only their own line, never the subscriber's account.

All or nothing: every identifier is checked first; one unknown and nothing is added, each bad entry
named by its position (CSV line number). Rows are inserted set-based, in batches, not one by one
(provider.db.bulk: COPY on PostgreSQL).
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable, Iterator, Sequence
from datetime import datetime
from typing import Any

from email_validator import EmailNotValidError, validate_email
from sqlalchemy import func, select
from sqlmodel import Session

from breach.notices import rules
from breach.notices.models import NoticeRecipient, RecipientRole, RecipientStatus, SelectionResult
from breach.notices.service import get_breach
from provider.db import bulk
from provider.errors import FieldError, Invalid
from provider.notices import fonts
from provider.security import audit
from provider.security.actor import Actor
from provider.subscribers import phone
from provider.subscribers.models import Line, LineUser, Subscriber
from provider.text import find_forbidden

CHUNK = 500
INSERT_BATCH = 1000
MAX_ERRORS_SHOWN = 50
CSV_IDENTIFIERS = ("account_reference", "line_number")
CSV_HEADERS = {"account_reference", "account reference", "reference", "line_number", "line number", "number", "line"}

Labelled = list[tuple[str, str]]  # (where it came from, e.g. "line 7", the value)


def parse_csv(text: str) -> Labelled:
    """The first cell of each non-blank row, labelled by its line number; a header row is skipped."""
    values: Labelled = []
    try:
        for number, row in enumerate(csv.reader(io.StringIO(text)), start=1):
            cell = row[0].strip() if row else ""
            if not cell or (number == 1 and cell.lower() in CSV_HEADERS):
                continue
            values.append((f"line {number}", cell))
    except csv.Error as error:
        raise Invalid(f"csv: not a readable CSV file ({error})", errors=[FieldError("csv", str(error))]) from error
    return values


def labelled(values: Sequence[Any], field: str) -> Labelled:
    return [(f"{field} item {index}", str(value).strip()) for index, value in enumerate(values, start=1)]


def _chunks(items: Sequence[Any], size: int = CHUNK) -> Iterator[Sequence[Any]]:
    for start in range(0, len(items), size):
        yield items[start : start + size]


def _resolve_ids(session: Session, items: Labelled, errors: list[FieldError]) -> dict[int, set[int] | None]:
    wanted = [(label, int(value)) for label, value in items if value.isdigit()]
    errors += [FieldError(label, f"{value!r} is not a subscriber id") for label, value in items if not value.isdigit()]
    known: set[int] = set()
    for chunk in _chunks(sorted({i for _, i in wanted})):
        known.update(session.execute(select(Subscriber.id).where(Subscriber.id.in_(chunk))).scalars())
    errors += [FieldError(label, f"no subscriber has id {i}") for label, i in wanted if i not in known]
    return {i: None for i in known}


def _resolve_references(session: Session, items: Labelled, errors: list[FieldError]) -> dict[int, set[int] | None]:
    known: dict[str, int] = {}
    for chunk in _chunks(sorted({value for _, value in items})):
        known.update(
            session.execute(
                select(Subscriber.account_reference, Subscriber.id).where(Subscriber.account_reference.in_(chunk))
            ).all()
        )
    errors += [
        FieldError(label, f"unknown account reference {value!r}") for label, value in items if value not in known
    ]
    return {known[value]: None for _, value in items if value in known}


def _resolve_numbers(session: Session, items: Labelled, errors: list[FieldError]) -> dict[int, set[int] | None]:
    normalised: Labelled = []
    for label, value in items:
        try:
            normalised.append((label, phone.normalise_number(value)))
        except phone.InvalidNumber as error:
            errors.append(FieldError(label, f"{value!r}: {error.reason}"))
    lines: dict[str, tuple[int, int]] = {}
    for chunk in _chunks(sorted({value for _, value in normalised})):
        for number, subscriber_id, line_id in session.execute(
            select(Line.number, Line.subscriber_id, Line.id).where(Line.number.in_(chunk))
        ):
            lines[number] = (subscriber_id, line_id)
    errors += [
        FieldError(label, f"no line has the number {value}") for label, value in normalised if value not in lines
    ]
    affected: dict[int, set[int] | None] = {}
    for _, value in normalised:
        if value in lines:
            subscriber_id, line_id = lines[value]
            affected.setdefault(subscriber_id, set()).add(line_id)
    return affected


def _readable(items: Labelled, errors: list[FieldError]) -> Labelled:
    """The entries that hold no control character; the others are named as errors (NUL would otherwise
    reach the database's query, which PostgreSQL refuses)."""
    kept = []
    for label, value in items:
        if reason := find_forbidden(value):
            errors.append(FieldError(label, reason))
        else:
            kept.append((label, value))
    return kept


def _merge(target: dict[int, set[int] | None], found: dict[int, set[int] | None]) -> None:
    """None means every line of the subscriber is affected; it wins over a set of named lines."""
    for subscriber_id, lines in found.items():
        if subscriber_id in target and target[subscriber_id] is None:
            continue
        target[subscriber_id] = None if lines is None else (target.get(subscriber_id) or set()) | lines


def resolve(
    session: Session,
    *,
    subscriber_ids: Labelled = (),
    account_references: Labelled = (),
    line_numbers: Labelled = (),
) -> dict[int, set[int] | None]:
    """Affected subscriber -> affected line ids (None: all their lines); raises Invalid naming every unknown."""
    errors: list[FieldError] = []
    affected: dict[int, set[int] | None] = {}
    _merge(affected, _resolve_ids(session, _readable(list(subscriber_ids), errors), errors))
    _merge(affected, _resolve_references(session, _readable(list(account_references), errors), errors))
    _merge(affected, _resolve_numbers(session, _readable(list(line_numbers), errors), errors))
    if errors:
        shown = errors[:MAX_ERRORS_SHOWN]
        more = f" (and {len(errors) - len(shown)} more)" if len(errors) > len(shown) else ""
        raise Invalid(f"nothing was added: {len(errors)} entries are not known or not readable{more}", errors=shown)
    if not affected:
        raise Invalid("nothing was chosen", errors=[FieldError("selection", "give at least one subscriber")])
    return affected


def _is_email(contact: str) -> bool:
    try:
        validate_email(contact, check_deliverability=False)
    except EmailNotValidError:
        return False
    return True


def _subscriber_row(subscriber: Subscriber, numbers: list[str]) -> dict[str, Any]:
    return {
        "recipient_key": f"s:{subscriber.id}",
        "role": RecipientRole.subscriber,
        "subscriber_id": subscriber.id,
        "line_user_id": None,
        "channel": rules.delivery_channel(subscriber.email),
        "snapshot": {
            "name": rules.addressee_name(subscriber.kind, subscriber.name),
            "kind": subscriber.kind,
            "address": subscriber.address,
            "email": subscriber.email,
            "account_reference": subscriber.account_reference,
            "lines": ", ".join(phone.display(n) for n in sorted(numbers)),
        },
    }


def _user_row(user: LineUser, number: str, subscriber_id: int) -> dict[str, Any]:
    return {
        "recipient_key": f"u:{user.id}",
        "role": RecipientRole.user,
        "subscriber_id": subscriber_id,
        "line_user_id": user.id,
        "channel": "email",
        "snapshot": {
            "name": user.name,
            "kind": "individual",
            "address": "",
            "email": user.contact.strip(),
            "account_reference": "",
            "lines": phone.display(number),
        },
    }


def _rows_for(session: Session, chunk: dict[int, set[int] | None]) -> tuple[list[dict[str, Any]], int]:
    subscribers = session.execute(select(Subscriber).where(Subscriber.id.in_(list(chunk)))).scalars().all()
    lines = session.execute(select(Line).where(Line.subscriber_id.in_(list(chunk)))).scalars().all()
    affected = [line for line in lines if chunk[line.subscriber_id] is None or line.id in chunk[line.subscriber_id]]
    by_line = {line.id: line for line in affected}
    users = (
        session.execute(select(LineUser).where(LineUser.line_id.in_(list(by_line)))).scalars().all() if by_line else []
    )
    rows = [_subscriber_row(s, [line.number for line in affected if line.subscriber_id == s.id]) for s in subscribers]
    emailable = [u for u in users if _is_email(u.contact.strip())]
    rows += [_user_row(u, by_line[u.line_id].number, by_line[u.line_id].subscriber_id) for u in emailable]
    return rows, len(users) - len(emailable)


def undrawable_recipients(rows: Iterable[dict[str, Any]], limit: int) -> list[str]:
    """'Ann Ōta (s:12): "𓀀" (U+13000)' for each recipient whose name, address or lines hold a character no
    installed font draws (provider.notices.fonts), so staff hear of it before any letter is made or sent."""
    found: list[str] = []
    for row in rows:
        if len(found) >= limit:
            break
        snapshot = row["snapshot"]
        missing = fonts.undrawable([snapshot.get("name", ""), snapshot.get("address", ""), snapshot.get("lines", "")])
        if missing:
            found.append(f"{snapshot.get('name', '')} ({row['recipient_key']}): {fonts.describe(missing)}")
    return found


def _insert(session: Session, rows: Iterable[dict[str, Any]], breach_id: int, actor: Actor, now: datetime) -> int:
    added = {"breach_id": breach_id, "status": RecipientStatus.pending, "added_by": actor.name, "added_at": now}
    return bulk.insert_rows(session, NoticeRecipient.__table__, (row | added for row in rows), INSERT_BATCH)


def add_recipients(
    session: Session,
    *,
    actor: Actor,
    now: datetime,
    breach_id: int,
    subscriber_ids: Labelled = (),
    account_references: Labelled = (),
    line_numbers: Labelled = (),
) -> SelectionResult:
    """Resolve every identifier, then add the new recipients; ones already chosen are left as they are."""
    get_breach(session, breach_id)
    affected = resolve(
        session, subscriber_ids=subscriber_ids, account_references=account_references, line_numbers=line_numbers
    )
    added = {RecipientRole.subscriber: 0, RecipientRole.user: 0}
    already = without_email = 0
    undrawable: list[str] = []
    ids = sorted(affected)
    for chunk_ids in _chunks(ids):
        rows, no_email = _rows_for(session, {i: affected[i] for i in chunk_ids})
        without_email += no_email
        existing = set(
            session.execute(
                select(NoticeRecipient.recipient_key).where(
                    NoticeRecipient.breach_id == breach_id,
                    NoticeRecipient.recipient_key.in_([r["recipient_key"] for r in rows]),
                )
            ).scalars()
        )
        fresh = [r for r in rows if r["recipient_key"] not in existing]
        undrawable += undrawable_recipients(fresh, MAX_ERRORS_SHOWN - len(undrawable))
        already += len(rows) - len(fresh)
        for role in added:
            added[role] += sum(1 for r in fresh if r["role"] == role)
        _insert(session, fresh, breach_id, actor, now)
    total = session.execute(
        select(func.count()).select_from(NoticeRecipient).where(NoticeRecipient.breach_id == breach_id)
    ).scalar_one()
    result = SelectionResult(
        subscribers_added=added[RecipientRole.subscriber],
        users_added=added[RecipientRole.user],
        already_present=already,
        users_without_email=without_email,
        total_recipients=total,
        undrawable=undrawable,
    )
    audit.record(
        session,
        actor=actor,
        action="breach.notice_recipients_added",
        entity_type="breach",
        entity_id=breach_id,
        now=now,
        after=result.model_dump(),
    )
    return result
