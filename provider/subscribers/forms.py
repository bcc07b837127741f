"""Turning form input into the API schemas, and their errors into (field, reason) pairs for pages.

The pages validate through the same Create/Update schemas as the API, so a rule is written once;
this module only renames fields to the form's names and says each reason in plain words, with the
field's label first so the error summary reads on its own ("Line number: not a valid UK number").
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar

from pydantic import BaseModel, ValidationError

from provider.errors import DomainError
from provider.subscribers.models import LineService, SubscriberKind

Model = TypeVar("Model", bound=BaseModel)
FormErrors = list[tuple[str, str]]

LABELS = {
    "kind": "Kind",
    "name": "Name",
    "address": "Postal address",
    "email": "E-mail",
    "phone": "Contact phone",
    "account_reference": "Account reference",
    "line_number": "First line number",
    "line_service": "First line service",
    "number": "Number",
    "service": "Service",
    "relationship": "Relationship",
    "contact": "Contact",
}
KIND_OPTIONS = [(kind.value, kind.value.capitalize()) for kind in SubscriberKind]
SERVICE_OPTIONS = [
    (service.value, "VoIP" if service is LineService.voip else service.value.capitalize()) for service in LineService
]
# The create form's first line is `lines[0]` of the schema.
FIRST_LINE_FIELDS = {"lines.0.number": "line_number", "lines.0.service": "line_service"}


class FormInvalid(Exception):
    def __init__(self, errors: FormErrors) -> None:
        super().__init__("; ".join(reason for _field, reason in errors))
        self.errors = errors


def _reason(error: Mapping[str, Any]) -> str:
    kind = error.get("type", "")
    context = error.get("ctx") or {}
    if kind in ("string_too_short", "missing") and context.get("min_length", 1) == 1:
        return "is required"
    if kind == "string_too_long":
        return f"must be at most {context.get('max_length')} characters"
    return str(error.get("msg", "is not valid"))


def labelled(field: str, reason: str) -> tuple[str, str]:
    return field, f"{LABELS.get(field, field.replace('_', ' ').capitalize())}: {reason}"


def _field(location: tuple[Any, ...], renames: Mapping[str, str]) -> str:
    dotted = ".".join(str(part) for part in location) or "form"
    return renames.get(dotted, dotted)


def parse(model: type[Model], data: Mapping[str, Any], renames: Mapping[str, str] | None = None) -> Model:
    """Validate form data with `model`; raise FormInvalid with every field's problem."""
    try:
        return model.model_validate(dict(data))
    except ValidationError as error:
        renames = renames or {}
        raise FormInvalid([labelled(_field(e["loc"], renames), _reason(e)) for e in error.errors()]) from error


def domain_errors(error: DomainError, renames: Mapping[str, str] | None = None) -> FormErrors:
    """A service's Conflict/Invalid as form errors; a reason without a field goes to the summary."""
    renames = renames or {}
    if not error.errors:
        return [("form", error.detail)]
    return [labelled(renames.get(e.field, e.field), e.reason) for e in error.errors]


def subscriber_input(values: Mapping[str, str], with_first_line: bool) -> dict[str, Any]:
    """The create/edit form's fields as the schema's input; an empty first-line number means no line."""
    data: dict[str, Any] = {
        name: values.get(name, "") for name in ("kind", "name", "address", "email", "phone", "account_reference")
    }
    if with_first_line and values.get("line_number", "").strip():
        data["lines"] = [{"number": values["line_number"], "service": values.get("line_service", "")}]
    return data
