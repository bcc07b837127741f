"""Telephone numbers: validated with `phonenumbers` and stored in E.164 (`+447700900123`).

Numbers typed in national form are read as UK numbers (region GB); numbers starting with `+` or `00`
are read as international. A number must be one `phonenumbers` considers valid, or fall in one of
the blocks Ofcom reserves for TV and radio drama (Ofcom, "Telephone numbers for use in TV and radio
drama programmes"). libphonenumber deliberately rejects some of those blocks (07700 900xxx,
01632 960xxx); accepting them lets demos and tests use numbers that can never reach a real person.
"""

from __future__ import annotations

import re
from functools import lru_cache

import phonenumbers
from phonenumbers import NumberParseException, PhoneNumberFormat, ValidationResult

DEFAULT_REGION = "GB"
MAX_INPUT_LENGTH = 40
E164_MAX_LENGTH = 16  # "+" and at most 15 digits (ITU-T E.164)

# E.164 prefixes of the 1,000-number blocks reserved for drama; each number is prefix + 3 digits.
DRAMA_BLOCKS: tuple[str, ...] = (
    "+447700900",  # mobile 07700 900000-900999
    "+441632960",  # no area 01632 960000-960999
    "+442079460",  # London 020 7946 0000-0999
    "+441134960",  # Leeds 0113 496 0000-0999
    "+441144960",  # Sheffield
    "+441154960",  # Nottingham
    "+441164960",  # Leicester
    "+441174960",  # Bristol
    "+441184960",  # Reading
    "+441214960",  # Birmingham
    "+441314960",  # Edinburgh
    "+441414960",  # Glasgow
    "+441514960",  # Liverpool
    "+441614960",  # Manchester
    "+441914980",  # Tyneside 0191 498 0000-0999
    "+442920180",  # Cardiff 029 2018 0000-0999
    "+442896496",  # Belfast 028 9649 6000-6999
    "+448081570",  # freephone 08081 570000-570999
    "+449098790",  # premium 0909 879 0000-0999
    "+443069990",  # UK-wide 03069 990000-990999
)

_POSSIBILITY_REASONS = {
    ValidationResult.TOO_SHORT: "too short",
    ValidationResult.TOO_LONG: "too long",
    ValidationResult.INVALID_LENGTH: "the wrong length",
    ValidationResult.INVALID_COUNTRY_CODE: "an unknown country code",
}


class InvalidNumber(ValueError):
    """The text is not a usable telephone number; `reason` says why in words for a person."""

    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


def is_drama_number(e164: str) -> bool:
    return len(e164) == 13 and e164[:10] in DRAMA_BLOCKS and e164[10:].isdigit()


def _describe(number: phonenumbers.PhoneNumber, international: bool) -> str:
    region = phonenumbers.region_code_for_number(number)
    uk = not international or number.country_code == 44
    where = "UK" if uk else (f"{region}" if region else f"+{number.country_code}")
    possibility = phonenumbers.is_possible_number_with_reason(number)
    detail = _POSSIBILITY_REASONS.get(possibility)
    if detail:
        return f"not a valid {where} number ({detail})"
    return f"not a valid {where} number"


def normalise_number(text: str, region: str = DEFAULT_REGION) -> str:
    """Return `text` in E.164, or raise InvalidNumber naming the reason.

    >>> normalise_number("07700 900123")
    '+447700900123'
    """
    cleaned = (text or "").strip()
    if not cleaned:
        raise InvalidNumber("a number is required")
    if len(cleaned) > MAX_INPUT_LENGTH:
        raise InvalidNumber(f"at most {MAX_INPUT_LENGTH} characters")
    if cleaned.startswith("00"):
        cleaned = "+" + cleaned[2:]
    international = cleaned.startswith("+")
    try:
        number = phonenumbers.parse(cleaned, region)
    except NumberParseException as error:
        raise InvalidNumber("not a valid UK number" if not international else "not a phone number") from error
    e164 = phonenumbers.format_number(number, PhoneNumberFormat.E164)
    if phonenumbers.is_valid_number(number) or is_drama_number(e164):
        return e164
    raise InvalidNumber(_describe(number, international))


_E164_SHAPE = re.compile(r"\+[1-9][0-9]{6,14}")
_UK_NATIONAL_SHAPE = re.compile(r"0[1-9][0-9]{8,9}")


def matching_form(text: str) -> str:
    """The form a number is matched by (a keyed hash of it finds records): E.164 wherever the number can be
    read as one, else the text as given with its spaces removed (a leading `00` read as `+`), so a look-up
    typed the same way still matches. In E.164 or UK national digits (`07700 900123`) it is rewritten by one
    regular expression, not the normaliser (millions of ingested records), to what the normaliser gives for
    any valid number; in any other form (brackets, dashes) the normaliser decides."""
    compact = "".join(text.split())
    if compact.startswith("00"):
        compact = "+" + compact[2:]
    if _E164_SHAPE.fullmatch(compact):
        return compact
    if _UK_NATIONAL_SHAPE.fullmatch(compact):
        return "+44" + compact[1:]
    return _normalised_or_as_given(compact)


@lru_cache(maxsize=4096)  # the normaliser takes ~100 µs: a file repeats its odd-looking numbers
def _normalised_or_as_given(compact: str) -> str:
    try:
        return normalise_number(compact)
    except InvalidNumber:
        return compact


def is_valid(text: str, region: str = DEFAULT_REGION) -> bool:
    try:
        normalise_number(text, region)
    except InvalidNumber:
        return False
    return True


def looks_like_number(text: str) -> bool:
    """Search input that is mostly digits (and at least six of them) is tried as a number."""
    digits = sum(ch.isdigit() for ch in text)
    others = set(text) - set("0123456789+-() .")
    return digits >= 6 and not others


def display(e164: str) -> str:
    """Human form for pages: national for UK numbers, international otherwise."""
    try:
        number = phonenumbers.parse(e164, None)
    except NumberParseException:
        return e164
    style = PhoneNumberFormat.NATIONAL if number.country_code == 44 else PhoneNumberFormat.INTERNATIONAL
    return phonenumbers.format_number(number, style)
