"""Directories' keeper: a left line leaves the directory at once, but its subscriber is kept until every
publisher that had the line has been delivered an edition without it; erasure then takes the lines'
choices, history and requests, and keeps past editions' rows without the number, name and address."""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import select as select_rows
from sqlmodel import Session, select

from directories import requests
from directories.editions import service as editions
from directories.models import (
    EDITION_ENTRY,
    DirectoryChoice,
    DirectoryChoiceEvent,
    DirectoryRequest,
    RecipientCreate,
    RequestCreate,
    RequestKind,
)
from provider.subscribers import service as subscribers
from provider.wording.models import ServedChannel
from tests.provider.subscribers.leavers import ACTOR, erase, kept, leave, make_subscriber, refusal

WAIT_DAYS = 28
WHY = "its removal from the directory has not been delivered to this publisher yet"


def _edition(session: Session, now, since=None):
    edition = editions.produce(session, actor=ACTOR, now=now, wait_days=WAIT_DAYS, since_edition_id=since)
    session.commit()
    return edition


def _deliver(session: Session, now, edition, *recipients) -> None:
    for recipient in recipients:
        editions.record_delivery(session, actor=ACTOR, now=now, edition=edition, recipient_id=recipient.id, at=now)
    session.commit()


def _entries(session: Session, edition_id: int) -> dict[int, tuple]:
    rows = session.execute(
        select_rows(EDITION_ENTRY.c.line_id, EDITION_ENTRY.c.number, EDITION_ENTRY.c.name, EDITION_ENTRY.c.address)
        .where(EDITION_ENTRY.c.edition_id == edition_id)
    )  # fmt: skip
    return {line_id: (number, name, address) for line_id, number, name, address in rows}


def test_a_leaver_is_kept_until_each_publisher_has_its_removal_then_its_directory_data_goes(session, clock):
    now = clock.now()
    leaver = make_subscriber(session, now, kind="corporate")  # listed without a notice: corporate
    stays = make_subscriber(session, now, kind="corporate")
    line = subscribers.get_line(session, leaver.line_a)
    data = RequestCreate(kind=RequestKind.correct, received_at=now, channel=ServedChannel.telephone,
                         listed_name="Ann Example Trading")  # fmt: skip
    requests.record_request(session, actor=ACTOR, now=now, line=line, data=data)
    session.commit()
    north, south = (
        editions.add_recipient(session, actor=ACTOR, now=now, data=RecipientCreate(name=name, kind="publisher"))
        for name in ("North Directories", "South Pages")
    )
    first = _edition(session, now)
    _deliver(session, now, first, north, south)
    assert _entries(session, first.id)[leaver.line_a][1] == "Ann Example Trading"

    leave(session, now, leaver)
    reason = refusal(session, now, leaver)
    assert f"directory entries delivered to North Directories (2) kept: {WHY}" in reason
    assert "South Pages (2)" in reason
    later = now + timedelta(days=1)
    delta = _edition(session, later, since=first.id)
    assert leaver.line_a not in _entries(session, delta.id) and stays.line_a in _entries(session, delta.id)
    assert delta.removed == 2  # the left lines leave the directory with the leave
    _deliver(session, later, delta, north)
    assert list(kept(session, later, leaver)) == ["directory entries delivered to South Pages"]
    _deliver(session, later, delta, south)
    assert kept(session, later, leaver) == {}

    receipt = erase(session, later, leaver)
    counts = {key: value for key, value in receipt.counts.items() if key.startswith("directories.")}
    assert counts == {"directories.choices": 1, "directories.choice_history": 1, "directories.requests": 1,
                      "directories.edition_entries_anonymised": 2}  # fmt: skip
    lines = [leaver.line_a, leaver.line_b]
    for model in (DirectoryChoice, DirectoryChoiceEvent, DirectoryRequest):
        assert session.exec(select(model).where(model.line_id.in_(lines))).all() == []
    past = _entries(session, first.id)
    assert past[leaver.line_a] == (f"#{leaver.line_a}", "(erased)", "(erased)")
    assert past[stays.line_a][1] == "Ann Example"  # others' entries are untouched


def test_a_line_never_delivered_keeps_nothing(session, clock):
    now = clock.now()
    leaver = make_subscriber(session, now, kind="corporate")
    _edition(session, now)  # produced, but delivered to no one
    leave(session, now, leaver)
    assert kept(session, now, leaver) == {}
    assert erase(session, now, leaver).counts["directories.edition_entries_anonymised"] == 2
