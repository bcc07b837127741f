"""The question a marketing list asks a hundred thousand times, answered by PostgreSQL in two
statements per chunk: traffic data about a subscriber named by id (no line, no named user, no
value-added service). One gives which of the subscribers exist and when each left (if it has), the
other the action and moment of each one's newest consent of that kind and purpose; each distinct
action (with, for a subscriber who has left, the moment it left) is decided once through
`decided.decide`, the same decision the general path (`bulk`) makes, and a test holds the two paths
to the same answers.

Location data, named lines and users, and value-added services take the general path: they need the
privacy switch, the numbering or the service register.
"""

from __future__ import annotations

from collections.abc import Sequence

from sqlalchemy import Connection

from provider.wording.models import PersonKind
from traffic.consent.decided import NO_SUBSCRIBER, Decided, Who, decide
from traffic.consent.models import AuthoriseRequest, ConsentPurpose, DataKind, ProcessingPurpose

CONSENTED = {ProcessingPurpose.marketing: ConsentPurpose.marketing}
EXISTS_SQL = "SELECT id, left_at FROM subscriber WHERE id = ANY(%(ids)s::bigint[])"
# The newest event of the key per subscriber, in one ordered pass over ix_traffic_consent_key. Joined to
# the questions here rather than in SQL: with the array's size unknown to the planner, and no statistics
# yet on a fresh table, PostgreSQL chose a nested loop over 10,000 x 5,000 rows (7 s a chunk).
# The moment comes as the text the words carry (Python's `isoformat` of it in UTC, microseconds only when
# there are any), so a hundred thousand answers make no datetime objects.
MOMENT_TEXT = (
    "to_char(occurred_at AT TIME ZONE 'UTC', 'YYYY-MM-DD\"T\"HH24:MI:SS') || CASE WHEN "
    "extract(microseconds FROM occurred_at)::bigint %% 1000000 = 0 THEN '' "
    "ELSE to_char(occurred_at AT TIME ZONE 'UTC', '.US') END || '+00:00'"
)
CONSENT_SQL = (
    f"SELECT DISTINCT ON (subscriber_id) subscriber_id, action, {MOMENT_TEXT} FROM traffic_consent "
    "WHERE subscriber_id = ANY(%(ids)s::bigint[]) AND person_kind = 'subscriber' AND person_id = subscriber_id "
    "AND data_kind = %(data_kind)s AND purpose = %(purpose)s AND service_id IS NULL "
    "ORDER BY subscriber_id, id DESC"
)
NO_ONE = Decided(NO_SUBSCRIBER.problem)  # type: ignore[arg-type]
NEVER = (None, None)
MISSING = object()


def shape(ask: AuthoriseRequest) -> tuple | None:
    """What the answer depends on besides the subscriber, for a question this path answers; else None."""
    if ask.line_number or ask.user_id or ask.subscriber_id is None or ask.data_kind is not DataKind.traffic:
        return None
    if ask.purpose is ProcessingPurpose.vas or ask.service_name:
        return None
    return (ask.purpose, ask.anonymous, ask.called_number)


def answer(connection: Connection, asks: Sequence[AuthoriseRequest]) -> list[tuple[Decided, str]]:
    """Per question (all of one `shape`), its decision and the moment its words name ("" for none)."""
    first = asks[0]
    ids = "{" + ",".join(str(ask.subscriber_id) for ask in asks) + "}"
    existing = dict(connection.exec_driver_sql(EXISTS_SQL, {"ids": ids}).all())  # id: when it left, or None
    purpose = CONSENTED.get(first.purpose)
    states: dict[int, tuple] = {}
    if purpose is not None:
        parameters = {"ids": ids, "data_kind": DataKind.traffic.value, "purpose": purpose.value}
        states = {row[0]: row[1:] for row in connection.exec_driver_sql(CONSENT_SQL, parameters).all()}
    who = Who(first.subscriber_id, None, PersonKind.subscriber, first.subscriber_id)
    # Keyed by the action alone while the subscriber stands, by (action, when it left) once it has left.
    decided: dict[object, Decided] = {}
    out = []
    append, state_of, left_of = out.append, states.get, existing.get
    for ask in asks:
        subscriber_id = ask.subscriber_id
        left = left_of(subscriber_id, MISSING)
        if left is MISSING:
            append((NO_ONE, ""))
            continue
        action, moment = state_of(subscriber_id, NEVER)
        key = action if left is None else (action, left)
        entry = decided.get(key)
        if entry is None:
            ended = None if left is None else ("subscriber", left)
            entry = decided[key] = decide(first, who._replace(ended=ended), action, None)
        append((entry, "" if entry.after is None else moment))
    return out
