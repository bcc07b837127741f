"""Customer breach notices as documents: the letter (PDF), the e-mail body and the public media notice.

Pure: data in, bytes or text out. The PDFs are built in reportlab's invariant mode, so the same template
fields, batch snapshot and recipient snapshot give the same bytes and the same SHA-256 — which is
what lets the product store a hash per recipient instead of 100,000 PDFs (see bulk.py).
Content and headings follow 611/2013 Annex II, in plain words; no marketing (Art 3(4)).
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from breach.notices.rules import fill
from provider.notices import pdf

# (template field, heading in the notice), in the order of Annex II.
SECTIONS = (
    ("summary", "What happened"),
    ("estimated_date", "When it happened"),
    ("data_nature", "What information was involved"),
    ("circumstances", "How it happened"),
    ("likely_consequences", "What this could mean for you"),
    ("provider_measures", "What we have done"),
    ("customer_measures", "What you can do"),
    ("contact_details", "Who to contact"),
)
MEDIA_PLACEHOLDERS = {"name": "our customers", "address": "", "account_reference": "", "lines": "the affected lines"}


def placeholders(recipient: Mapping[str, Any]) -> dict[str, str]:
    return {
        "name": recipient.get("name", ""),
        "address": recipient.get("address", ""),
        "account_reference": recipient.get("account_reference", ""),
        "lines": recipient.get("lines", ""),
    }


def _account_rows(recipient: Mapping[str, Any]) -> list[tuple[str, Any]]:
    rows = []
    if recipient.get("account_reference"):
        rows.append(("Account reference", recipient["account_reference"]))
    if recipient.get("lines"):
        rows.append(("Lines affected", recipient["lines"]))
    return rows


def letter_pdf(
    fields: Mapping[str, str],
    batch: Mapping[str, Any],
    recipient: Mapping[str, Any],
    reference: str,
) -> bytes:
    """One recipient's letter. `batch` holds provider, letter_date and breach_reference; nothing is read live."""
    values = placeholders(recipient)
    story: list[Any] = [
        pdf.text("\n".join(filter(None, [recipient.get("name", ""), recipient.get("address", "")]))),
        pdf.spacer(6),
        pdf.text(batch["letter_date"]),
        pdf.spacer(4),
        pdf.title(fill(fields["subject"], values)),
        pdf.text(fill(fields["greeting"], values)),
    ]
    for name, label in SECTIONS:
        story += [pdf.heading(label), pdf.text(fill(fields[name], values))]
    account = _account_rows(recipient)
    if account:
        story += [pdf.heading("Your account"), pdf.field_table(account)]
    # The reference is in every page's footer; the letter is dedicated to the breach (Art 3(6)).
    story += [pdf.heading(f"About {fields['provider_name']}"), pdf.provider_block(batch["provider"])]
    return pdf.build(
        story, document_title="Personal data breach notice", reference=reference, author=fields["provider_name"]
    )


def email_body(
    fields: Mapping[str, str], batch: Mapping[str, Any], recipient: Mapping[str, Any], reference: str
) -> str:
    """The same notice as plain text: readable in any mail client, nothing to click."""
    values = placeholders(recipient)
    parts = [fill(fields["greeting"], values), ""]
    for name, label in SECTIONS:
        parts += [label, "-" * len(label), fill(fields[name], values), ""]
    for label, value in _account_rows(recipient):
        parts.append(f"{label}: {value}")
    provider = batch["provider"]
    parts += [
        "",
        fields["provider_name"],
        provider.get("address", ""),
        f"{provider.get('contact_email', '')} · {provider.get('contact_phone', '')}",
        f"Reference {reference} ({batch['letter_date']}). A copy of this notice is attached as a PDF.",
        "",
    ]
    return "\n".join(parts)


def email_subject(fields: Mapping[str, str], recipient: Mapping[str, Any]) -> str:
    return fill(fields["subject"], placeholders(recipient))


def media_notice_pdf(fields: Mapping[str, str], snapshot: Mapping[str, Any]) -> bytes:
    """611/2013 Art 3(7): the Annex II content for the public, condensed; no recipient's data in it."""
    reference = f"{snapshot['breach_reference']}-PUBLIC"
    story: list[Any] = [
        pdf.title(fill(fields["subject"], MEDIA_PLACEHOLDERS)),
        pdf.text(f"Public notice issued by {fields['provider_name']} on {snapshot['notice_date']}."),
        pdf.text("We are publishing this notice because we cannot contact everyone who may be affected individually."),
    ]
    for name, label in SECTIONS:
        story += [pdf.heading(label), pdf.text(fill(fields[name], MEDIA_PLACEHOLDERS))]
    story += [pdf.heading(f"About {fields['provider_name']}"), pdf.provider_block(snapshot["provider"])]
    return pdf.build(
        story,
        document_title="Public notice of a personal data breach",
        reference=reference,
        author=fields["provider_name"],
    )
