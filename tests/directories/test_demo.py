"""The directory demo: an example notice on a first start, once, and never beside real subscribers."""

from __future__ import annotations

from directories import demo, service
from provider.manifest import DemoContext
from tests.conftest import START, TESTER


def test_the_example_notice_is_saved_once_as_a_draft(session):
    context = DemoContext(actor=TESTER, now=START, subscribers=0)
    assert demo.load_if_empty(session, context) == [
        "example directory information notice saved (version 1, not yet served)"
    ]
    assert service.current_notice(session).first_used_at is None
    assert demo.load_if_empty(session, context) == []


def test_no_example_notice_beside_real_subscribers(session, make_line):
    make_line()
    assert demo.load_if_empty(session, DemoContext(actor=TESTER, now=START, subscribers=0)) == []
