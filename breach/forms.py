"""Reading the breach form: raw text kept for re-display, converted values for the API schemas.

Times are typed as Europe/London wall-clock (datetime-local inputs) and converted to UTC with
provider.clock.parse_local. Checkboxes arrive only when ticked. Every conversion problem is collected
(not just the first) so the error summary lists them all; the rules themselves stay in breach.rules and
the service: this module only turns form text into the values the schemas take.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any
from zoneinfo import ZoneInfo

from fastapi import Request
from pydantic import BaseModel, ValidationError

from breach import rules
from breach.models import Breach, BreachStatus, Circumstance, DataCategory
from provider.clock import LONDON, london, parse_local
from provider.errors import FieldError

TEXT_FIELDS = (
    "title",
    "circumstance",
    "circumstance_detail",
    "aware_recorded_by",
    "aware_evidence",
    "awareness_justification",
    "data_description",
    "summary",
    "location_and_media",
    "protection_measures",
    "encryption_details",
    "mitigation_measures",
    "likely_consequences",
    "other_providers",
    "cross_border",
    "customer_notification_summary",
)
DATETIME_FIELDS = ("occurred_at", "detected_at", "aware_at")
REQUIRED_DATETIMES = ("detected_at", "aware_at")
FLAG_FIELDS = ("occurred_is_estimate", "individuals_is_estimate")
NUMBER_FIELD = "individuals_affected"
# Longer than any schema allows, so the schema names the field that is too long; anything beyond is junk.
MAX_FORM_VALUE = 12_000
MAX_CATEGORIES = 2 * len(DataCategory)
LOCAL_INPUT_FORMAT = "%Y-%m-%dT%H:%M"

CIRCUMSTANCE_WORDS = {
    Circumstance.loss: "Loss",
    Circumstance.theft: "Theft",
    Circumstance.copying: "Copying",
    Circumstance.unauthorised_access: "Unauthorised access",
    Circumstance.misdirection: "Misdirection (sent to the wrong person)",
    Circumstance.alteration: "Alteration",
    Circumstance.destruction: "Destruction",
    Circumstance.other: "Other (describe below)",
}
CATEGORY_WORDS = {
    DataCategory.traffic_data: "Traffic data (routing, duration, time of communications)",
    DataCategory.location_data: "Location data",
    DataCategory.itemised_call_lists: "Itemised call lists",
    DataCategory.internet_logs: "Internet logs and browsing history",
    DataCategory.email_data: "E-mail data",
    DataCategory.financial: "Financial data",
    DataCategory.special_category: "Special-category data (health, religion, ethnicity…)",
    DataCategory.contact_details: "Contact details (name, address, phone, e-mail)",
    DataCategory.account_credentials: "Account credentials",
    DataCategory.identity_documents: "Identity documents",
    DataCategory.other: "Other personal data",
}
STATUS_WORDS = {BreachStatus.open: "Open", BreachStatus.contained: "Contained", BreachStatus.closed: "Closed"}


def _text(value: Any) -> str:
    """Browsers send textarea line breaks as CRLF; store LF so an untouched field compares equal."""
    return value[:MAX_FORM_VALUE].replace("\r\n", "\n") if isinstance(value, str) else ""


async def read_form(request: Request) -> dict[str, Any]:
    """FastAPI dependency: the submitted form as raw values (what the page shows again on error)."""
    form = await request.form()
    raw: dict[str, Any] = {name: _text(form.get(name, "")) for name in TEXT_FIELDS + DATETIME_FIELDS}
    raw[NUMBER_FIELD] = _text(form.get(NUMBER_FIELD, ""))
    raw["status"] = _text(form.get("status", ""))
    for name in FLAG_FIELDS:
        raw[name] = form.get(name) is not None
    raw["data_categories"] = [value[:40] for value in form.getlist("data_categories") if isinstance(value, str)][
        :MAX_CATEGORIES
    ]
    return raw


def to_local_input(value: datetime | None, zone: ZoneInfo = LONDON) -> str:
    """A stored UTC time as a datetime-local value in the display zone."""
    return london(value, zone).strftime(LOCAL_INPUT_FORMAT) if value is not None else ""


def raw_from_breach(breach: Breach, zone: ZoneInfo = LONDON) -> dict[str, Any]:
    """The edit form pre-filled from the stored breach."""
    raw: dict[str, Any] = {name: str(getattr(breach, name) or "") for name in TEXT_FIELDS}
    raw.update({name: to_local_input(getattr(breach, name), zone) for name in DATETIME_FIELDS})
    raw.update({name: bool(getattr(breach, name)) for name in FLAG_FIELDS})
    affected = breach.individuals_affected
    raw[NUMBER_FIELD] = "" if affected is None else str(affected)
    raw["status"] = str(breach.status)
    raw["data_categories"] = list(breach.data_categories or [])
    return raw


def _parse_time(name: str, text: str, zone: ZoneInfo) -> tuple[datetime | None, FieldError | None]:
    text = text.strip()
    if not text:
        required = name in REQUIRED_DATETIMES
        return None, FieldError(name, "enter the date and time") if required else None
    try:
        return parse_local(text, zone), None
    except ValueError as error:
        reason = (
            str(error)
            if "does not exist" in str(error)
            else "enter a date and time such as 2026-03-10 14:30 (Europe/London)"
        )
        return None, FieldError(name, reason)


def _parse_number(text: str) -> tuple[int | None, FieldError | None]:
    text = text.strip().replace(",", "")
    if not text:
        return None, None
    if not text.isdigit() or len(text) > 15:
        return None, FieldError(NUMBER_FIELD, "enter a whole number of people, or leave it blank if unknown")
    return int(text), None


def convert(
    raw: dict[str, Any], zone: ZoneInfo = LONDON, *, with_status: bool = False
) -> tuple[dict[str, Any], list[FieldError]]:
    """Form text to schema values, with one error per field that could not be converted."""
    data: dict[str, Any] = {name: raw[name] for name in TEXT_FIELDS + FLAG_FIELDS + ("data_categories",)}
    errors: list[FieldError] = []
    for name in DATETIME_FIELDS:
        data[name], error = _parse_time(name, raw[name], zone)
        errors += [error] if error else []
    data[NUMBER_FIELD], error = _parse_number(raw[NUMBER_FIELD])
    errors += [error] if error else []
    if not raw["title"].strip():
        errors.append(FieldError("title", "enter a short title for the breach"))
    if with_status and raw["status"]:
        data["status"] = raw["status"]
    return data, errors


def validate(
    schema: type[BaseModel], data: dict[str, Any], errors: list[FieldError], now: datetime
) -> tuple[BaseModel | None, list[FieldError]]:
    """Check the converted values against the API schema; add the rules' time problems so the person
    sees every problem at once, not one round trip per rule."""
    errors = list(errors)
    failed = {error.field for error in errors}
    model = None
    try:
        model = schema.model_validate({name: value for name, value in data.items() if name not in failed})
    except ValidationError as error:
        for item in error.errors():
            field = str(item["loc"][0]) if item["loc"] else "form"
            if field not in failed:
                errors.append(FieldError(field, item["msg"]))
                failed.add(field)
    if errors and all(data.get(name) is not None for name in REQUIRED_DATETIMES):
        errors += [error for error in _time_problems(data, now) if error not in errors]
    return (None if errors else model), errors


def _time_problems(data: dict[str, Any], now: datetime) -> list[FieldError]:
    return rules.time_errors(
        occurred_at=data.get("occurred_at"),
        occurred_is_estimate=bool(data.get("occurred_is_estimate")),
        detected_at=data["detected_at"],
        aware_at=data["aware_at"],
        awareness_justification=data.get("awareness_justification") or "",
        now=now,
    )


def changed_only(data: dict[str, Any], raw: dict[str, Any], current: dict[str, Any]) -> dict[str, Any]:
    """For an edit, leave out the times the person did not touch.

    A time shown as local wall-clock and sent back unchanged must not be re-parsed: in the repeated
    October hour that would move a GMT time to BST, and it would drop seconds recorded by the API.
    """
    return {
        name: value for name, value in data.items() if name not in DATETIME_FIELDS or raw[name].strip() != current[name]
    }


def pairs(errors: list[FieldError]) -> list[tuple[str, str]]:
    """(field, reason) pairs, the shape the form macros take."""
    return [(error.field, error.reason) for error in errors]


FIELD_LABELS = {
    "title": "Title",
    "circumstance": "Circumstances",
    "circumstance_detail": "Details of the circumstances",
    "occurred_at": "When the breach happened",
    "occurred_is_estimate": "This is an estimate",
    "detected_at": "When it was detected",
    "aware_at": "When the provider became aware",
    "aware_recorded_by": "Awareness recorded by",
    "aware_evidence": "Evidence of awareness",
    "awareness_justification": "Awareness justification",
    "data_categories": "Categories of personal data",
    "data_description": "Nature and content of the personal data",
    "individuals_affected": "Number of people affected",
    "individuals_is_estimate": "This number is an estimate",
    "summary": "Summary of the incident",
    "location_and_media": "Physical location and storage media",
    "protection_measures": "Technical and organisational measures applied to the affected data",
    "encryption_details": "Encryption or keyed hashing of the data",
    "mitigation_measures": "Measures taken to mitigate adverse effects",
    "likely_consequences": "Likely consequences and adverse effects",
    "other_providers": "Other providers involved",
    "cross_border": "Cross-border aspects",
    "customer_notification_summary": "Customer notifications (content, means and number)",
    "status": "Status",
}
