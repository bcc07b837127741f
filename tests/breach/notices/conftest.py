"""Fixtures for customer notices: a breach with its decision obligation, a provider profile, subscribers
with lines and users, and an in-process SMTP sink (aiosmtpd is not installed)."""

from __future__ import annotations

import io
from collections.abc import Iterator
from datetime import timedelta

import pytest
from pypdf import PdfReader
from sqlalchemy import Engine, insert
from sqlmodel import Session

from breach.deadlines import BREACH
from breach.models import Breach, Circumstance, ObligationKind, Regime
from breach.notices.models import TemplateInput
from provider.deadlines.models import Obligation
from provider.profile.models import ProviderProfile
from provider.subscribers.models import Line, LineUser, Subscriber
from tests.conftest import START
from tests.support.smtp_sink import SmtpSink

PROFILE = {
    "legal_name": "Northwind Telecom Ltd",
    "trading_name": "Northwind",
    "address": "1 Quay Street, Bristol",
    "ico_registration_number": "Z7654321",
    "contact_name": "Priya Shah",
    "contact_role": "Data Protection Officer",
    "contact_email": "dpo@northwind.example",
    "contact_phone": "0117 496 0000",
    "website": "",
}


def add_breach(session: Session, reference: str = "BR-2026-0001", *, obligation: bool = True) -> Breach:
    breach = Breach(
        reference=reference,
        title="Backup tape lost",
        circumstance=Circumstance.theft,
        detected_at=START - timedelta(hours=30),
        aware_at=START - timedelta(hours=2),
        occurred_at=START - timedelta(days=3),
        occurred_is_estimate=True,
        regime=Regime.duaa,
        summary="A backup tape holding call records was stolen from a courier van.",
        data_description="Itemised call lists and cell locations for January 2026.",
        likely_consequences="Someone could learn whom you called and where you were.",
        circumstance_detail="The tape was stolen in transit on 7 March.",
        mitigation_measures="We told the police and changed courier procedures.",
        created_at=START,
        created_by="tests",
        updated_at=START,
    )
    session.add(breach)
    session.flush()
    if obligation:
        session.add(
            Obligation(
                owner_kind=BREACH,
                owner_id=breach.id,
                kind=ObligationKind.customer_notice_decision,
                recipient="customers",
                statutory=False,
                basis="internal target",
                anchor_at=breach.aware_at,
                due_at=START + timedelta(hours=24),
                created_at=START,
            )
        )
    session.commit()
    return breach


def add_profile(session: Session) -> None:
    session.add(ProviderProfile(id=1, updated_at=START, **PROFILE))
    session.commit()


def add_subscriber(
    session: Session,
    name: str,
    reference: str,
    *,
    kind: str = "individual",
    email: str = "",
    numbers: tuple[str, ...] = (),
) -> Subscriber:
    subscriber = Subscriber(
        kind=kind,
        name=name,
        address="2 Mill Lane, Leeds",
        email=email,
        account_reference=reference,
        name_key=name.lower(),
        created_at=START,
        updated_at=START,
    )
    session.add(subscriber)
    session.flush()
    for number in numbers:
        session.add(
            Line(subscriber_id=subscriber.id, number=number, service="mobile", created_at=START, updated_at=START)
        )
    session.commit()
    return subscriber


def add_line_user(session: Session, number: str, name: str, contact: str) -> LineUser:
    line = session.query(Line).filter(Line.number == number).one()
    user = LineUser(line_id=line.id, name=name, contact=contact, created_at=START, updated_at=START)
    session.add(user)
    session.commit()
    return user


def add_many_subscribers(session: Session, count: int, *, with_email: bool = False) -> list[int]:
    """Set-based seeding for volume tests: ACC-000001 … with 'Customer N' names."""
    rows = [
        {
            "kind": "individual",
            "name": f"Customer {i:06d}",
            "address": f"{i} Long Road, York",
            "email": f"c{i}@example.test" if with_email else "",
            "phone": "",
            "account_reference": f"ACC-{i:06d}",
            "name_key": f"customer {i:06d}",
            "created_at": START,
            "updated_at": START,
        }
        for i in range(1, count + 1)
    ]
    for start in range(0, count, 1000):
        session.execute(insert(Subscriber).values(rows[start : start + 1000]))
    session.commit()
    return list(range(1, count + 1))


def wording(**changes: str) -> TemplateInput:
    fields = dict(
        subject="Important: a personal data breach affecting your information",
        greeting="Dear {name},",
        provider_name="Northwind",
        contact_details="Priya Shah, DPO, dpo@northwind.example",
        summary="A backup tape holding call records was stolen.",
        estimated_date="On or about 7 March 2026",
        data_nature="Itemised call lists and cell locations for lines {lines}.",
        likely_consequences="Someone could learn whom you called and where you were.",
        circumstances="Stolen from a courier van.",
        provider_measures="We told the police.",
        customer_measures="Be wary of calls claiming to be from us; we never ask for your PIN.",
    )
    return TemplateInput(**(fields | changes))


def pdf_text(content: bytes) -> str:
    return "\n".join(page.extract_text() for page in PdfReader(io.BytesIO(content)).pages)


@pytest.fixture
def breach(engine: Engine) -> Breach:
    with Session(engine, expire_on_commit=False) as session:
        add_profile(session)
        return add_breach(session)


# --- an SMTP receiver ------------------------------------------------------------------------------------------


@pytest.fixture
def smtp_sink() -> Iterator[SmtpSink]:
    """Addresses containing "bounce" are refused at RCPT, so bounces can be tested."""
    sink = SmtpSink(refuse_containing="bounce").start()
    yield sink
    sink.stop()
