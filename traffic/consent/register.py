"""The register of processors and value-added service partners (PECR reg 7(5), 14(4): processing
only by the provider or those acting under its authority), and of the value-added services a consent
can name. Shown wherever consent is asked, so the person can be told who will have their data.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import select
from sqlmodel import Session

from provider.errors import Conflict, invalid
from provider.security import audit
from provider.security.actor import Actor
from traffic.consent.models import Partner, PartnerCreate, ServiceCreate, ValueAddedService


def add_partner(session: Session, *, actor: Actor, now: datetime, data: PartnerCreate) -> Partner:
    if data.contract_end is not None and data.contract_end < data.contract_start:
        raise invalid("contract_end", "is before the contract starts")
    partner = Partner.model_validate(data, update={"created_at": now})
    session.add(partner)
    session.flush()
    audit.record(
        session,
        actor=actor,
        action="traffic.partner_added",
        entity_type="traffic_partner",
        entity_id=partner.id,
        now=now,
        after={"name": partner.name, "role": partner.role, "contract_start": partner.contract_start},
    )
    return partner


def add_service(session: Session, *, actor: Actor, now: datetime, data: ServiceCreate) -> ValueAddedService:
    name = data.name.strip()
    if session.execute(select(ValueAddedService.id).where(ValueAddedService.name == name)).first():
        raise Conflict(f"a value-added service named {name!r} exists already")
    if data.partner_id is not None and session.get(Partner, data.partner_id) is None:
        raise invalid("partner_id", "no such partner in the register")
    service = ValueAddedService.model_validate(data, update={"name": name, "created_at": now})
    session.add(service)
    session.flush()
    audit.record(
        session,
        actor=actor,
        action="traffic.service_added",
        entity_type="traffic_vas",
        entity_id=service.id,
        now=now,
        after={"name": service.name, "partner_id": service.partner_id},
    )
    return service


def partners(session: Session) -> list[Partner]:
    return list(session.execute(select(Partner).order_by(Partner.name, Partner.id)).scalars())


def services(session: Session) -> list[ValueAddedService]:
    return list(session.execute(select(ValueAddedService).order_by(ValueAddedService.name)).scalars())


def partners_by_id(session: Session) -> dict[int, Partner]:
    return {partner.id: partner for partner in partners(session)}
