"""An e-mail's Date header is the caller's time (the injected clock), never the machine's."""

from __future__ import annotations

from datetime import UTC, datetime
from email.utils import parsedate_to_datetime

from provider.notices import mail
from provider.settings import Settings


def test_the_date_header_is_the_time_the_caller_gives():
    sent_at = datetime(2026, 10, 25, 1, 30, tzinfo=UTC)  # the repeated hour of the October clock change
    message = mail.build_message(
        Settings(smtp_sender="notices@example.net"),
        mail.Mail(to="ann@example.org", subject="Notice", body="Text", date=sent_at, from_name="Example Telecom"),
    )
    assert parsedate_to_datetime(message["Date"]) == sent_at
    assert message["From"] == "Example Telecom <notices@example.net>"
    assert message["Message-ID"].endswith("@example.net>")
