"""How breach enums read on the forms, the pages and the ICO notification: one label table per enum.

The words are those the ICO notification has always printed, so a stored filing's snapshot still
renders to the very bytes that were filed (breach.documents).
"""

from __future__ import annotations

from breach.models import BreachStatus, Circumstance, DataCategory, FilingStage, ObligationKind

CIRCUMSTANCE_LABELS = {
    Circumstance.loss: "Loss",
    Circumstance.theft: "Theft",
    Circumstance.copying: "Copying",
    Circumstance.unauthorised_access: "Unauthorised access",
    Circumstance.misdirection: "Misdirection (sent to the wrong recipient)",
    Circumstance.alteration: "Alteration",
    Circumstance.destruction: "Destruction",
    Circumstance.other: "Other",
}
CATEGORY_LABELS = {
    DataCategory.traffic_data: "Traffic data",
    DataCategory.location_data: "Location data",
    DataCategory.itemised_call_lists: "Itemised call lists",
    DataCategory.internet_logs: "Internet logs / browsing history",
    DataCategory.email_data: "E-mail data",
    DataCategory.financial: "Financial data",
    DataCategory.special_category: "Special category data",
    DataCategory.contact_details: "Contact details",
    DataCategory.account_credentials: "Account credentials",
    DataCategory.identity_documents: "Identity documents",
    DataCategory.other: "Other",
}
# What a category takes in, said beside its label where a person chooses it.
CATEGORY_EXAMPLES = {
    DataCategory.traffic_data: "routing, duration, time of communications",
    DataCategory.special_category: "health, religion, ethnicity…",
    DataCategory.contact_details: "name, address, phone, e-mail",
}
STATUS_LABELS = {BreachStatus.open: "Open", BreachStatus.contained: "Contained", BreachStatus.closed: "Closed"}
STAGE_LABELS = {
    FilingStage.initial: "Initial notification",
    FilingStage.second: "Second notification",
    FilingStage.follow_up: "Follow-up notification",
}


def category_choices() -> list[tuple[str, str]]:
    """The categories as a form offers them: 'Traffic data (routing, duration, time of communications)'."""
    return [
        (category.value, f"{label} ({CATEGORY_EXAMPLES[category]})" if category in CATEGORY_EXAMPLES else label)
        for category, label in CATEGORY_LABELS.items()
    ]


# One name per obligation, the same on every page, document and e-mail (reminders use it through the
# deadline kinds in breach.deadlines): an action, so "Notify the ICO, statutory, due …" reads as one.
OBLIGATION_NAMES = {
    ObligationKind.ico_notification: "Notify the ICO",
    ObligationKind.ico_initial_target: "Notify the ICO within 24 hours",
    ObligationKind.ico_second_target: "Send the second notification to the ICO",
    ObligationKind.customer_notice_decision: "Decide whether to notify customers",
    ObligationKind.log_inclusion: "Include in the monthly breach log",
    ObligationKind.log_submission: "Send the monthly breach log to the ICO",
}


def due_heading(kind: ObligationKind | str) -> str:
    """'Notify the ICO by': the heading documents give an obligation's due time, so a filing PDF and the
    breach log name the obligation as the pages do."""
    return f"{obligation_name(kind)} by"


def obligation_name(kind: ObligationKind | str) -> str:
    """The one name of an obligation kind (its value for a kind this table does not know)."""
    try:
        return OBLIGATION_NAMES[ObligationKind(kind)]
    except ValueError:
        return str(kind)
