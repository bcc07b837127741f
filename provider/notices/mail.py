"""Outgoing e-mail by SMTP, used only when PECR_SMTP_HOST is configured.

Callers record what they sent (and its outcome) themselves; this module only talks to the server.
"""

from __future__ import annotations

import smtplib
import ssl
from collections.abc import Sequence
from dataclasses import dataclass, field
from email.message import EmailMessage

from provider.settings import Settings


@dataclass(frozen=True)
class Attachment:
    filename: str
    content: bytes
    mime_type: str = "application/pdf"


@dataclass(frozen=True)
class Mail:
    to: str
    subject: str
    body: str
    attachments: Sequence[Attachment] = field(default_factory=tuple)


class MailNotConfigured(RuntimeError):
    pass


class DeliveryInterrupted(smtplib.SMTPException):
    """The connection failed part-way: `delivered` holds the outcomes of the messages sent before it, so a
    caller records those and retries only the rest instead of sending the whole batch again."""

    def __init__(self, delivered: list[str | None], reason: str) -> None:
        super().__init__(reason)
        self.delivered = delivered
        self.reason = reason


def build_message(settings: Settings, mail: Mail) -> EmailMessage:
    message = EmailMessage()
    message["From"] = settings.smtp_sender
    message["To"] = mail.to
    message["Subject"] = mail.subject
    message.set_content(mail.body)
    for attachment in mail.attachments:
        maintype, _, subtype = attachment.mime_type.partition("/")
        message.add_attachment(attachment.content, maintype=maintype, subtype=subtype, filename=attachment.filename)
    return message


def send_many(settings: Settings, mails: Sequence[Mail]) -> list[str | None]:
    """Send over one connection; returns per mail None on success or the refusal reason."""
    if not settings.smtp_configured:
        raise MailNotConfigured("SMTP is not configured (PECR_SMTP_HOST)")
    results: list[str | None] = []
    with smtplib.SMTP(settings.smtp_host, settings.smtp_port, timeout=30) as server:
        if settings.smtp_starttls:
            server.starttls(context=ssl.create_default_context())
        if settings.smtp_username and settings.smtp_password:
            server.login(settings.smtp_username, settings.smtp_password.get_secret_value())
        for mail in mails:
            try:
                refused = server.send_message(build_message(settings, mail))
                results.append("; ".join(f"{k}: {v}" for k, v in refused.items()) or None)
            except smtplib.SMTPRecipientsRefused as error:
                results.append(str(error.recipients)[:300])
            except (OSError, smtplib.SMTPException) as error:
                raise DeliveryInterrupted(results, str(error)) from error
    return results


def send(settings: Settings, mail: Mail) -> str | None:
    return send_many(settings, [mail])[0]
