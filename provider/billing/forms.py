"""The itemised-bill forms on the core form layer: the subscriber's request, and the month of a bill."""

from __future__ import annotations

from provider.web.forms import PageForm

CHOICE_FORM = PageForm(
    labels={
        "itemised": "Bills",
        "channel": "How the subscriber asked",
        "requested_at": "When the subscriber asked",
        "note": "Note",
    },
    choices=("itemised", "channel"),
    missing={"itemised": "Choose itemised bills or bills without itemisation"},
)
MONTH_FORM = PageForm(labels={"month": "Billing month"})
