"""The subscriber pages' forms on the core form layer: their labels, and their fields as the API's input.

The pages validate through the same Create/Update schemas as the API, so a rule is written once; this
module only names each field as the form shows it and turns the form's fields into the schema's shape.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from provider.subscribers.presenters import KIND_LABELS, SERVICE_LABELS
from provider.web.forms import PageForm

# The create form's first line is `lines[0]` of the schema.
FIRST_LINE_FIELDS = {"lines.0.number": "line_number", "lines.0.service": "line_service"}
SUBSCRIBER_FIELDS = ("kind", "name", "address", "email", "phone", "account_reference")
SUBSCRIBER_FORM = PageForm(
    labels={
        "kind": "Kind",
        "name": "Name",
        "address": "Postal address",
        "email": "E-mail",
        "phone": "Contact phone",
        "account_reference": "Account reference",
        "line_number": "First line number",
        "line_service": "First line service",
    },
    choices=("kind", "line_service"),
    renames=FIRST_LINE_FIELDS,
)
LINE_FORM = PageForm(labels={"number": "Number", "service": "Service"}, choices=("service",))
USER_FORM = PageForm(labels={"name": "Name", "relationship": "Relationship", "contact": "Contact"})
KIND_OPTIONS = list(KIND_LABELS.items())
SERVICE_OPTIONS = list(SERVICE_LABELS.items())


def subscriber_input(values: Mapping[str, Any], with_first_line: bool) -> dict[str, Any]:
    """The create/edit form's fields as the schema's input; an empty first-line number means no line."""
    data: dict[str, Any] = {name: values.get(name, "") for name in SUBSCRIBER_FIELDS}
    if with_first_line and str(values.get("line_number", "")).strip():
        data["lines"] = [{"number": values["line_number"], "service": values.get("line_service", "")}]
    return data
