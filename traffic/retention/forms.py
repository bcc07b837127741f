"""The retention page's hold form on the core form layer; labels are the words every error message uses."""

from __future__ import annotations

from provider.web.forms import PageForm

HOLD_FORM = PageForm(
    labels={
        "basis": "Legal basis",
        "reference": "Reference of the notice, order or certificate",
        "account_reference": "Subscriber's account reference",
        "line_number": "Line number",
        "date_from": "First day of the communications covered",
        "date_to": "Last day of the communications covered",
        "starts_at": "The hold's start",
        "ends_at": "The hold's end",
    },
    choices=("basis",),
    renames={"subscriber_id": "account_reference", "line_id": "line_number"},
)
