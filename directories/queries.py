"""Eligibility in SQL: the directory entry of every line, decided by the database in one statement.

`entries(cutoff)` is a SELECT of (line_id, number, listing, name, address, reverse_search) over every
open line (not left) that directories.rules lists, with what each subscriber chose to show; editions, deltas and
look-ups all read it, so a correction reaches them the moment it commits. `cutoff` is
rules.informed_cutoff(now, wait_days): individuals first informed at or before it have had their
chance to opt out. The text functions (`last_part`) compile per dialect so SQLite and PostgreSQL
produce the same strings as rules.shown_name and rules.shown_address.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import String, and_, case, func, literal, or_, select
from sqlalchemy.ext.compiler import compiles
from sqlalchemy.sql import Select
from sqlalchemy.sql.functions import FunctionElement

from directories import rules
from directories.models import AddressDetail, DirectoryChoice, Listing, NameForm
from provider.subscribers.models import Line, Subscriber
from provider.wording.models import PersonKind, WordingServed, WordingText, WordingVersion

NOTICE_PURPOSE = "directories.information_notice"
SUBSCRIBER = Subscriber.__table__  # type: ignore[attr-defined]
LINE = Line.__table__  # type: ignore[attr-defined]
CHOICE = DirectoryChoice.__table__  # type: ignore[attr-defined]


class last_part(FunctionElement):
    """The text after the last `separator` (all of it when there is none)."""

    type = String()
    inherit_cache = True


@compiles(last_part, "postgresql")
def _last_part_postgresql(element: Any, compiler: Any, **kw: Any) -> str:
    text, separator = (compiler.process(argument, **kw) for argument in element.clauses)
    return f"substring({text} from '[^' || {separator} || ']*$')"


@compiles(last_part)
def _last_part_sqlite(element: Any, compiler: Any, **kw: Any) -> str:
    text, separator = (compiler.process(argument, **kw) for argument in element.clauses)
    return f"substr({text}, length(rtrim({text}, replace({text}, {separator}, ''))) + 1)"


def served_notices() -> tuple[Any, Any]:
    served = WordingServed.__table__  # type: ignore[attr-defined]
    version = WordingVersion.__table__  # type: ignore[attr-defined]
    text = WordingText.__table__  # type: ignore[attr-defined]
    notices = select(version.c.id).join(text, text.c.id == version.c.text_id).where(text.c.purpose == NOTICE_PURPOSE)
    return served, and_(served.c.person_kind == PersonKind.subscriber.value, served.c.version_id.in_(notices))


def first_informed() -> Any:
    """Per subscriber, when a version of the directory information notice first reached them: one
    aggregate over every served record, for editions that read every line."""
    served, condition = served_notices()
    return (
        select(served.c.person_id.label("subscriber_id"), func.min(served.c.served_at).label("informed_at"))
        .where(condition)
        .group_by(served.c.person_id)
        .subquery("informed")
    )


def informed_at_of(subscriber_id: Any) -> Any:
    """The same moment for one subscriber, through the served records' person index: for look-ups,
    whose cost must not grow with the number of people informed."""
    served, condition = served_notices()
    return select(func.min(served.c.served_at)).where(condition, served.c.person_id == subscriber_id).scalar_subquery()


def _default(kind_column: Any, position: int) -> Any:
    individual, corporate = rules.DEFAULTS[rules.INDIVIDUAL][position], rules.DEFAULTS["corporate"][position]
    if individual == corporate:
        return literal(getattr(individual, "value", individual))
    return case(
        (kind_column == rules.INDIVIDUAL, literal(getattr(individual, "value", individual))),
        else_=literal(getattr(corporate, "value", corporate)),
    )


def _shown() -> dict[str, Any]:
    """The entry's columns as each subscriber chose to show them (defaults where nothing was chosen)."""
    kind = SUBSCRIBER.c.kind
    listing = func.coalesce(CHOICE.c.listing, _default(kind, 0))
    name_form = func.coalesce(CHOICE.c.name_form, _default(kind, 1))
    detail = func.coalesce(CHOICE.c.address_detail, _default(kind, 2))
    name = func.coalesce(CHOICE.c.listed_name, SUBSCRIBER.c.name)
    address = func.coalesce(CHOICE.c.listed_address, SUBSCRIBER.c.address)
    locality = func.coalesce(CHOICE.c.listed_locality, func.trim(last_part(address, literal(","))))
    initials = func.substr(name, 1, 1) + literal(". ") + last_part(name, literal(" "))
    individual = kind == rules.INDIVIDUAL
    reverse = case(
        (individual, and_(CHOICE.c.reverse_search.is_(True), CHOICE.c.notice_version_id.is_not(None))),
        else_=func.coalesce(CHOICE.c.reverse_search, literal(True)),
    )
    return {
        "listing": listing,
        "name": case((and_(name_form == NameForm.initials.value, name.like("% %")), initials), else_=name),
        "address": case(
            (detail == AddressDetail.none.value, literal("")),
            (detail == AddressDetail.locality.value, locality),
            else_=address,
        ),
        "reverse_search": reverse,
    }


def _listed(informed_at: Any, cutoff: datetime, listing: Any) -> Any:
    individual_listed = and_(
        informed_at.is_not(None),
        or_(CHOICE.c.notice_version_id.is_not(None), informed_at <= cutoff),
    )
    # A line that has left is no longer the subscriber's: it leaves the directory with its leave.
    return and_(
        LINE.c.left_at.is_(None),
        listing != Listing.ex_directory.value,
        or_(SUBSCRIBER.c.kind != rules.INDIVIDUAL, individual_listed),
    )


def entries(cutoff: datetime, *, one_by_one: bool = False) -> Select:
    """Every listed line's entry, in line order. `one_by_one` finds each subscriber's notice through the
    index (look-ups of a few lines) instead of aggregating every served record (editions of all lines)."""
    shown = _shown()
    query = (
        select(
            LINE.c.id.label("line_id"),
            LINE.c.number,
            shown["listing"].label("listing"),
            shown["name"].label("name"),
            shown["address"].label("address"),
            shown["reverse_search"].label("reverse_search"),
        )
        .select_from(LINE)
        .join(SUBSCRIBER, SUBSCRIBER.c.id == LINE.c.subscriber_id)
        .outerjoin(CHOICE, CHOICE.c.line_id == LINE.c.id)
    )
    if one_by_one:
        informed_at = informed_at_of(SUBSCRIBER.c.id)
    else:
        informed = first_informed()
        query, informed_at = (
            query.outerjoin(informed, informed.c.subscriber_id == SUBSCRIBER.c.id),
            informed.c.informed_at,
        )
    return query.where(_listed(informed_at, cutoff, shown["listing"])).order_by(LINE.c.id)


def reverse_lookup(cutoff: datetime, number: str) -> Select:
    """The one entry with this number, only if its subscriber allows reverse search. Unknown numbers and
    numbers without consent go through this same statement and both come back empty."""
    query = entries(cutoff, one_by_one=True).where(LINE.c.number == number).order_by(None)
    return query.where(query.selected_columns.reverse_search.is_(True)).limit(1)
