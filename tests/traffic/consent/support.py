"""Shared set-up for the consent tests: a subscriber with lines and a named user, the notices' wording
and a value-added service with its partner, made through the real services."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime

from sqlmodel import Session

from provider.security.actor import system_actor
from provider.subscribers import service as subscribers
from provider.subscribers.models import (
    LineCreate,
    LineService,
    LineUserCreate,
    SubscriberCreate,
    SubscriberKind,
)
from traffic.consent import notices, register
from traffic.consent.models import NoticeKind, PartnerCreate, PartnerRole, ServiceCreate

ACTOR = system_actor("tests")
WORDING = {
    NoticeKind.billing: {"traffic_data_types": "numbers called, times, durations", "retention": "12 months"},
    NoticeKind.marketing: {
        "traffic_data_types": "calls and data use",
        "purpose": "offers of our services",
        "duration": "while you consent",
    },
    NoticeKind.vas: {
        "traffic_data_types": "calls made abroad",
        "purpose": "travel alerts",
        "duration": "90 days",
        "third_party": "RoamWell Ltd",
    },
    NoticeKind.location: {
        "location_data_types": "cell id",
        "purposes": "nearest-branch finder",
        "duration": "24 hours",
        "third_party": "RoamWell Ltd",
    },
}


@dataclass
class World:
    subscriber_id: int
    corporate_id: int
    line_id: int
    number: str
    user_id: int
    other_line_id: int
    service_name: str = "travel-alerts"


def build_world(session: Session, now: datetime, suffix: str = "") -> World:
    person = subscribers.create_subscriber(
        session,
        actor=ACTOR,
        now=now,
        data=SubscriberCreate(
            kind=SubscriberKind.individual,
            name="Ada Lovelace",
            address="1 Analytical Way",
            account_reference=f"ACC-1{suffix}",
            lines=[
                LineCreate(number="07700 900123", service=LineService.mobile),
                LineCreate(number="07700 900124", service=LineService.mobile),
            ],
        ),
    )
    company = subscribers.create_subscriber(
        session,
        actor=ACTOR,
        now=now,
        data=SubscriberCreate(
            kind=SubscriberKind.corporate,
            name="Engines plc",
            address="2 Difference Road",
            account_reference=f"ACC-2{suffix}",
            lines=[LineCreate(number="07700 900200", service=LineService.mobile)],
        ),
    )
    lines = subscribers.lines_of(session, person.id)
    user = subscribers.add_line_user(
        session, actor=ACTOR, now=now, line_id=lines[1].id, data=LineUserCreate(name="Byron Lovelace")
    )
    partner = register.add_partner(
        session,
        actor=ACTOR,
        now=now,
        data=PartnerCreate(
            name="RoamWell Ltd",
            role=PartnerRole.vas_partner,
            scope="sends travel alerts",
            contract_start=date(2026, 1, 1),
        ),
    )
    service = register.add_service(
        session, actor=ACTOR, now=now, data=ServiceCreate(name="travel-alerts", partner_id=partner.id)
    )
    register.add_service(session, actor=ACTOR, now=now, data=ServiceCreate(name="branch-finder"))
    for kind, parts in WORDING.items():
        owned = service if kind in (NoticeKind.vas, NoticeKind.location) else None
        notices.save_wording(session, actor=ACTOR, now=now, notice=kind, service=owned, parts=parts)
    session.commit()
    return World(
        subscriber_id=person.id,
        corporate_id=company.id,
        line_id=lines[0].id,
        number=lines[0].number,
        user_id=user.id,
        other_line_id=lines[1].id,
    )
