"""Directory enquiry look-ups on the live entries (directories.queries), so a correction or withdrawal
applies to them the moment it commits (PECR reg 18; ICO: "update online versions as soon as possible").

Search finds entries listed `full` or `enquiries_only` by the name and address each subscriber chose to
show (a name shown as initials is not found by the full first name; an address not shown is never
matched by locality). Candidates come from the subscriber name indexes (provider.subscribers.search),
plus lines with a corrected name, before the shown forms are compared.

Reverse search answers only for an entry whose subscriber allows it. Every other number, unknown,
invalid, ex-directory or without consent, goes through the same statement and gets the same answer.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import and_, func, literal, or_, select, union
from sqlmodel import Session

from directories import queries
from directories.models import DirectoryChoice
from provider.errors import NotFound
from provider.subscribers import phone
from provider.subscribers.models import Subscriber, SubscriberNameWord
from provider.subscribers.search import prefix_upper_bound, query_words

MAX_RESULTS = 50
NOT_LISTED = "no directory entry can be given for this number"


def _range(column: Any, prefix: str) -> Any:
    upper = prefix_upper_bound(prefix)
    return and_(column >= prefix, column < upper) if upper else column >= prefix


def _candidates(word: str) -> Any:
    """Subscribers whose name has a word beginning `word`, and subscribers of lines with a corrected name."""
    return union(
        select(Subscriber.id).where(_range(Subscriber.name_key, word)),
        select(SubscriberNameWord.subscriber_id).where(_range(SubscriberNameWord.word, word)),
        select(DirectoryChoice.subscriber_id).where(DirectoryChoice.listed_name.is_not(None)),
    ).subquery("candidates")


def _contains(expression: Any, text: str) -> Any:
    escaped = text.lower().replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
    return func.lower(expression).like(literal(f"%{escaped}%"), escape="\\")


def search(session: Session, *, cutoff: datetime, name: str, locality: str = "") -> list[dict[str, Any]]:
    """Entries whose shown name has every word of `name` (and whose shown address has `locality`)."""
    words = query_words(name)
    if not words:
        return []
    query = queries.entries(cutoff, one_by_one=True)
    shown = query.selected_columns
    candidates = _candidates(words[0])
    query = query.where(queries.LINE.c.subscriber_id.in_(select(candidates.c.id)))
    query = query.where(*(_contains(shown.name, word) for word in words))
    if locality.strip():
        query = query.where(_contains(shown.address, locality.strip()))
    query = query.where(or_(shown.listing == "full", shown.listing == "enquiries_only")).limit(MAX_RESULTS)
    return [dict(row) for row in session.execute(query).mappings()]


def reverse(session: Session, *, cutoff: datetime, number: str) -> dict[str, Any]:
    """The entry for `number` if reverse search is allowed for it; NotFound, worded alike, otherwise."""
    try:
        wanted = phone.normalise_number(number)
    except phone.InvalidNumber:
        wanted = number  # looked up all the same: an invalid number costs what an unlisted one costs
    row = session.execute(queries.reverse_lookup(cutoff, wanted)).mappings().first()
    if row is None:
        raise NotFound(NOT_LISTED)
    return {"number": row["number"], "name": row["name"], "address": row["address"]}
