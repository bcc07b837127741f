"""The breach log page's forms on the core form layer: the month picker and "record as sent"."""

from __future__ import annotations

from provider.web.forms import PageForm

LOG_FORM = PageForm(
    labels={
        "month": "Month",
        "sent_at": "When it was sent",
        "method": "How",
        "recipient": "To",
        "note": "Note",
        "pdf_sha256": "The log that was shown",
        "confirm_incomplete": "Send the log anyway",
        "incomplete_reason": "Why it is sent now",
    },
    choices=("method",),
    missing={"sent_at": "Enter when the log was sent.", "recipient": "Enter who the log was sent to"},
    formats={"pdf_sha256": "The log that was shown has changed: reload the page and check it again"},
    renames={"expected_pdf_sha256": "pdf_sha256"},
    unplaced="sent_at",
)
