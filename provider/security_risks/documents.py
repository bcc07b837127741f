"""The security-risk letter (PDF). Pure: the wording, the provider's details as they were when sending
began and the recipient's snapshot give the same bytes every time, so only a SHA-256 is stored."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from provider.notices import pdf


def letter_pdf(
    parts: Mapping[str, str], provider: Mapping[str, Any], recipient: Mapping[str, Any], date_text: str
) -> bytes:
    name = provider.get("trading_name") or provider.get("legal_name", "")
    story: list[Any] = [
        pdf.text("\n".join(filter(None, [recipient.get("name", ""), recipient.get("address", "")]))),
        pdf.spacer(6),
        pdf.text(date_text),
        pdf.title(parts["title"]),
        pdf.text(f"Dear {recipient.get('name') or 'customer'},"),
        pdf.text(f"{name} is writing to tell you about a risk to the security of your service."),
        pdf.keep(pdf.heading("What the risk is"), pdf.text(parts["nature_of_risk"])),
        pdf.keep(pdf.heading("What you can do"), pdf.text(parts["what_you_can_do"])),
        pdf.keep(pdf.heading("What it may cost you"), pdf.text(parts["likely_cost"])),
        pdf.spacer(),
        pdf.text("This notice is free of charge."),
        pdf.heading(f"About {name}"),
        pdf.provider_block(provider),
    ]
    return pdf.build(
        story, document_title=parts["title"], reference=f"risk notice {recipient.get('id', '')}", author=name
    )
