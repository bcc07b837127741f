"""Directory words shown to people: each listing option and what it does (PECR reg 18: every
ex-directory option explained one by one), name forms, address details, request kinds."""

from __future__ import annotations

from directories.models import AddressDetail, Listing, NameForm, RecipientKind, RequestKind

LISTING_LABELS = {
    Listing.full: "Full listing: printed and online directories and directory enquiries",
    Listing.enquiries_only: "Directory enquiries only: never printed, given only to callers who ask",
    Listing.ex_directory: "Ex-directory: in no directory and given by no enquiry service",
}
NAME_FORM_LABELS = {NameForm.full: "Name as given", NameForm.initials: "First initial and surname"}
ADDRESS_LABELS = {
    AddressDetail.full: "Full address",
    AddressDetail.locality: "Town and postcode only",
    AddressDetail.none: "No address",
}
REQUEST_LABELS = {
    RequestKind.verify: "Verify the entry (no change)",
    RequestKind.correct: "Correct the entry",
    RequestKind.withdraw: "Withdraw the entry (ex-directory from now on)",
}
RECIPIENT_LABELS = {RecipientKind.publisher: "Directory publisher", RecipientKind.enquiry_service: "Enquiry service"}


def options(labels: dict) -> list[tuple[str, str]]:
    return [(member.value, label) for member, label in labels.items()]
