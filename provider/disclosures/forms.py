"""The register's forms on the core form layer."""

from __future__ import annotations

from provider.web.forms import PageForm

REQUEST_FORM = PageForm(
    labels={
        "received_at": "When the request was received",
        "requesting_body": "Requesting body",
        "legal_basis": "Legal basis",
        "legal_reference": "Reference of the authorisation or order",
        "data_requested": "Data requested",
        "subscriber_id": "Subscriber number in pecr",
    },
    choices=("legal_basis",),
)
DECISION_FORM = PageForm(
    labels={"decision": "Decision", "reasons": "Reasons", "decided_at": "When it was decided"},
    choices=("decision",),
    missing={"reasons": "Enter the reasons for the decision"},
)
DISCLOSURE_FORM = PageForm(
    labels={"summary": "What was disclosed", "disclosed_at": "When it was disclosed"},
    missing={"summary": "Describe what was disclosed (not the data itself)"},
)
PROCEDURE_FORM = PageForm(
    labels={
        "title": "Title",
        "body": "Procedure",
        "material_change": "This is a material change",
        "material_change_note": "What changed",
    }
)
REPORT_FORM = PageForm(labels={"date_from": "First day", "date_to": "Last day"})
