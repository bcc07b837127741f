"""The customer-notice wording attached to an ICO filing (611/2013 Annex I items 13–15): the wording
itself, the means used and how many were notified, as they stand when the filing is made.

"Notified" counts what was actually sent (recipients whose notice went out), not the decision.
"""

from __future__ import annotations

from typing import Any

from sqlmodel import Session

from breach.notices import service as notices

CHANNEL_WORDS = {"email": "e-mail", "post": "post", "letter": "post", "media": "public media notice"}
DONE = {"sent", "generated"}  # a letter is "generated" for posting; an e-mail is "sent"


def notice_snapshot(session: Session, breach_id: int) -> dict[str, Any] | None:
    """The latest wording version (text, version, SHA-256), means and "n of m" notified; None when no
    wording was written yet."""
    template = notices.current_template(session, breach_id)
    if template is None:
        return None
    parts = notices.template_fields(template)
    text = "\n\n".join(value for value in parts.values() if value and str(value).strip())
    counts = notices.recipient_counts(session, breach_id)
    total = sum(counts.values())
    done = sum(count for (_channel, status), count in counts.items() if status in DONE)
    channels = sorted({CHANNEL_WORDS.get(channel, channel) for (channel, status) in counts if status in DONE})
    return {
        "version": template.version,
        "sha256": template.content_sha256,
        "text": text,
        "means": ", ".join(channels) or None,
        "notified": f"{done:,} of {total:,}" if total else None,
    }
