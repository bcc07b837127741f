"""Outgoing e-mail by SMTP, used only when PECR_SMTP_HOST is configured.

Callers record what they sent (and its outcome) themselves; this module only talks to the server.
"""

from __future__ import annotations

import smtplib
import ssl
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from email.message import EmailMessage
from email.utils import format_datetime, formataddr, make_msgid

from provider.settings import Settings


@dataclass(frozen=True)
class Attachment:
    filename: str
    content: bytes
    mime_type: str = "application/pdf"


@dataclass(frozen=True)
class Mail:
    """One message. `html` adds a text/html alternative to the plain `body` (multipart/alternative);
    `from_name` is the From display name; `message_id` (without angle brackets' domain part decided here)
    lets a caller give a message the same Message-ID every time it is built, so a resend after a crash
    is recognisable as the same message; `date` is its Date header, from the caller's clock (never the
    system's: a test or a replay must produce the same message)."""

    to: str
    subject: str
    body: str
    date: datetime
    attachments: Sequence[Attachment] = field(default_factory=tuple)
    html: str | None = None
    from_name: str = ""
    message_id: str = ""


class MailNotConfigured(RuntimeError):
    pass


class DeliveryInterrupted(smtplib.SMTPException):
    """The connection failed part-way: `delivered` holds the outcomes of the messages sent before it, so a
    caller records those and retries only the rest instead of sending the whole batch again."""

    def __init__(self, delivered: list[str | None], reason: str) -> None:
        super().__init__(reason)
        self.delivered = delivered
        self.reason = reason


def sender_domain(settings: Settings) -> str:
    return settings.smtp_sender.rpartition("@")[2] or "localhost"


def build_message(settings: Settings, mail: Mail) -> EmailMessage:
    """Date, Message-ID, From (with its display name), To, Subject; plain text with an HTML alternative."""
    message = EmailMessage()
    message["From"] = formataddr((mail.from_name, settings.smtp_sender)) if mail.from_name else settings.smtp_sender
    message["To"] = mail.to
    message["Subject"] = mail.subject
    message["Date"] = format_datetime(mail.date)
    domain = sender_domain(settings)
    message["Message-ID"] = f"<{mail.message_id}@{domain}>" if mail.message_id else make_msgid(domain=domain)
    message.set_content(mail.body)
    if mail.html is not None:
        message.add_alternative(mail.html, subtype="html")
    for attachment in mail.attachments:
        maintype, _, subtype = attachment.mime_type.partition("/")
        message.add_attachment(attachment.content, maintype=maintype, subtype=subtype, filename=attachment.filename)
    return message


def send_many(
    settings: Settings, mails: Sequence[Mail], on_result: Callable[[int, str | None], None] | None = None
) -> list[str | None]:
    """Send over one connection; returns per mail None on success or the refusal reason. `on_result(index,
    refusal)` is called as soon as the server has answered each mail, so a caller can record it at once."""
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
            if on_result is not None:
                on_result(len(results) - 1, results[-1])
    return results


def send(settings: Settings, mail: Mail) -> str | None:
    return send_many(settings, [mail])[0]
