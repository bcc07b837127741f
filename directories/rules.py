"""PECR regulation 18 (directories of subscribers) as pure functions; ICO guide, "Directories".

An individual subscriber may be listed only after being given, free, the directory information notice
(what the directory is and includes; that name and approximate address reveal the number; whether
reverse search exists; each ex-directory option and its effect; how to opt out) and a chance to opt
out: either they made a choice after it, or `wait_days` passed since it was first served without one.
Reverse search (number to name and address) needs their express opt-in consent, never a default.
Corporate subscribers get no notice: listed unless they opt out, reverse search allowed unless they opt
out. Ex-directory excludes anyone from every edition and look-up.

The SQL in directories.queries decides the same thing for millions of lines at once; the tests run
the same cases through both. This module is the one statement of the rule and its defaults.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from directories.models import AddressDetail, Listing, NameForm

INDIVIDUAL = "individual"
# What applies to a line with no recorded choice. Individuals: the approximate address only, as the
# notice says; never reverse search. Corporate subscribers: a traditional full entry, reverse allowed.
DEFAULTS = {
    INDIVIDUAL: (Listing.full, NameForm.full, AddressDetail.locality, False),
    "corporate": (Listing.full, NameForm.full, AddressDetail.full, True),
}


def defaults_for(kind: str) -> tuple[Listing, NameForm, AddressDetail, bool]:
    return DEFAULTS[INDIVIDUAL if kind == INDIVIDUAL else "corporate"]


LOOKUP_LISTINGS = (Listing.full, Listing.enquiries_only)


@dataclass(frozen=True)
class ChoiceState:
    """A recorded choice as the rule reads it."""

    listing: Listing
    reverse_search: bool
    notice_version_id: int | None


@dataclass(frozen=True)
class Decision:
    listed: bool
    reverse_allowed: bool
    reason: str


def waiting_ends_at(first_informed_at: datetime, wait_days: int) -> datetime:
    return first_informed_at + timedelta(days=wait_days)


def informed_cutoff(now: datetime, wait_days: int) -> datetime:
    """Individuals first informed at or before this moment have had their chance to opt out."""
    return now - timedelta(days=wait_days)


def decide(
    *,
    kind: str,
    choice: ChoiceState | None,
    first_informed_at: datetime | None,
    now: datetime,
    wait_days: int,
) -> Decision:
    """Whether one line is listed and may be found by reverse search, and why."""
    if choice is not None and choice.listing is Listing.ex_directory:
        return Decision(False, False, "ex-directory: the subscriber opted out")
    if kind != INDIVIDUAL:
        reverse = True if choice is None else choice.reverse_search
        return Decision(True, reverse, "corporate subscriber: listed unless it opts out")
    if first_informed_at is None:
        return Decision(False, False, "not listed: the directory information notice has not been served")
    if choice is None or choice.notice_version_id is None:  # no choice made after the notice
        ends = waiting_ends_at(first_informed_at, wait_days)
        if ends > now:
            return Decision(False, False, f"not listed until the opt-out period ends ({wait_days} days)")
        return Decision(True, False, "listed: informed and did not opt out within the opt-out period")
    return Decision(True, choice.reverse_search, "listed: the subscriber chose this after the notice")


def choice_errors(
    *, kind: str, listing: Listing, notice_version_id: int | None, notice_saved: bool = True
) -> list[tuple[str, str]]:
    """What is wrong with recording a choice: an individual's needs the notice version they were shown
    (express consent to reverse search is the ticked box itself, recorded with that version). Going
    ex-directory needs no evidence of being informed, so it is never refused for the want of one."""
    if kind != INDIVIDUAL or notice_version_id is not None or listing is Listing.ex_directory:
        return []
    if not notice_saved:
        return [("notice_version_id", "save the directory information notice first: an individual chooses after it")]
    return [("notice_version_id", "name the directory information notice version the subscriber was shown")]


def shown_name(name: str, form: NameForm) -> str:
    words = name.split()
    if form is NameForm.initials and len(words) > 1:
        return f"{words[0][0]}. {words[-1]}"
    return name


def locality_of(address: str) -> str:
    """The approximate address: what follows the last comma (town and postcode)."""
    return address.rsplit(",", 1)[-1].strip()


def shown_address(address: str, detail: AddressDetail, locality: str | None = None) -> str:
    if detail is AddressDetail.none:
        return ""
    if detail is AddressDetail.locality:
        return locality or locality_of(address)
    return address
