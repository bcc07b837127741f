"""Fixtures for the reminder tests: an SMTP sink and settings pointing at it."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from provider.settings import Settings
from tests.support.smtp_sink import SmtpSink

DEPUTY = "deputy@northwind.example"


@pytest.fixture
def smtp_sink() -> Iterator[SmtpSink]:
    sink = SmtpSink().start()
    yield sink
    sink.stop()


@pytest.fixture
def mail_settings(settings: Settings, smtp_sink: SmtpSink) -> Settings:
    """SMTP configured (plain, no STARTTLS: the sink is local) and a deputy for escalations."""
    return settings.model_copy(
        update={
            "smtp_host": "127.0.0.1",
            "smtp_port": smtp_sink.port,
            "smtp_starttls": False,
            "smtp_sender": "pecr@northwind.example",
            "breach_escalation_email": DEPUTY,
        }
    )
