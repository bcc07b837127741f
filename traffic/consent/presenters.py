"""Words for the consent pages: one label table per enum, and rows turned into what a page shows."""

from __future__ import annotations

from traffic.consent.models import (
    ConsentAction,
    ConsentMethod,
    ConsentPurpose,
    DataKind,
    NoticeKind,
    PartnerRole,
)

DATA_KIND_LABELS = {DataKind.traffic: "Traffic data", DataKind.location: "Location data"}
PURPOSE_LABELS = {ConsentPurpose.marketing: "Marketing", ConsentPurpose.vas: "Value-added service"}
ACTION_LABELS = {ConsentAction.given: "Given", ConsentAction.withdrawn: "Withdrawn"}
METHOD_LABELS = {
    ConsentMethod.web: "Web",
    ConsentMethod.call_centre: "Call centre",
    ConsentMethod.shop: "Shop",
    ConsentMethod.signed_form: "Signed form",
}
NOTICE_LABELS = {
    NoticeKind.billing: "Billing information notice",
    NoticeKind.marketing: "Marketing notice",
    NoticeKind.vas: "Value-added service notice",
    NoticeKind.location: "Location-based service notice",
}
ROLE_LABELS = {PartnerRole.processor: "Processor", PartnerRole.vas_partner: "Value-added service partner"}
CHANNEL_LABELS = {
    "telephone": "Telephone",
    "in_person": "In person (shop)",
    "web": "Web",
    "email": "E-mail",
    "post": "Post",
    "sms": "SMS",
}


def consent_label(data_kind: DataKind, purpose: ConsentPurpose, service_name: str) -> str:
    """'Traffic data for marketing', 'Location data for travel-alerts'."""
    what = "marketing" if purpose is ConsentPurpose.marketing else service_name
    return f"{DATA_KIND_LABELS[data_kind]} for {what}"


def consent_key(person_kind: str, person_id: int, data_kind: str, purpose: str, service_name: str) -> str:
    """The value of a consent in a form's list: who, and which consent."""
    return ":".join([person_kind, str(person_id), data_kind, purpose, service_name])


def parse_consent_key(key: str) -> tuple[str, int, str, str, str] | None:
    parts = key.split(":", 4)
    if len(parts) != 5 or not parts[1].isdigit():
        return None
    return parts[0], int(parts[1]), parts[2], parts[3], parts[4]
