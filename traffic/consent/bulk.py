"""Purpose checks set-based: answering `authorise` for many people at once (a marketing list of
100,000 subscribers), and for one, on the same path.

A chunk of questions is answered with a fixed number of statements, whatever its size: the lines
named by number, the named users, the subscribers, the services, every current consent of every
subscriber in the chunk (one query, `queries.current_statement`), and the active privacy switches
of the lines concerned. The decision itself is `rules.decide`, a pure function.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import NamedTuple

from sqlalchemy import select
from sqlmodel import Session

from provider.batching import no_cycle_collection
from provider.subscribers import phone
from provider.subscribers.models import Line, LineUser
from provider.wording.models import PersonKind
from traffic.consent import rules, switches
from traffic.consent.models import (
    AuthoriseRequest,
    ConsentAction,
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
CONSENT_PURPOSE = {ProcessingPurpose.marketing: ConsentPurpose.marketing, ProcessingPurpose.vas: ConsentPurpose.vas}


class Answer(NamedTuple):
    """A decision, or a problem with the question (`problem`: "not_found" or "invalid"). A tuple: a batch
    hashes its answers to encode each distinct one once."""

    allowed: bool
    reason: str
    basis: str
    problem: str = ""


@dataclass
class _Who:
    subscriber_id: int | None = None
    line_id: int | None = None
    person_kind: PersonKind = PersonKind.subscriber
    person_id: int | None = None
    problem: Answer | None = None


def _aware(value: datetime | str) -> datetime:
    """A stored time as aware UTC: SQLite hands back text without an offset, PostgreSQL a datetime."""
    moment = datetime.fromisoformat(value) if isinstance(value, str) else value
    return moment.replace(tzinfo=UTC) if moment.tzinfo is None else moment.astimezone(UTC)


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
        self.lines = self._rows(select(Line.number, Line.id, Line.subscriber_id), Line.number, set(numbers.values()))
        user_ids = {a.user_id for a in asks if a.user_id}
        statement = select(LineUser.id, LineUser.line_id, Line.subscriber_id).join(Line, Line.id == LineUser.line_id)
        self.users = self._rows(statement, LineUser.id, user_ids)
        direct = {a.subscriber_id for a in asks if a.subscriber_id}
        self.subscribers: set[int] = set()
        connection = session.connection()
        for part in _in_chunks(direct):
            condition, parameters = _ids_in(connection, "id", part)
            rows = connection.exec_driver_sql(f"SELECT id FROM subscriber WHERE {condition}", parameters)
            self.subscribers.update(rows.scalars().all())
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

    def who(self, ask: AuthoriseRequest) -> _Who:
        who = _Who(subscriber_id=ask.subscriber_id)
        if ask.line_number:
            line = self.lines.get(self.numbers.get(ask.line_number))
            if line is None:
                return _Who(problem=Answer(False, "no line has this number", "", "not_found"))
            if who.subscriber_id not in (None, line[1]):
                return _Who(problem=Answer(False, "the line is not the subscriber's", "", "invalid"))
            who.line_id, who.subscriber_id = line
        elif who.subscriber_id is None:
            return _Who(problem=Answer(False, "name the subscriber or the line number", "", "invalid"))
        elif who.subscriber_id not in self.subscribers:
            return _Who(problem=Answer(False, "no such subscriber", "", "not_found"))
        who.person_id = who.subscriber_id
        return self._user(ask, who) if ask.user_id else who

    def _user(self, ask: AuthoriseRequest, who: _Who) -> _Who:
        user = self.users.get(ask.user_id)
        if user is None or user[1] != who.subscriber_id or who.line_id not in (None, user[0]):
            return _Who(problem=Answer(False, "not a named user of this line or subscriber", "", "invalid"))
        who.line_id, who.person_kind, who.person_id = user[0], PersonKind.line_user, ask.user_id
        return who

    def consents(self, subscriber_ids: set[int]) -> dict[tuple, tuple]:
        """Every current consent of these subscribers: one statement per 30,000 subscribers, written as
        SQL text (`_ids_in`), since compiling 10,000 bound parameters costs more than the query.
        `queries.current_statement` is the same statement in SQLAlchemy."""
        states = {}
        connection = self.session.connection()
        for part in _in_chunks(subscriber_ids):
            condition, parameters = _ids_in(connection, "subscriber_id", part)
            for row in connection.exec_driver_sql(CURRENT_SQL.format(subscriber_in=condition), parameters).all():
                # Plain strings as keys: a StrEnum member hashes and compares as its value. The state stays
                # a plain pair (the decision memo hashes it); `_consent` makes the rules' value of it.
                states[tuple(row[:6])] = (row[6], row[7])
        return states

    def switched(self, whos: list[_Who]) -> tuple[dict[int, datetime], dict[int, datetime]]:
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


def _question(ask: AuthoriseRequest, who: _Who) -> rules.Question:
    person = "the line user" if who.person_kind is PersonKind.line_user else "the subscriber"
    return rules.Question(
        data_kind=ask.data_kind,
        purpose=ask.purpose,
        service_name=ask.service_name,
        anonymous=ask.anonymous,
        called_number=ask.called_number,
        person=person,
    )


def answer_chunk(session: Session, asks: Sequence[AuthoriseRequest], now: datetime) -> list[Answer]:
    """One answer per question, in order, from a fixed number of statements."""
    with no_cycle_collection():
        return _answers(session, asks, now)


def _answers(session: Session, asks: Sequence[AuthoriseRequest], now: datetime) -> list[Answer]:
    chunk = _Chunk(session, asks, now)
    whos = [chunk.who(ask) for ask in asks]
    states = chunk.consents({w.subscriber_id for w in whos if w.problem is None})
    by_line, by_subscriber = chunk.switched([w for w, a in zip(whos, asks, strict=True) if _needs_switch(a, w)])
    answers = []
    # `rules.decide` is a pure function of the question, the consent state and the switch: a list of a
    # hundred thousand people asks a handful of distinct questions, so each is decided once per chunk.
    decided: dict[tuple, Answer] = {}
    for ask, who in zip(asks, whos, strict=True):
        if who.problem is not None:
            answers.append(who.problem)
            continue
        name = ask.service_name.strip()
        if ask.purpose is ProcessingPurpose.vas and name and name not in chunk.services:
            answers.append(Answer(False, f"no value-added service is registered as {name!r}", "", "invalid"))
            continue
        state = _state(states, ask, who, chunk.services)
        switch = by_line.get(who.line_id) if who.line_id else by_subscriber.get(who.subscriber_id)
        key = (
            ask.data_kind,
            ask.purpose,
            ask.service_name,
            ask.anonymous,
            ask.called_number,
            who.person_kind,
            state,
            switch,
        )
        answer = decided.get(key)
        if answer is None:
            decision = rules.decide(_question(ask, who), _consent(state), switch_until=switch)
            answer = decided[key] = Answer(decision.allowed, decision.reason, decision.basis)
        answers.append(answer)
    return answers


def _needs_switch(ask: AuthoriseRequest, who: _Who) -> bool:
    return who.problem is None and ask.data_kind is DataKind.location


def _consent(state: tuple | None) -> rules.ConsentState | None:
    return None if state is None else rules.ConsentState(ConsentAction(state[0]), _aware(state[1]))


def _state(states: dict, ask: AuthoriseRequest, who: _Who, services: dict[str, int]) -> tuple | None:
    purpose = CONSENT_PURPOSE.get(ask.purpose)
    if purpose is None:
        return None
    service_id = services.get(ask.service_name.strip()) if purpose is ConsentPurpose.vas else None
    key = (who.subscriber_id, who.person_kind, who.person_id, ask.data_kind, purpose, service_id)
    return states.get(key)
