"""The next action on a breach and the order of its deadlines: pure rules and their words, across the
October clock change and a month boundary."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from breach import queries, rules
from breach.deadlines import BREACH_KINDS
from breach.documents import render_ico_notification
from breach.log import documents as log_documents
from breach.models import ObligationKind
from breach.presenters import OBLIGATION_NAMES, obligation_name
from provider.deadlines.models import ObligationStatus
from tests.breach.test_documents import snapshot
from tests.support.maxtext import page_texts


@dataclass
class Row:
    kind: ObligationKind
    statutory: bool
    due_at: datetime | None
    status: ObligationStatus = ObligationStatus.open
    late_by_seconds: int | None = None


NOW = datetime(2026, 12, 1, 21, 0, tzinfo=UTC)


def test_the_statutory_deadline_is_the_next_action_even_when_an_internal_target_is_sooner():
    rows = [
        Row(ObligationKind.ico_initial_target, False, NOW + timedelta(hours=2)),
        Row(ObligationKind.ico_notification, True, datetime(2026, 12, 4, 11, 0, tzinfo=UTC)),
        Row(ObligationKind.log_inclusion, False, None),
    ]
    words = queries.next_action_words(rows, NOW)
    assert words["text"] == "Notify the ICO, statutory, due Fri 04 Dec 11:00 GMT, in 2 d 14 h"
    assert [r.kind for r in rules.due_order(rows)] == [
        ObligationKind.ico_notification,
        ObligationKind.ico_initial_target,
        ObligationKind.log_inclusion,
    ]


def test_a_met_statutory_deadline_gives_way_to_the_open_internal_target_and_overdue_is_said():
    rows = [
        Row(ObligationKind.ico_notification, True, NOW - timedelta(hours=1), ObligationStatus.met),
        Row(ObligationKind.customer_notice_decision, False, NOW - timedelta(minutes=90)),
    ]
    words = queries.next_action_words(rows, NOW)
    assert words["overdue"] and words["text"].startswith("Decide whether to notify customers, internal target")
    assert words["text"].endswith("overdue by 1 h 30 min")
    assert queries.next_action_words([rows[0]], NOW) is None


def test_a_due_time_in_the_repeated_october_hour_is_named_by_its_zone():
    before = datetime(2026, 10, 24, 23, 0, tzinfo=UTC)
    first = Row(ObligationKind.ico_notification, True, datetime(2026, 10, 25, 0, 30, tzinfo=UTC))  # 01:30 BST
    second = Row(ObligationKind.ico_notification, True, datetime(2026, 10, 25, 1, 30, tzinfo=UTC))  # 01:30 GMT
    assert "due Sun 25 Oct 01:30 BST, in 1 h 30 min" in queries.next_action_words([first], before)["text"]
    assert "due Sun 25 Oct 01:30 GMT, in 2 h 30 min" in queries.next_action_words([second], before)["text"]


def test_a_due_time_at_a_month_boundary_is_shown_on_london_clocks():
    # 31 March 23:30 UTC is 1 April 00:30 BST.
    row = Row(ObligationKind.log_submission, False, datetime(2026, 3, 31, 23, 30, tzinfo=UTC))
    text = queries.next_action_words([row], datetime(2026, 3, 31, 12, 0, tzinfo=UTC))["text"]
    assert text == "Send the monthly breach log to the ICO, internal target, due Wed 01 Apr 00:30 BST, in 11 h 30 min"


def test_one_name_per_obligation_everywhere():
    assert set(OBLIGATION_NAMES) == set(ObligationKind)
    for kind in BREACH_KINDS.kinds:
        assert kind.label == obligation_name(kind.name)
    assert (
        queries.present(
            type(
                "R",
                (),
                {
                    "kind": "ico_notification",
                    "statutory": True,
                    "due_at": None,
                    "status": "open",
                    "late_by_seconds": None,
                    "recipient": "ico",
                },
            )(),
            NOW,
        ).kind_words
        == "Notify the ICO"
    )


def test_the_filing_pdf_and_the_breach_log_name_the_deadline_as_the_pages_do():
    notify = obligation_name(ObligationKind.ico_notification)
    assert f"{notify} by" in log_documents.CSV_COLUMNS and "ICO deadline" not in log_documents.CSV_COLUMNS
    initial = " ".join(" ".join(page_texts(render_ico_notification(snapshot()))).split())
    assert f"{notify} by (statutory deadline)" in initial and "Statutory deadline" not in initial
    second = snapshot(stage="second", statutory_due_at="2026-10-30T10:00:00+00:00", regime="611/2013")
    text = " ".join(" ".join(page_texts(render_ico_notification(second))).split())
    assert f"{obligation_name(ObligationKind.ico_second_target)} by (statutory deadline)" in text
    follow_up = " ".join(" ".join(page_texts(render_ico_notification(snapshot(stage="follow_up")))).split())
    assert "Statutory deadline" in follow_up  # a follow-up meets no obligation: no name to give
