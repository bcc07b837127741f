"""An ICO notification holding a character no installed font can draw is refused before anything is
stored, naming the field and the character, so the PDF the ICO gets never shows a blank box."""

from __future__ import annotations

import pytest

from breach import service
from breach.models import BreachUpdate
from provider.errors import Invalid
from provider.notices import fonts
from tests.breach.test_service import SECTION_1, add_profile, create, error_fields
from tests.conftest import START, TESTER

HIEROGLYPH = "\U00013000"  # Egyptian hieroglyph A001: in neither DejaVu Sans nor WenQuanYi Micro Hei
PRIVATE = "\U0010fffd"  # a private-use code point: no font has it


def test_the_characters_chosen_are_ones_no_installed_font_draws():
    assert fonts.undrawable([f"Ann {HIEROGLYPH} {PRIVATE} Łódź Aberdâr"]) == [HIEROGLYPH, PRIVATE]


def test_a_filing_with_characters_no_font_draws_is_refused_naming_each_field_and_character(session):
    add_profile(session)
    breach = create(session, **SECTION_1, title="Lost laptop")
    # Recorded before the breach form checked characters: written straight to the row.
    breach.data_description, breach.title = f"Call records tagged {HIEROGLYPH}", f"Lost laptop {PRIVATE}"
    session.add(breach)
    session.flush()
    with pytest.raises(Invalid) as raised:
        service.file_notification(session, actor=TESTER, now=START, breach_id=breach.id, stage="initial")
    assert sorted(error_fields(raised)) == ["data_description", "title"]
    reasons = {e.field: e.reason for e in raised.value.errors}
    assert reasons["data_description"] == f'no installed font can print "{HIEROGLYPH}" (U+13000)'
    assert "U+10FFFD" in reasons["title"]
    session.rollback()
    assert service.list_filings(session, breach_id=breach.id) == []


def test_welsh_and_polish_text_is_filed(session):
    add_profile(session)
    breach = create(session, **SECTION_1, title="Gliniadur coll yn Aberdâr, ŵyr Łukasza")
    filing = service.file_notification(session, actor=TESTER, now=START, breach_id=breach.id, stage="initial")
    assert filing.pdf_bytes.startswith(b"%PDF")


def test_recording_or_changing_a_breach_with_characters_no_font_draws_is_refused_by_field(session):
    with pytest.raises(Invalid) as raised:
        create(session, **SECTION_1, title=f"Lost laptop {PRIVATE}")
    assert error_fields(raised) == ["title"]
    breach = create(session, **SECTION_1, title="Lost laptop")
    with pytest.raises(Invalid) as raised:
        service.update_breach(
            session, actor=TESTER, now=START, breach_id=breach.id,
            data=BreachUpdate(data_description=f"Call records tagged {HIEROGLYPH}"),
        )  # fmt: skip
    assert error_fields(raised) == ["data_description"]
    assert "U+13000" in raised.value.errors[0].reason
