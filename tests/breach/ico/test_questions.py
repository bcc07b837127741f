"""The question sheet follows Annex I item by item and prints a blank answer as "not provided"."""

from __future__ import annotations

from breach.ico.questions import NOT_PROVIDED, NOT_YET_KNOWN, question_sheet


def _snapshot(**breach):
    return {
        "provider": {"legal_name": "Northwind", "contact_name": "A. Jones", "contact_email": "dpo@example.com"},
        "breach": {"occurred_at": "2026-10-25T01:30:00+00:00", "occurred_is_estimate": True, **breach},
        "filing": {"stage": "second"},
    }


def test_items_come_in_the_order_of_the_ico_form_and_blanks_say_not_provided():
    sheet = question_sheet(_snapshot(other_countries="Ireland: 12 subscribers", other_authorities=""))
    numbers = [q.number for section in sheet for q in section.questions]
    assert numbers == ["1", "2", "3", "4a", "4b", *[str(n) for n in range(5, 18)]]
    answers = {q.number: q for section in sheet for q in section.questions}
    assert answers["2"].answer == "A. Jones, dpo@example.com"
    assert answers["16"].answer == "Ireland: 12 subscribers"
    assert (answers["17"].answer, answers["17"].provided) == (NOT_PROVIDED, False)
    assert answers["8"].answer == NOT_PROVIDED and "None stated" not in str(sheet)
    # 01:30 UTC on the October clock-change night is 01:30 GMT (the repeated hour's second pass).
    assert answers["4a"].answer == "Sun 25 Oct 2026 01:30 GMT (01:30 UTC) (estimate)"


def test_individuals_not_yet_known_when_a_gap_says_so():
    snapshot = _snapshot()
    snapshot["gaps"] = {"individuals_affected": {"reason": "billing re-run", "expected": "2026-11-02"}}
    answers = {q.number: q for section in question_sheet(snapshot) for q in section.questions}
    assert answers["10"].answer == NOT_YET_KNOWN
