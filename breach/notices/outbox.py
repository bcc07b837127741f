"""The e-mail of one customer notice as it goes to the mail server (provider.notices.mail): plain text and
HTML, no attachment, the provider as From display name, a Message-ID derived from the notice."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from breach.notices import bulk, documents
from breach.notices.models import NoticeBatch
from provider import evidence
from provider.notices import mail


def mail_for(fields: dict[str, str], batch: NoticeBatch, row: Any, now: datetime) -> mail.Mail | None:
    """The e-mail (plain text + HTML, no attachment), or None when the rebuilt body does not match its hash.
    Its Message-ID is derived from the notice, the same on every attempt."""
    reference = bulk.reference_for(batch.snapshot, row.id)
    body = documents.email_body(fields, batch.snapshot, row.snapshot, reference)
    if evidence.sha256(body) != row.email_sha256:
        return None
    return mail.Mail(
        to=row.snapshot["email"],
        body=body,
        html=documents.email_html(fields, batch.snapshot, row.snapshot, reference),
        subject=documents.email_subject(fields, row.snapshot),
        from_name=fields.get("provider_name", ""),
        message_id=f"{reference}.{row.email_sha256[:16]}",
        date=now,
    )
