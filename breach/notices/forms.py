"""The customer-notice pages' forms on the core form layer: their labels, the assessment form as the
input of the API's AssessmentInput, and the recipients service's refusals in the form's words."""

from __future__ import annotations

from typing import Any
from zoneinfo import ZoneInfo

from breach.notices import recipients
from provider.errors import FieldError, Invalid
from provider.web.forms import FormError, PageForm, Reading, Values

DATASET_ROWS = 3
MAX_CSV_BYTES = 20 * 2**20
DATASET_FIELDS = {
    "dataset": "Dataset",
    "algorithm": "Algorithm",
    "key_management": "Key-management evidence",
    "key_compromised": "Whether the key is compromised",
    "key_guessable": "Whether the key could be guessed",
}
TRISTATE = {"yes": True, "no": False}
ASSESSMENT_FORM = PageForm(
    labels={
        "natures": "Nature and content of the data",
        "consequences": "Likely consequences",
        "circumstances": "Circumstances",
        "other_adverse_effect": "Any other adverse effect",
        "exemption_claimed": "Claim the exemption",
        "datasets": "Affected datasets",
        "ico_required": "The ICO has required us to notify",
        "ico_required_reference": "ICO's reference",
        "delay_agreed": "The ICO agreed a delay",
        "delay_ico_reference": "ICO's reference for the delay",
        "delay_agreed_on": "Date the ICO agreed",
        "delay_until": "Notices may wait until",
        "rationale": "Rationale for this decision",
        **{
            f"datasets.{row}.{name}": f"{label} of affected dataset {row + 1}"
            for row in range(DATASET_ROWS)
            for name, label in DATASET_FIELDS.items()
        },
    },
    repeated=("natures", "consequences", "circumstances"),
    choices=("natures", "consequences", "circumstances"),
)
TEMPLATE_FORM = PageForm(
    labels={
        "subject": "Title and e-mail subject",
        "greeting": "Greeting",
        "provider_name": "Provider name",
        "contact_details": "Contact point / Data Protection Officer",
        "summary": "Summary of the incident",
        "estimated_date": "Estimated date of the incident",
        "data_nature": "Nature and content of the personal data",
        "circumstances": "Circumstances",
        "likely_consequences": "Likely consequences",
        "provider_measures": "Measures we have taken",
        "customer_measures": "Measures the person can take",
    }
)
# The public notice's sections are the letter's, without its subject and greeting, and speak to the public.
MEDIA_WORDING_FORM = PageForm(
    labels={
        "headline": "Headline",
        **{name: label for name, label in TEMPLATE_FORM.labels.items() if name not in ("subject", "greeting")},
        "customer_measures": "Measures people can take",
    }
)
# Where each entry of the recipients form came from, as the service names it ("csv line 3").
ENTRY_SOURCES = {
    "subscriber_ids": "Subscriber ids",
    "account_references": "Account references",
    "line_numbers": "Line numbers",
    "csv": "The uploaded csv",
}
RECIPIENTS_FORM = PageForm(
    labels={**ENTRY_SOURCES, "csv": "The CSV file", "csv_identifier": "The CSV holds", "selection": "Recipients"},
    choices=("csv_identifier",),
    unplaced="subscriber_ids",
)
OVERVIEW_FORM = PageForm(labels={})  # its buttons send nothing to name: a refusal is said in the summary


def _datasets(reading: Reading) -> list[dict[str, Any]]:
    """The filled-in dataset rows (a row left empty is no dataset)."""
    rows = []
    for index in range(DATASET_ROWS):
        values = {name: reading.text(f"datasets.{index}.{name}") for name in DATASET_FIELDS}
        if any(values.values()):
            for name in ("key_compromised", "key_guessable"):
                values[name] = TRISTATE.get(values[name])
            rows.append(values)
    return rows


def assessment_input(reading: Reading, zone: ZoneInfo) -> dict[str, Any]:
    """The assessment form as AssessmentInput's input; date problems are added to `reading`."""
    texts = ("other_adverse_effect", "ico_required_reference", "delay_ico_reference", "rationale")
    return {
        "natures": reading.texts("natures"),
        "consequences": reading.texts("consequences"),
        "circumstances": reading.texts("circumstances"),
        "exemption_claimed": reading.flag("exemption_claimed"),
        "datasets": _datasets(reading),
        "ico_required": reading.flag("ico_required"),
        "delay_agreed": reading.flag("delay_agreed"),
        "delay_agreed_on": reading.date("delay_agreed_on"),
        "delay_until": reading.datetime("delay_until", zone),
        **{name: reading.text(name) for name in texts},
    }


def entry_errors(error: Invalid) -> list[FormError]:
    """The recipients service's refusal: each unknown entry named by where it came from."""
    found = [FormError("", error.detail[:1].upper() + error.detail[1:])] if len(error.errors) > 1 else []
    for item in error.errors:
        source, _, where = item.field.partition(" ")
        if where and source in ENTRY_SOURCES:
            found.append(FormError(source, f"{ENTRY_SOURCES[source]} {where}: {item.reason}", source))
        else:
            found.append(RECIPIENTS_FORM.reason(source, item.reason))
    return found


def lines(values: Values, name: str) -> recipients.Labelled:
    """A textarea's entries, one a line, each labelled by where it came from ("line_numbers line 2")."""
    text = str(values.get(name, ""))
    return [(f"{name} line {n}", value.strip()) for n, value in enumerate(text.splitlines(), start=1) if value.strip()]


def csv_rows(content: bytes | None) -> recipients.Labelled:
    """The uploaded CSV's first cells, labelled "csv line 3"; Invalid when it is too large or not UTF-8."""
    if content is None:
        return []
    if len(content) > MAX_CSV_BYTES:
        raise Invalid("csv: the file is larger than 20 MB", errors=[FieldError("csv", "at most 20 MB")])
    try:
        text = content.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        raise Invalid("csv: not UTF-8 text", errors=[FieldError("csv", "save the file as UTF-8 CSV")]) from error
    return [("csv " + label, value) for label, value in recipients.parse_csv(text)]


def selection_flash(result: Any) -> str:
    """What the recipients page says after a selection, naming recipients whose text cannot be printed."""
    flash = (
        f"Added {result.subscribers_added} subscribers and {result.users_added} line users"
        f" ({result.already_present} already chosen; {result.users_without_email} users have no e-mail"
        " address: tell them by telephone)."
    )
    if result.undrawable:
        flash += (
            " These cannot be printed in full (no installed font has the characters; correct the"
            " subscriber record or install a font package): " + "; ".join(result.undrawable)
        )
    return flash
