"""Characters no installed font can draw: a notice wording holding one is refused naming the field and
the character; recipients whose name or address hold one are added but named in a warning before any
letter is made; Polish and Welsh names and addresses are printed as written."""

from __future__ import annotations

import pytest
from sqlmodel import Session

from breach.notices import documents, recipients, rules, service
from provider.errors import Invalid
from provider.notices import fonts
from tests.breach.notices.conftest import PROFILE, add_subscriber, wording
from tests.conftest import TESTER
from tests.support.maxtext import page_texts

HIEROGLYPH = "\U00013000"  # Egyptian hieroglyph A001: in no installed font
PRIVATE = "\U0010fffd"  # a private-use code point: no font has it
BATCH = {
    "provider": PROFILE,
    "letter_date": "2 December 2026",
    "breach_reference": "BR-2026-0001",
    "created_at": "2026-12-02T10:00:00+00:00",
}


def test_the_characters_chosen_are_ones_no_installed_font_draws():
    assert fonts.undrawable([HIEROGLYPH + PRIVATE]) == [HIEROGLYPH, PRIVATE]


def test_a_wording_with_a_character_no_font_draws_is_refused_naming_field_and_character():
    errors = rules.check_content({"summary": f"A tape {PRIVATE} was stolen.", "subject": "Łódź"}, required=())
    assert [(e.field, e.reason) for e in errors] == [("summary", f'no installed font can print "{PRIVATE}" (U+10FFFD)')]


def test_saving_such_a_wording_is_refused_and_keeps_no_version(session: Session, breach, clock):
    with pytest.raises(Invalid) as raised:
        service.save_template(
            session, actor=TESTER, now=clock.now(), breach_id=breach.id, data=wording(summary=f"Lost {HIEROGLYPH}")
        )
    assert [e.field for e in raised.value.errors] == ["summary"] and "U+13000" in raised.value.errors[0].reason
    session.rollback()
    assert service.current_template(session, breach.id) is None


def test_recipients_whose_details_no_font_draws_are_named_in_a_warning(session: Session, breach, clock):
    add_subscriber(session, f"Mr Ahmose {HIEROGLYPH}", "ACC-1")
    add_subscriber(session, "Mrs Gwen Ŵyn", "ACC-2")
    result = recipients.add_recipients(
        session, actor=TESTER, now=clock.now(), breach_id=breach.id, account_references=[("a", "ACC-1"), ("b", "ACC-2")]
    )
    assert result.subscribers_added == 2
    assert len(result.undrawable) == 1
    assert result.undrawable[0].startswith(f"Mr Ahmose {HIEROGLYPH} (") and "(U+13000)" in result.undrawable[0]


def test_undrawable_recipients_names_the_field_holding_it_and_stops_at_the_limit():
    rows = [
        {"recipient_key": f"s:{n}", "snapshot": {"name": f"Customer {n}", "address": f"{n} Mill {PRIVATE}"}}
        for n in range(1, 4)
    ] + [{"recipient_key": "s:9", "snapshot": {"name": "Siân Llŷr", "address": "Aberdâr", "lines": "01685 000000"}}]
    assert recipients.undrawable_recipients(rows, limit=2) == [
        'Customer 1 (s:1): "\U0010fffd" (U+10FFFD)',
        'Customer 2 (s:2): "\U0010fffd" (U+10FFFD)',
    ]
    assert recipients.undrawable_recipients(rows[3:], limit=10) == []


def test_a_letter_prints_a_polish_and_a_welsh_name_and_address_as_written():
    for name, address in (
        ("Pani Małgorzata Wójcik-Żółkiewska", "ul. Źródlana 5/12\n90-001 Łódź\nPoland"),
        ("Mr Llŷr ap Gwŷn", "Tŷ Ŵyn, Ffordd yr Eglwys\nAberdâr CF44 7AA"),
    ):
        recipient = {
            "name": name,
            "kind": "individual",
            "address": address,
            "email": "",
            "account_reference": "ACC-1",
            "lines": "01685 000000",
        }
        assert fonts.undrawable([name, address]) == []
        fields = wording(greeting="{salutation},").model_dump()
        text = "\n".join(page_texts(documents.letter_pdf(fields, BATCH, recipient, "BR-2026-0001-N1")))
        for expected in (name, *address.split("\n")):
            assert expected in text, (expected, text[:400])
