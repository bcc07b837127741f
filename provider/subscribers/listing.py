"""The subscriber list and search, built to stay fast at millions of rows.

Every query is an index range read that stops after one page: `(name_key, id)` keyset order for the
list and for name prefixes, plus exact look-ups by account reference and by line number (both unique
indexes) merged into the same order. The total is never counted per request; `approximate_count`
reads the planner's statistics (PostgreSQL) or the highest id (SQLite) instead.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from sqlalchemy import func, text, tuple_
from sqlmodel import Session, select

from provider.subscribers import phone
from provider.subscribers.models import Line, Subscriber
from provider.subscribers.search import Cursor, like_escape, name_key, prefix_upper_bound

DEFAULT_PAGE_SIZE = 50
MAX_PAGE_SIZE = 500


@dataclass(frozen=True)
class Page:
    items: list[Subscriber]
    next_cursor: Cursor | None = None
    previous_cursor: Cursor | None = None
    exact: list[int] = field(default_factory=list)  # ids found by account reference or number


def _position(subscriber: Subscriber) -> tuple[str, int]:
    return (subscriber.name_key, subscriber.id)


def _cursor(subscriber: Subscriber) -> Cursor:
    return Cursor(subscriber.name_key, subscriber.id)


def _name_rows(session: Session, prefix: str | None, after: Cursor | None, before: Cursor | None,
               limit: int) -> list[Subscriber]:
    """One page plus one row in keyset order, optionally limited to names starting with `prefix`."""
    statement = select(Subscriber)
    if prefix is not None:
        statement = statement.where(Subscriber.name_key >= prefix,
                                    Subscriber.name_key.like(like_escape(prefix) + "%", escape="\\"))
        upper = prefix_upper_bound(prefix)
        if upper is not None:
            statement = statement.where(Subscriber.name_key < upper)
    position = tuple_(Subscriber.name_key, Subscriber.id)
    if before is not None:
        statement = statement.where(position < tuple_(before.name_key, before.id))
        statement = statement.order_by(Subscriber.name_key.desc(), Subscriber.id.desc())
    else:
        if after is not None:
            statement = statement.where(position > tuple_(after.name_key, after.id))
        statement = statement.order_by(Subscriber.name_key, Subscriber.id)
    return list(session.exec(statement.limit(limit + 1)))


def exact_matches(session: Session, query: str) -> list[Subscriber]:
    """Subscribers whose account reference is `query`, or who have a line with that number."""
    found = list(session.exec(select(Subscriber).where(Subscriber.account_reference == query)))
    if phone.looks_like_number(query):
        try:
            e164 = phone.normalise_number(query)
        except phone.InvalidNumber:
            return found
        owners = select(Line.subscriber_id).where(Line.number == e164)
        found += list(session.exec(select(Subscriber).where(Subscriber.id.in_(owners))))
    return found


def _in_window(subscriber: Subscriber, after: Cursor | None, before: Cursor | None) -> bool:
    if after is not None and _position(subscriber) <= (after.name_key, after.id):
        return False
    return not (before is not None and _position(subscriber) >= (before.name_key, before.id))


def list_subscribers(
    session: Session, *, query: str = "", after: Cursor | None = None, before: Cursor | None = None,
    limit: int = DEFAULT_PAGE_SIZE,
) -> Page:
    """A page of subscribers in name order; `query` matches a name prefix, account reference or number."""
    limit = max(1, min(limit, MAX_PAGE_SIZE))
    query = "".join(char for char in query if char.isprintable()).strip()  # no NUL can reach the database
    exact: list[Subscriber] = []
    prefix: str | None = None
    if query:
        prefix = name_key(query)
        exact = [s for s in exact_matches(session, query) if _in_window(s, after, before)]
    rows = _name_rows(session, prefix, after, before, limit) if prefix != "" else []
    merged = {s.id: s for s in rows + exact}
    ordered = sorted(merged.values(), key=_position, reverse=before is not None)
    has_more = len(ordered) > limit
    page = ordered[:limit]
    exact_ids = [s.id for s in exact]
    if before is not None:
        page.reverse()
        return Page(page, _cursor(page[-1]) if page else None,
                    _cursor(page[0]) if has_more and page else None, exact_ids)
    return Page(page, _cursor(page[-1]) if has_more else None,
                _cursor(page[0]) if after is not None and page else None, exact_ids)


def approximate_count(session: Session) -> int | None:
    """A cheap estimate of how many subscribers there are (never a COUNT(*) over the table)."""
    bind = session.get_bind()
    if bind.dialect.name == "postgresql":
        estimate = session.execute(
            text("SELECT reltuples::bigint FROM pg_class WHERE oid = to_regclass('subscriber')")).scalar()
        return int(estimate) if estimate is not None and estimate >= 0 else None
    return session.exec(select(func.max(Subscriber.id))).first() or 0
