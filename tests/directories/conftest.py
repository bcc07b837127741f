"""Directory fixtures: subscribers of each kind with one line, the notice saved, serving it at a moment."""

from __future__ import annotations

from datetime import datetime
from itertools import count

import pytest
from sqlmodel import Session

from directories import service
from directories.models import NoticeParts
from provider.subscribers import service as subscribers
from provider.subscribers.models import Line, LineCreate, SubscriberCreate
from provider.wording import bulk as wording_bulk
from provider.wording.models import PersonKind, ServedChannel
from tests.conftest import START, TESTER

NOTICE_TEXT = NoticeParts(
    what_it_is="The Example Telecom directory and our directory enquiry service.",
    what_it_includes="Your name, your address (or only your town) and your phone number.",
    number_lookup="Anyone who knows your name and approximate address can find your number.",
    reverse_search="Reverse search (finding your name and address from your number) only if you tick the box.",
    options="Full listing; directory enquiries only; ex-directory (in no directory at all).",
    opt_out="Tell us within 28 days by phone, post or on our website to stay out of the directory.",
)
_numbers = count(1)


@pytest.fixture
def notice(session: Session):
    version = service.save_notice(session, actor=TESTER, now=START, parts=NOTICE_TEXT)
    session.commit()
    return version


@pytest.fixture
def make_line(session: Session):
    """make_line(kind, name=, address=) -> the new subscriber's one line (committed)."""

    def _make(kind: str = "individual", name: str = "Jane Smith", address: str = "12 High Street, Leeds LS1 2AB"):
        number = f"07700 9{next(_numbers):05d}"
        created = subscribers.create_subscriber(
            session,
            actor=TESTER,
            now=START,
            data=SubscriberCreate(
                kind=kind,
                name=name,
                address=address,
                account_reference=f"ACC-{number.replace(' ', '')}",
                lines=[LineCreate(number=number, service="mobile")],
            ),
        )
        session.commit()
        line = subscribers.lines_of(session, created.id)[0]
        session.commit()  # ends the read: SQLite transactions hold the write lock the app needs
        return line

    return _make


@pytest.fixture
def serve(session: Session, notice):
    """serve(line, at) records that the line's subscriber was given the notice by post at `at`."""

    def _serve(line: Line, at: datetime) -> None:
        wording_bulk.record_served(
            session,
            version_id=notice.id,
            channel=ServedChannel.post,
            served_at=at,
            people=[wording_bulk.Person(PersonKind.subscriber, line.subscriber_id, "test")],
        )
        session.commit()

    return _serve
