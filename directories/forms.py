"""The directory pages' forms on the core form layer: a line's choice, a request, the look-ups, editions."""

from __future__ import annotations

from provider.web.forms import PageForm

CHOICE_FORM = PageForm(
    labels={
        "listing": "Listing",
        "name_form": "Name shown",
        "address_detail": "Address shown",
        "reverse_search": "Reverse search",
        "channel": "How the subscriber told us",
        "notice_version_id": "Notice shown",
    },
    choices=("listing", "name_form", "address_detail", "channel"),
    unplaced="notice_version_id",
)
REQUEST_FORM = PageForm(
    labels={
        "kind": "Request",
        "received_at": "When it was received",
        "channel": "How it came",
        "listed_name": "Name to list",
        "listed_address": "Address to list",
        "listed_locality": "Town and postcode to list",
        "note": "Note",
    },
    choices=("kind", "channel"),
    missing={"received_at": "Enter when the request was received"},
)
LOOKUP_FORM = PageForm(labels={"name": "Name", "locality": "Town or postcode", "number": "Number"})
EDITION_FORM = PageForm(labels={"since_edition_id": "Changes since edition", "format": "Format"}, choices=("format",))
RECIPIENT_FORM = PageForm(
    labels={"name": "Name", "kind": "Kind", "email": "E-mail", "acknowledgement_days": "Days to acknowledge"},
    choices=("kind",),
)
NOTICE_FORM = PageForm(
    labels={
        "what_it_is": "What the directory is",
        "what_it_includes": "What it includes",
        "number_lookup": "That name and approximate address reveal the number",
        "reverse_search": "Whether reverse search exists, and that it needs consent",
        "options": "Each ex-directory option and its effect",
        "opt_out": "How to opt out (free of charge)",
    }
)
POSTED_FORM = PageForm(labels={"batch_id": "Batch"})
