"""Numbers are validated with phonenumbers and stored in E.164; UK national form is read as GB."""

from __future__ import annotations

import pytest

from provider.subscribers import phone
from provider.subscribers.phone import InvalidNumber, normalise_number


@pytest.mark.parametrize(
    ("typed", "e164"),
    [
        ("07700 900123", "+447700900123"),  # Ofcom drama mobile: libphonenumber alone rejects it
        ("020 7946 0123", "+442079460123"),
        ("(020) 7946-0123", "+442079460123"),
        ("0113 496 0999", "+441134960999"),
        ("01632 960001", "+441632960001"),
        ("+44 7700 900123", "+447700900123"),
        ("0044 20 7946 0123", "+442079460123"),
        ("+33 1 23 45 67 89", "+33123456789"),  # international numbers keep their own country
        ("0033 6 12 34 56 78", "+33612345678"),
    ],
)
def test_valid_numbers_are_normalised_to_e164(typed, e164):
    assert normalise_number(typed) == e164


@pytest.mark.parametrize(
    ("typed", "reason"),
    [
        ("07700 90012", "not a valid UK number"),  # one digit short of a drama number
        ("12345", "not a valid UK number"),
        ("not a number", "not a valid UK number"),
        ("", "a number is required"),
        ("+999 1234 5678", "not a phone number"),
        ("+33 1 23", "not a valid FR number (too short)"),
        ("0" * 41, "at most 40 characters"),
    ],
)
def test_invalid_numbers_are_refused_with_a_reason(typed, reason):
    with pytest.raises(InvalidNumber) as refused:
        normalise_number(typed)
    assert refused.value.reason == reason


def test_only_the_reserved_drama_block_is_accepted_beyond_libphonenumber():
    assert phone.is_drama_number("+447700900999")
    assert not phone.is_drama_number("+447700901000")
    assert not phone.is_valid("07700 901000")


def test_display_uses_national_form_for_uk_and_international_otherwise():
    assert phone.display("+442079460123") == "020 7946 0123"
    assert phone.display("+33123456789") == "+33 1 23 45 67 89"


def test_search_input_is_tried_as_a_number_only_when_it_looks_like_one():
    assert phone.looks_like_number("07700 900123")
    assert phone.looks_like_number("+44 (0)20 7946 0123")
    assert not phone.looks_like_number("ACC-123456")
    assert not phone.looks_like_number("0770")
