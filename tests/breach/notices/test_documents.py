"""Customer letters, e-mails and the media notice: window-envelope layout, salutation, signatory, plain
text and HTML, no personal field in the public notice, 'What you can do' never empty."""

from __future__ import annotations

import pypdfium2
import pytest

from breach.notices import documents, plain, rules
from tests.breach.notices.conftest import PROFILE, wording
from tests.support.maxtext import page_texts

PROVIDER = PROFILE | {"signatory_name": "Oliver Grant", "signatory_role": "Head of Customer Care"}
BATCH = {
    "provider": PROVIDER,
    "letter_date": "2 December 2026",
    "breach_reference": "BR-2026-0001",
    "created_at": "2026-12-02T10:00:00+00:00",
}
ELLISON = {
    "name": "Mrs Jane Ellison",
    "kind": "individual",
    "address": "4 Heol y Frenhines, Caerdydd CF10 2BU",
    "email": "",
    "account_reference": "ACC-77",
    "lines": "0117 496 0000",
}


def _fields(**changes: str) -> dict[str, str]:
    return wording(greeting="{salutation},", **changes).model_dump()


@pytest.mark.parametrize(
    ("name", "kind", "expected"),
    [
        ("Mrs Jane Ellison", "individual", "Dear Mrs Ellison"),
        ("mr. tom o'neill", "individual", "Dear Mr o'neill"),
        ("Dr Siân Llŷr", "individual", "Dear Dr Llŷr"),
        ("Sir Alan Jones", "individual", "Dear Sir Alan"),
        ("Jane Ellison", "individual", "Dear customer"),
        ("Mrs", "individual", "Dear customer"),
        ("Mrs Holdings Ltd", "corporate", "Dear customer"),
        ("", "individual", "Dear customer"),
    ],
)
def test_the_salutation_is_by_title_and_surname_or_dear_customer(name, kind, expected):
    assert rules.salutation(name, kind) == expected
    assert rules.sign_off(expected) == ("Yours faithfully" if expected == "Dear customer" else "Yours sincerely")


def _words_at(content: bytes) -> dict[str, tuple[float, float]]:
    """First page: each text line's (left, top) in mm from the sheet's top-left corner."""
    document = pypdfium2.PdfDocument(content)
    page = document[0]
    height = page.get_height()
    textpage = page.get_textpage()
    positions = {}
    for index in range(textpage.count_rects()):
        left, bottom, right, top = textpage.get_rect(index)
        line = textpage.get_text_bounded(left, bottom, right, top).strip()
        positions.setdefault(line, (left / 72 * 25.4, (height - top) / 72 * 25.4))
    document.close()
    return positions


def test_a_letter_has_letterhead_window_address_date_reference_salutation_and_a_named_signatory():
    content = documents.letter_pdf(_fields(), BATCH, ELLISON, "BR-2026-0001-N7")
    text = "\n".join(page_texts(content))
    for expected in (
        "Northwind",
        "1 Quay Street, Bristol",
        "Date: 2 December 2026",
        "Our reference: BR-2026-0001-N7",
        "Dear Mrs Ellison,",
        "Yours sincerely,",
        "Oliver Grant",
        "Head of Customer Care",
        "Heol y Frenhines",
    ):
        assert expected in text, expected
    positions = _words_at(content)
    left, top = positions["Mrs Jane Ellison"]
    # The window of a DL/C5 envelope: 20 mm from the left, from 45-50 mm down, 40 mm tall.
    assert 19 <= left <= 23 and 48 <= top <= 56, (left, top)
    assert 48 <= positions["Caerdydd CF10 2BU"][1] <= 90
    assert positions["Dear Mrs Ellison,"][1] > 95  # the body starts below the fold


def test_the_letter_body_is_set_at_eleven_points():
    content = documents.letter_pdf(_fields(), BATCH, ELLISON, "BR-2026-0001-N7")
    document = pypdfium2.PdfDocument(content)
    textpage = document[0].get_textpage()
    index = textpage.get_text_range().index("Dear Mrs Ellison")
    size = pypdfium2.raw.FPDFText_GetFontSize(textpage.raw, index)
    document.close()
    assert 11 <= size <= 12


def test_without_a_signatory_the_contact_point_signs():
    batch = BATCH | {"provider": PROFILE}
    text = "\n".join(page_texts(documents.letter_pdf(_fields(), batch, ELLISON, "R")))
    assert "Priya Shah" in text and "Data Protection Officer" in text


def test_the_email_has_the_same_content_as_text_and_html_without_links_or_attachment_words():
    fields = _fields(summary="Tape <stolen> & lost.")
    body = documents.email_body(fields, BATCH, ELLISON, "BR-2026-0001-N7")
    html = documents.email_html(fields, BATCH, ELLISON, "BR-2026-0001-N7")
    assert "Dear Mrs Ellison," in body and "Dear Mrs Ellison," in html
    assert "Tape &lt;stolen&gt; &amp; lost." in html and "<a " not in html and "<img" not in html
    assert "attached" not in body.replace("no attachments", "")
    assert "Oliver Grant" in body and "Head of Customer Care" in html


def test_the_media_notice_has_its_own_wording_and_no_personal_field():
    fields = _fields(
        data_nature="Call lists for lines {lines}. Your account number ({account_reference}) was on them.",
        summary="Dear {name}, a tape was stolen.\nWe are sorry.",
    )
    snapshot = {"provider": PROFILE, "breach_reference": "BR-2026-0001", "notice_date": "2 December 2026"}
    text = "\n".join(page_texts(documents.media_notice_pdf(fields, snapshot)))
    assert "Your account number" not in text and "()" not in text and "Dear" not in text
    assert "Call lists for lines the affected lines." in text and "We are sorry." in text
    assert "Public notice issued by Northwind" in text


def test_what_you_can_do_is_never_empty():
    fields = _fields(customer_measures="")
    body = documents.email_body(fields, BATCH, ELLISON, "R")
    assert plain.DEFAULT_CUSTOMER_MEASURES in body
    text = " ".join(" ".join(page_texts(documents.letter_pdf(fields, BATCH, ELLISON, "R"))).split())
    assert "We will never ask for your password" in text
    assert plain.customer_measures([]) == plain.DEFAULT_CUSTOMER_MEASURES
    assert plain.customer_measures(["account_credentials"]).startswith("Change the password")


def test_a_window_address_too_long_for_the_window_is_printed_in_full_in_the_letter():
    long_address = "\n".join(f"Line {n} of a very long address, Somewhere Else" for n in range(12))
    text = "\n".join(page_texts(documents.letter_pdf(_fields(), BATCH, ELLISON | {"address": long_address}, "R")))
    assert "Your address as we hold it" in text and "Line 11 of a very long address" in text


def test_letterhead_blocks_drawn_directly_and_as_paragraphs_sit_in_the_same_place():
    """Plain one-line blocks are drawn straight onto the canvas; a block in a fallback font, or one that
    has to wrap, goes through a shrink-to-fit paragraph. Both must land in the same box."""
    plain_letter = documents.letter_pdf(_fields(), BATCH, ELLISON, "R-1")
    wrapped_address = "Unit 4, The Very Long Named Business Park Off The Old Coach Road, Bristol BS1 4QA, England"
    provider = PROVIDER | {"trading_name": "北风 Northwind", "address": wrapped_address}
    wrapping_letter = documents.letter_pdf(
        _fields(), BATCH | {"provider": provider}, ELLISON | {"name": "Mrs 王 Ellison"}, "R-1"
    )
    plain_at, wrapping_at = _words_at(plain_letter), _words_at(wrapping_letter)
    assert plain_at["Our reference: R-1"] == pytest.approx(wrapping_at["Our reference: R-1"], abs=0.5)
    first = {fragment: next(at for line, at in wrapping_at.items() if fragment in line) for fragment in ("Mrs", "北风")}
    assert plain_at["Mrs Jane Ellison"] == pytest.approx(first["Mrs"], abs=0.5)
    assert plain_at["Northwind"][1] == pytest.approx(first["北风"][1], abs=1.5)
    text = " ".join(" ".join(page_texts(wrapping_letter)).split())
    assert "The Very Long Named Business Park" in text and "Bristol BS1 4QA, England" in text


@pytest.mark.parametrize("words", range(150, 330, 6))
def test_a_section_heading_is_never_the_last_line_of_a_letter_page(words):
    """Whatever the length of the text before it, a heading moves to the next page with its text."""
    fields = _fields(summary=" ".join(["word"] * words))
    labels = {label for _, label in documents.SECTIONS} | {"Your account"}
    pages = page_texts(documents.letter_pdf(fields, BATCH, ELLISON, "R"))
    for page in pages[:-1]:
        body = [line.strip() for line in page.splitlines() if line.strip()]
        body = [line for line in body if not line.startswith(("Page ", "Northwind · our reference"))]
        assert body[-1] not in labels, body[-3:]
