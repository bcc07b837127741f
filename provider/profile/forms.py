"""The provider profile form on the core form layer: its labels (the words its errors use too)."""

from __future__ import annotations

from provider.web.forms import PageForm

LABELS = {
    "legal_name": "Legal name",
    "trading_name": "Trading name",
    "address": "Registered address",
    "ico_registration_number": "ICO registration number",
    "contact_name": "Contact point (name)",
    "contact_role": "Contact point (role)",
    "contact_email": "Contact e-mail",
    "contact_phone": "Contact telephone",
    "website": "Website",
    "signatory_name": "Letters signed by (name)",
    "signatory_role": "Letters signed by (role)",
}
PROFILE_FORM = PageForm(labels=LABELS)
