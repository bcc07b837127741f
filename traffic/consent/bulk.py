"""Purpose checks set-based: answering `authorise` for many people at once (a marketing list of
100,000 subscribers), and for one, on the same path.

A chunk of questions is answered with a fixed number of statements, whatever its size: the lines
named by number, the named users, the subscribers (each with whether it has left or was removed:
consent ends with the relationship), the services, every current consent of every subscriber in the
chunk (one query, `queries.current_statement`), and the active privacy switches of the lines concerned.
The decision itself is `rules.decide`, a pure function.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator, Sequence
from datetime import datetime

from sqlalchemy import select
from sqlmodel import Session

from provider.batching import no_cycle_collection
from provider.subscribers import phone
from provider.subscribers.models import Line, LineUser, Subscriber
from provider.wording.models import PersonKind
from traffic.consent import plain, switches
from traffic.consent.decided import (
    NO_LINE,
    NO_SUBSCRIBER,
    NOBODY_NAMED,
    NOT_THEIR_LINE,
    NOT_THEIR_USER,
    Answer,
    Decided,
    Who,
    aware,
    decide,
)
from traffic.consent.models import (
    AuthoriseRequest,
    ConsentPurpose,
    DataKind,
    ProcessingPurpose,
    ValueAddedService,
)

CHUNK = 10_000
NDJSON_TYPE = "application/x-ndjson"
E164 = re.compile(r"^\+[1-9][0-9]{6,14}$")
KEY_COLUMNS = "subscriber_id, person_kind, person_id, data_kind, purpose, service_id"
CURRENT_SQL = (
    f"SELECT {KEY_COLUMNS}, action, occurred_at FROM traffic_consent WHERE id IN "
    f"(SELECT max(id) FROM traffic_consent WHERE {{subscriber_in}} GROUP BY {KEY_COLUMNS})"
)
# PostgreSQL takes the newest of each key in one ordered pass, in half the time of the grouped form.
CURRENT_SQL_POSTGRES = (
    f"SELECT DISTINCT ON ({KEY_COLUMNS}) {KEY_COLUMNS}, action, occurred_at FROM traffic_consent "
    f"WHERE {{subscriber_in}} ORDER BY {KEY_COLUMNS}, id DESC"
)
MISSING = object()
CONSENT_PURPOSE = {ProcessingPurpose.marketing: ConsentPurpose.marketing, ProcessingPurpose.vas: ConsentPurpose.vas}


def _number(text: str) -> str | None:
    text = text.strip()
    if E164.match(text):
        return text
    try:
        return phone.normalise_number(text)
    except phone.InvalidNumber:
        return None


def _ids_in(connection, column: str, ids: list[int]) -> tuple[str, dict]:
    """`column` among `ids` as SQL text and its parameters. PostgreSQL gets one array parameter: a list
    of 10,000 literals took longer to plan than to run and led to a scan of the whole table. The array
    goes as its text (the driver's own list adapter spent longer per element than the query). SQLite
    gets the ints inlined, since binding 10,000 parameters costs more than the query."""
    if connection.dialect.name == "postgresql":
        return f"{column} = ANY(%(ids)s::bigint[])", {"ids": "{" + ",".join(map(str, ids)) + "}"}
    return f"{column} IN ({','.join(map(str, ids))})", {}


def _in_chunks(ids: Iterable[int], size: int = 30_000) -> Iterator[list[int]]:
    ids = list(ids)
    for start in range(0, len(ids), size):
        yield ids[start : start + size]


class _Chunk:
    """What one chunk of questions needs from the database, loaded set-based."""

    def __init__(self, session: Session, asks: Sequence[AuthoriseRequest], now: datetime) -> None:
        self.session, self.now = session, now
        numbers = {a.line_number: _number(a.line_number) for a in asks if a.line_number}
        self.numbers = numbers
        # With each line, user and subscriber, whether it has left (or was removed): consent ends with it.
        owner, left = Subscriber.id == Line.subscriber_id, (Line.left_at, Subscriber.left_at)
        statement = select(Line.number, Line.id, Line.subscriber_id, *left).join(Subscriber, owner)
        self.lines = self._rows(statement, Line.number, set(numbers.values()))
        user_ids = {a.user_id for a in asks if a.user_id}
        statement = (
            select(LineUser.id, LineUser.line_id, Line.subscriber_id, LineUser.removed_at, *left)
            .join(Line, Line.id == LineUser.line_id)
            .join(Subscriber, owner)
        )
        self.users = self._rows(statement, LineUser.id, user_ids)
        direct = {a.subscriber_id for a in asks if a.subscriber_id}
        self.subscribers: dict[int, object] = {}  # id: when it left, or None
        connection = session.connection()
        for part in _in_chunks(direct):
            condition, parameters = _ids_in(connection, "id", part)
            rows = connection.exec_driver_sql(f"SELECT id, left_at FROM subscriber WHERE {condition}", parameters)
            self.subscribers.update(rows.all())
        names = {a.service_name.strip() for a in asks if a.service_name.strip()}
        rows = self._rows(select(ValueAddedService.name, ValueAddedService.id), ValueAddedService.name, names)
        self.services = {name: row[0] for name, row in rows.items()}

    def _rows(self, statement, column, values: set) -> dict:
        values.discard(None)
        found: dict = {}
        for part in _in_chunks(values):
            for row in self.session.execute(statement.where(column.in_(part))):
                found[row[0]] = tuple(row[1:])
        return found

    def who(self, ask: AuthoriseRequest) -> Who:
        subscriber_id, line_id = ask.subscriber_id, None
        if ask.line_number:
            line = self.lines.get(self.numbers.get(ask.line_number))
            if line is None:
                return NO_LINE
            if subscriber_id not in (None, line[1]):
                return NOT_THEIR_LINE
            line_id, subscriber_id, line_left, subscriber_left = line
            ended = _ended(subscriber_left, line_left)
        elif subscriber_id is None:
            return NOBODY_NAMED
        else:
            subscriber_left = self.subscribers.get(subscriber_id, MISSING)
            if subscriber_left is MISSING:
                return NO_SUBSCRIBER
            ended = None if subscriber_left is None else ("subscriber", subscriber_left)
        if not ask.user_id:
            return Who(subscriber_id, line_id, PersonKind.subscriber, subscriber_id, None, ended)
        user = self.users.get(ask.user_id)
        if user is None or user[1] != subscriber_id or line_id not in (None, user[0]):
            return NOT_THEIR_USER
        return Who(subscriber_id, user[0], PersonKind.line_user, ask.user_id, None, _ended(user[4], user[3], user[2]))

    def consents(self, subscriber_ids: set[int]) -> dict[tuple, tuple]:
        """Every current consent of these subscribers: one statement per 30,000 subscribers, written as
        SQL text (`_ids_in`), since compiling 10,000 bound parameters costs more than the query.
        `queries.current_statement` is the same statement in SQLAlchemy."""
        states = {}
        connection = self.session.connection()
        for part in _in_chunks(subscriber_ids):
            condition, parameters = _ids_in(connection, "subscriber_id", part)
            statement = CURRENT_SQL_POSTGRES if connection.dialect.name == "postgresql" else CURRENT_SQL
            for row in connection.exec_driver_sql(statement.format(subscriber_in=condition), parameters).all():
                # Plain strings as keys: a StrEnum member hashes and compares as its value. The state stays
                # a plain pair (the decision memo hashes it); `_consent` makes the rules' value of it.
                states[tuple(row[:6])] = (row[6], row[7])
        return states

    def switched(self, whos: list[Who]) -> tuple[dict[int, datetime], dict[int, datetime]]:
        """Active switches: by line, and by subscriber (any of its lines) for questions naming no line."""
        by_line: dict[int, datetime] = {}
        for part in _in_chunks({w.line_id for w in whos if w.line_id}):
            by_line.update(switches.active_until(self.session, part, self.now))
        by_subscriber: dict[int, datetime] = {}
        for part in _in_chunks({w.subscriber_id for w in whos if w.line_id is None and w.subscriber_id}):
            # A Result has .keys(), so dict() would read it as a mapping: take its rows as pairs.
            rows = self.session.execute(select(Line.id, Line.subscriber_id).where(Line.subscriber_id.in_(part)))
            lines = {line_id: subscriber_id for line_id, subscriber_id in rows}
            for line_id, end in switches.active_until(self.session, lines, self.now).items():
                subscriber_id = lines[line_id]
                by_subscriber[subscriber_id] = max(by_subscriber.get(subscriber_id, end), end)
        return by_line, by_subscriber


def _ended(subscriber_left, line_left=None, user_removed=None) -> tuple | None:
    """What has gone of whom the data is about, the widest first; None while all stand."""
    if subscriber_left is not None:
        return ("subscriber", subscriber_left)
    if line_left is not None:
        return ("line", line_left)
    return None if user_removed is None else ("user", user_removed)


def answer_chunk(session: Session, asks: Sequence[AuthoriseRequest], now: datetime) -> list[Answer]:
    """One answer per question, in order, from a fixed number of statements."""
    entries, moments = decide_chunk(session, asks, now)
    return [entry.for_moment(moment) for entry, moment in zip(entries, moments, strict=True)]


def decide_chunk(session: Session, asks: Sequence[AuthoriseRequest], now: datetime) -> tuple[list[Decided], list[str]]:
    """Per question, its shared decision and the moment of the consent its words name ("" for none):
    a batch encodes each decision once and only the moments per person (`answer_chunk` joins them)."""
    with no_cycle_collection():
        return _decided(session, asks, now)


def _decided(session: Session, asks: Sequence[AuthoriseRequest], now: datetime) -> tuple[list[Decided], list[str]]:
    """PostgreSQL answers the common question whole (`plain`); the rest take the general path."""
    if session.connection().dialect.name != "postgresql":
        return _general(session, asks, now)
    groups: dict[tuple, list[int]] = {}
    rest: list[int] = []
    for index, ask in enumerate(asks):
        found = plain.shape(ask)
        if found is None:
            rest.append(index)
        else:
            groups.setdefault(found, []).append(index)
    if not groups:
        return _general(session, asks, now)
    entries: list = [None] * len(asks)
    moments: list = [""] * len(asks)
    for indexes in groups.values():
        answered = plain.answer(session.connection(), [asks[i] for i in indexes])
        for index, (entry, moment) in zip(indexes, answered, strict=True):
            entries[index], moments[index] = entry, moment
    if rest:
        for index, entry, moment in zip(rest, *_general(session, [asks[i] for i in rest], now), strict=True):
            entries[index], moments[index] = entry, moment
    return entries, moments


def _general(session: Session, asks: Sequence[AuthoriseRequest], now: datetime) -> tuple[list[Decided], list[str]]:
    chunk = _Chunk(session, asks, now)
    whos = [chunk.who(ask) for ask in asks]
    states = chunk.consents({w.subscriber_id for w in whos if w.problem is None})
    by_line, by_subscriber = chunk.switched([w for w, a in zip(whos, asks, strict=True) if _needs_switch(a, w)])
    entries: list[Decided] = []
    moments: list[str] = []
    entry_of, moment_of = entries.append, moments.append
    # `rules.decide` is a pure function of the question, the consent's action, the switch and whether the
    # relationship has ended (`who.ended`), the consent's moment appearing only in its words: a list of a
    # hundred thousand people asks a handful of distinct questions, so each is decided once per chunk and
    # its words take each person's own moment.
    decided: dict[tuple, Decided] = {}
    problems: dict[Answer, Decided] = {}
    for ask, who in zip(asks, whos, strict=True):
        problem = who.problem
        name = ask.service_name.strip()
        if problem is None and ask.purpose is ProcessingPurpose.vas and name and name not in chunk.services:
            problem = Answer(False, f"no value-added service is registered as {name!r}", "", "invalid")
        if problem is not None:
            entry_of(problems.get(problem) or problems.setdefault(problem, Decided(problem)))
            moment_of("")
            continue
        state = _state(states, ask, who, chunk.services)
        switch = by_line.get(who.line_id) if who.line_id else by_subscriber.get(who.subscriber_id)
        action = None if state is None else state[0]
        key = (
            ask.data_kind,
            ask.purpose,
            ask.service_name,
            ask.anonymous,
            ask.called_number,
            who.person_kind,
            action,
            switch,
            who.ended,
        )
        entry = decided.get(key)
        if entry is None:
            entry = decided[key] = decide(ask, who, action, switch)
        entry_of(entry)
        moment_of("" if entry.after is None else aware(state[1]).isoformat())
    return entries, moments


def _needs_switch(ask: AuthoriseRequest, who: Who) -> bool:
    return who.problem is None and ask.data_kind is DataKind.location


def _state(states: dict, ask: AuthoriseRequest, who: Who, services: dict[str, int]) -> tuple | None:
    purpose = CONSENT_PURPOSE.get(ask.purpose)
    if purpose is None:
        return None
    service_id = services.get(ask.service_name.strip()) if purpose is ConsentPurpose.vas else None
    key = (who.subscriber_id, who.person_kind, who.person_id, ask.data_kind, purpose, service_id)
    return states.get(key)
