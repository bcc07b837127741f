"""What a purpose check's answer is made of, shared by the general path (`bulk`) and PostgreSQL's
one-statement path for the common question (`plain`): the answer, whose data it is about, and a
decision shared by every question asking the same of the same consent state."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import NamedTuple

from provider.wording.models import PersonKind
from traffic.consent import rules
from traffic.consent.models import AuthoriseRequest, ConsentAction


class Answer(NamedTuple):
    """A decision, or a problem with the question (`problem`: "not_found" or "invalid"). A tuple: a batch
    hashes its answers to encode each distinct one once."""

    allowed: bool
    reason: str
    basis: str
    problem: str = ""


class Who(NamedTuple):
    """Whose data a question is about; a tuple, made a hundred thousand times a batch."""

    subscriber_id: int | None = None
    line_id: int | None = None
    person_kind: PersonKind = PersonKind.subscriber
    person_id: int | None = None
    problem: Answer | None = None
    # ("subscriber" | "line" | "user", the moment as stored) when the relationship is over; else None.
    # Raw from the driver: a batch keys its decisions by it, and only `decide` reads it as a time.
    ended: tuple[str, datetime | str] | None = None


NO_LINE = Who(problem=Answer(False, "no line has this number", "", "not_found"))
NOT_THEIR_LINE = Who(problem=Answer(False, "the line is not the subscriber's", "", "invalid"))
NOBODY_NAMED = Who(problem=Answer(False, "name the subscriber or the line number", "", "invalid"))
NO_SUBSCRIBER = Who(problem=Answer(False, "no such subscriber", "", "not_found"))
NOT_THEIR_USER = Who(problem=Answer(False, "not a named user of this line or subscriber", "", "invalid"))


def aware(value: datetime | str) -> datetime:
    """A stored time as aware UTC: SQLite hands back text without an offset, PostgreSQL a datetime."""
    moment = datetime.fromisoformat(value) if isinstance(value, str) else value
    return moment.replace(tzinfo=UTC) if moment.tzinfo is None else moment.astimezone(UTC)


# Decided once with this moment in place of the consent's own, whose text then marks where each person's
# own moment goes in the words. No stored consent can carry it (year 1).
PLACEHOLDER = datetime(1, 1, 1, tzinfo=UTC)
PLACEHOLDER_TEXT = PLACEHOLDER.isoformat()


class Decided(NamedTuple):
    """A decision shared by every question asking the same of the same consent state. When its words
    name the consent's moment (`after` is not None), each question's answer is `before`, that
    person's own moment, `after`."""

    answer: Answer
    before: str = ""
    after: str | None = None

    def for_moment(self, moment: str) -> Answer:
        if self.after is None:
            return self.answer
        return Answer(self.answer.allowed, self.before + moment + self.after, self.answer.basis, self.answer.problem)


def question(ask: AuthoriseRequest, who: Who) -> rules.Question:
    person = "the line user" if who.person_kind is PersonKind.line_user else "the subscriber"
    return rules.Question(
        data_kind=ask.data_kind,
        purpose=ask.purpose,
        service_name=ask.service_name,
        anonymous=ask.anonymous,
        called_number=ask.called_number,
        person=person,
    )


def decide(ask: AuthoriseRequest, who: Who, action: str | None, switch: datetime | None) -> Decided:
    consent = None if action is None else rules.ConsentState(ConsentAction(action), PLACEHOLDER)
    ended = None if who.ended is None else rules.Ended(who.ended[0], aware(who.ended[1]))
    decision = rules.decide(question(ask, who), consent, switch_until=switch, ended=ended)
    answer = Answer(decision.allowed, decision.reason, decision.basis)
    before, marked, after = decision.reason.partition(PLACEHOLDER_TEXT)
    return Decided(answer, before, after) if marked else Decided(answer)
