"""The breach pages' forms on the core form layer: their fields and labels, and the breach form read
into the API schemas.

Times are typed as day, month, year and 24-hour time in the configured zone (provider.web.dates).
Checkboxes arrive only when ticked. Every problem is collected, not just the first, so the summary
lists them all; the rules themselves stay in breach.rules and the service: this module only turns
what was typed into the values the schemas take.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any, TypeVar
from zoneinfo import ZoneInfo

from breach import rules
from breach.ico import rules as ico_rules
from breach.models import Breach, BreachCreate, BreachUpdate, FilingCreate, FilingStage
from provider.errors import FieldError
from provider.web import dates
from provider.web.forms import PageForm, Reading, Values

Model = TypeVar("Model", BreachCreate, BreachUpdate)

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
    "other_countries",
    "other_authorities",
    "customer_notification_summary",
)
DATETIME_FIELDS = ("occurred_at", "detected_at", "aware_at")
REQUIRED_DATETIMES = ("detected_at", "aware_at")
FLAG_FIELDS = ("occurred_is_estimate", "individuals_is_estimate")
NUMBER_FIELD = "individuals_affected"
MAX_NUMBER_DIGITS = 15

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
    "cross_border": "Cross-border aspects (older single answer)",
    "other_countries": "Subscribers or individuals in other countries",
    "other_authorities": "Other competent authorities notified",
    "customer_notification_summary": "Customer notifications (content, means and number)",
    "status": "Status",
    "correction_justification": "Why the times are corrected",
}
BREACH_FORM = PageForm(
    labels=FIELD_LABELS,
    repeated=("data_categories",),
    choices=("circumstance", "data_categories", "status"),
    missing={
        "title": "Enter a short title for the breach",
        "detected_at": "Enter the date and time of detection",
        "aware_at": "Enter the date and time the provider became aware",
    },
)
GAP_LABELS = {
    **{f"gap-{name}-reason": f"Why “{FIELD_LABELS[name]}” is not yet known" for name in ico_rules.SECTION_2_FIELDS},
    **{f"gap-{name}-expected": f"When “{FIELD_LABELS[name]}” is expected" for name in ico_rules.SECTION_2_FIELDS},
}
# The filing page lists what a stage still lacks, under the labels the breach form uses.
FILING_FORM = PageForm(
    labels={
        **FIELD_LABELS,
        **GAP_LABELS,
        "stage": "Stage",
        "delay_reasons": "Reasons for the delay",
        "supersedes_id": "This filing amends",
        "provider_profile": "Provider profile",
        "provider.legal_name": "Provider profile",
        "provider.address": "Provider profile",
        "provider.contact_name": "Provider profile",
        "provider.contact_email": "Provider profile",
        "provider.contact_phone": "Provider profile",
        "provider.ico_registration_number": "Provider profile",
    },
    choices=("stage", "supersedes_id"),
)
STAGE_UNKNOWN = "Choose the stage from the list"
ICO_REFERENCE_FORM = PageForm(
    labels={"ico_reference": "ICO reference"},
    formats={
        "ico_reference": (
            "ICO reference must start with a letter or digit, then only letters, digits, spaces and / . _ -"
        )
    },
)
LIST_FORM = PageForm(labels={"status": "Status", "due_before": "Open deadline due before"}, choices=("status",))


def blank_values() -> Values:
    """The empty form (the date boxes read empty when their values are absent)."""
    values: Values = {name: "" for name in TEXT_FIELDS + FLAG_FIELDS + (NUMBER_FIELD, "status")}
    values["data_categories"] = []
    return values


def values_from_breach(breach: Breach, zone: ZoneInfo) -> Values:
    """The edit form filled from the stored breach, times on the display zone's clocks."""
    values: Values = {name: str(getattr(breach, name) or "") for name in TEXT_FIELDS}
    for name in DATETIME_FIELDS:
        values.update(dates.datetime_values(name, getattr(breach, name), zone))
    values.update({name: "yes" if getattr(breach, name) else "" for name in FLAG_FIELDS})
    values[NUMBER_FIELD] = "" if breach.individuals_affected is None else str(breach.individuals_affected)
    values["status"] = str(breach.status)
    values["data_categories"] = list(breach.data_categories or [])
    return values


def _number(reading: Reading) -> int | None:
    text = reading.text(NUMBER_FIELD).strip().replace(",", "")
    if not text:
        return None
    if not text.isascii() or not text.isdigit() or len(text) > MAX_NUMBER_DIGITS:
        label = FIELD_LABELS[NUMBER_FIELD]
        reading.fail(NUMBER_FIELD, f"{label} must be a whole number, like 1,200; leave it blank if not yet known")
        return None
    return int(text)


def read_new_breach(values: Values, zone: ZoneInfo, now: datetime) -> BreachCreate:
    """The form as the API's BreachCreate; FormInvalid lists every problem."""
    return _read(values, zone, now, BreachCreate, None)


def read_correction(values: Values, zone: ZoneInfo, now: datetime, current: Breach) -> BreachUpdate:
    """The edit form as the API's BreachUpdate. A time sent back as it was shown is kept as stored (see
    Reading.datetime), so correcting a title never moves a time recorded in the repeated October hour."""
    return _read(values, zone, now, BreachUpdate, current)


def _read(values: Values, zone: ZoneInfo, now: datetime, schema: type[Model], current: Breach | None) -> Model:
    reading = BREACH_FORM.read(values)
    data: dict[str, Any] = {name: reading.text(name) for name in TEXT_FIELDS}
    data.update({name: reading.flag(name) for name in FLAG_FIELDS})
    data["data_categories"] = reading.texts("data_categories")
    for name in DATETIME_FIELDS:
        shown = getattr(current, name) if current is not None else None
        data[name] = reading.datetime(name, zone, required=name in REQUIRED_DATETIMES, shown=shown)
    data[NUMBER_FIELD] = _number(reading)
    if not data["title"].strip():
        reading.fail("title", BREACH_FORM.missing["title"])
    if current is not None and reading.text("status"):
        data["status"] = reading.text("status")
    model = reading.schema(schema, data)
    if reading.errors and all(data.get(name) is not None for name in REQUIRED_DATETIMES):
        reading.reasons(_time_problems(data, now))  # every problem at once, not one round trip per rule
    reading.done()
    return model  # done() raised unless the schema accepted the data


def _time_problems(data: dict[str, Any], now: datetime) -> list[FieldError]:
    return rules.time_errors(
        occurred_at=data.get("occurred_at"),
        occurred_is_estimate=bool(data.get("occurred_is_estimate")),
        detected_at=data["detected_at"],
        aware_at=data["aware_at"],
        awareness_justification=data.get("awareness_justification") or "",
        now=now,
    )


GAP_FIELDS = ico_rules.SECTION_2_FIELDS


def _gaps(reading: Reading) -> dict[str, dict[str, Any]]:
    """The reasons and expected dates typed beside missing Section 2 items (gap-<field>-reason/-expected)."""
    gaps = {}
    for name in GAP_FIELDS:
        reason = reading.text(f"gap-{name}-reason").strip()
        expected = reading.date(f"gap-{name}-expected")
        if reason or expected:
            gaps[name] = {"reason": reason[:2000], "expected": expected}
    return gaps


def read_filing(values: Values, stage: FilingStage | None) -> FilingCreate:
    """The filing form as the API's FilingCreate (`stage` None: the one sent is not a stage)."""
    reading = FILING_FORM.read(values)
    if stage is None:
        reading.fail("stage", STAGE_UNKNOWN)
    supersedes = reading.text("supersedes_id").strip()
    wanted = {
        "stage": stage,
        "delay_reasons": reading.text("delay_reasons"),
        "supersedes_id": int(supersedes) if supersedes.isdigit() and len(supersedes) <= 18 else None,
        "gaps": _gaps(reading),
    }
    data = reading.schema(FilingCreate, wanted)
    reading.done()
    return data  # done() raised unless the schema accepted the form
