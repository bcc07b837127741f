"""The subscriber list and search, built to stay fast at millions of rows.

Every query is an index range read. The unfiltered list walks `(name_key, id)` and stops after one
page. A name search needs, for each query word, some word of the name beginning with it. Its longest
word drives two ranges: names whose *first* word begins with it are a range of the same
`(name_key, id)` index, read in list order and stopped after a page; names with a *later* word that
does are a range of the word index `(word, name_key, subscriber_id)` — every entry of that range is
read, but only index entries, already carrying the list order, and the first page is kept. Each other
query word is an index probe per candidate. So a search costs about what the longest word's range
holds (a common surname: about 1% of subscribers), never the table, and the same on every page.
Exact look-ups by account reference and by line number (both unique indexes) are merged into the
same order. The total is never counted per request; `approximate_count` reads the planner's
statistics (PostgreSQL) or the highest id (SQLite) instead.

Merging in Python is sound because keys compare the same in Python and in the database: they hold
only lower-case letters, digits and spaces, and PostgreSQL compares them under the "C" collation
(see provider.subscribers.models.KEY_TYPE), as SQLite always does.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import ColumnElement, and_, exists, func, or_, text, tuple_
from sqlalchemy import select as core_select
from sqlmodel import Session, select

from provider.db.like import LIKE_ESCAPE, prefix_pattern
from provider.subscribers import phone
from provider.subscribers.models import Line, Subscriber, SubscriberNameWord
from provider.subscribers.search import Cursor, prefix_upper_bound, query_words

DEFAULT_PAGE_SIZE = 50
MAX_PAGE_SIZE = 500
SUBSCRIBERS = Subscriber.__table__  # type: ignore[attr-defined]
WORDS = SubscriberNameWord.__table__  # type: ignore[attr-defined]
Position = tuple[str, int]  # (name_key, subscriber id): a place in list order


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


def _all_rows(session: Session, after: Cursor | None, before: Cursor | None, limit: int) -> list[Subscriber]:
    """One page plus one row of the whole list in keyset order."""
    statement = select(Subscriber)
    position = tuple_(Subscriber.name_key, Subscriber.id)
    if before is not None:
        statement = statement.where(position < tuple_(before.name_key, before.id))
        statement = statement.order_by(Subscriber.name_key.desc(), Subscriber.id.desc())
    else:
        if after is not None:
            statement = statement.where(position > tuple_(after.name_key, after.id))
        statement = statement.order_by(Subscriber.name_key, Subscriber.id)
    return list(session.exec(statement.limit(limit + 1)))


def _begins(column: Any, prefix: str) -> ColumnElement[bool]:
    """`column` starts with `prefix`, as an index range (LIKE guards the range's edges)."""
    conditions = [column >= prefix, column.like(prefix_pattern(prefix), escape=LIKE_ESCAPE)]
    upper = prefix_upper_bound(prefix)
    if upper is not None:
        conditions.append(column < upper)
    return and_(*conditions)


def _has_word(key: Any, subscriber_id: Any, word: str) -> ColumnElement[bool]:
    """Some word of the name begins with `word`: the first (then the key does) or a later one."""
    later = WORDS.alias()
    return or_(_begins(key, word), exists().where(later.c.subscriber_id == subscriber_id, _begins(later.c.word, word)))


def _positions(
    session: Session,
    key: Any,
    subscriber_id: Any,
    matches: ColumnElement[bool],
    words: list[str],
    after: Position | None,
    backwards: bool,
    limit: int,
) -> list[Position]:
    """Up to `limit` positions (name_key, subscriber id) in list order after `after`, where `matches`
    holds and every other query word begins some word of the name."""
    statement = core_select(key, subscriber_id).where(matches, *(_has_word(key, subscriber_id, w) for w in words[1:]))
    position = tuple_(key, subscriber_id)
    if backwards:
        if after is not None:
            statement = statement.where(position < tuple_(*after))
        statement = statement.order_by(key.desc(), subscriber_id.desc())
    else:
        if after is not None:
            statement = statement.where(position > tuple_(*after))
        statement = statement.order_by(key, subscriber_id)
    return [(row[0], row[1]) for row in session.execute(statement.limit(limit))]


def _batch(
    session: Session, words: list[str], after: Position | None, backwards: bool, wanted: int
) -> tuple[list[Position], bool]:
    """The next distinct matching positions and whether more may follow.

    Two index ranges: names whose first word begins with the longest query word (the key's own index,
    read in list order) and names with a later word that does (the word index). Each read stops after
    `wanted` entries, so where a read comes back full the merge is certain only up to its last entry
    (more may follow it). A name found by both reads, or with two matching later words, is kept once.
    """
    subscribers, found = SUBSCRIBERS, WORDS.alias("found")
    reads = [
        _positions(
            session,
            subscribers.c.name_key,
            subscribers.c.id,
            _begins(subscribers.c.name_key, words[0]),
            words,
            after,
            backwards,
            wanted,
        ),
        _positions(
            session,
            found.c.name_key,
            found.c.subscriber_id,
            _begins(found.c.word, words[0]),
            words,
            after,
            backwards,
            wanted,
        ),
    ]
    merged = sorted(set(reads[0]) | set(reads[1]), reverse=backwards)
    cut = [read[-1] for read in reads if len(read) == wanted]
    if cut:
        bound = max(cut) if backwards else min(cut)
        merged = [entry for entry in merged if (entry >= bound if backwards else entry <= bound)]
    return merged[:wanted], bool(cut)


def _matching_ids(
    session: Session, words: list[str], after: Cursor | None, before: Cursor | None, limit: int
) -> list[int]:
    """Ids of up to `limit` distinct matching subscribers in keyset order (backwards when `before`)."""
    start = before or after
    position = (start.name_key, start.id) if start is not None else None
    ids: list[int] = []
    while len(ids) < limit:
        batch, more = _batch(session, words, position, before is not None, limit - len(ids))
        ids += [subscriber_id for _key, subscriber_id in batch]
        if not more or not batch:
            break
        position = batch[-1]
    return ids


def _name_rows(
    session: Session, words: list[str], after: Cursor | None, before: Cursor | None, limit: int
) -> list[Subscriber]:
    """One page plus one row of subscribers matching every query word, in keyset order."""
    ids = _matching_ids(session, words, after, before, limit + 1)
    if not ids:
        return []
    return list(session.exec(select(Subscriber).where(Subscriber.id.in_(ids))))


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
    session: Session,
    *,
    query: str = "",
    after: Cursor | None = None,
    before: Cursor | None = None,
    limit: int = DEFAULT_PAGE_SIZE,
) -> Page:
    """A page of subscribers in name order; `query` matches the start of words of the name (each query
    word must begin some word of the name, in any order), an account reference or a line number."""
    limit = max(1, min(limit, MAX_PAGE_SIZE))
    query = "".join(char for char in query if char.isprintable()).strip()  # no NUL can reach the database
    if query:
        words = query_words(query)
        exact = [s for s in exact_matches(session, query) if _in_window(s, after, before)]
        rows = _name_rows(session, words, after, before, limit) if words else []
    else:
        exact, rows = [], _all_rows(session, after, before, limit)
    merged = {s.id: s for s in rows + exact}
    ordered = sorted(merged.values(), key=_position, reverse=before is not None)
    has_more = len(ordered) > limit
    page = ordered[:limit]
    exact_ids = [s.id for s in exact]
    if before is not None:
        page.reverse()
        return Page(
            page, _cursor(page[-1]) if page else None, _cursor(page[0]) if has_more and page else None, exact_ids
        )
    return Page(
        page,
        _cursor(page[-1]) if has_more else None,
        _cursor(page[0]) if after is not None and page else None,
        exact_ids,
    )


def approximate_count(session: Session) -> int | None:
    """A cheap estimate of how many subscribers there are (never a COUNT(*) over the table)."""
    bind = session.get_bind()
    if bind.dialect.name == "postgresql":
        estimate = session.execute(
            text("SELECT reltuples::bigint FROM pg_class WHERE oid = to_regclass('subscriber')")
        ).scalar()
        return int(estimate) if estimate is not None and estimate >= 0 else None
    return session.exec(select(func.max(Subscriber.id))).first() or 0
