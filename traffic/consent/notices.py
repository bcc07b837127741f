"""The notices that come before processing and before consent (PECR reg 7(4), 8, 14(2)), on the
versioned-wording core, and the record of each time one reached a person.

Billing and marketing notices are provider-wide texts; each value-added service has its own service
notice and, when it uses location, its own location notice, owned by the service (owner kind
"traffic_vas"), so a consent names the version that described exactly that service.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime
from typing import Any

from sqlalchemy import func, select
from sqlmodel import Session

from provider.errors import invalid
from provider.security import audit
from provider.security.actor import Actor
from provider.wording import bulk as wording_bulk
from provider.wording import rules as wording_rules
from provider.wording import service as wording
from provider.wording.models import ServedChannel, WordingServed, WordingText, WordingVersion
from provider.wording.rules import Purpose
from traffic.consent.models import NoticeKind, ValueAddedService
from traffic.consent.people import Person

SERVICE_OWNER = "traffic_vas"
NOTICES = {
    NoticeKind.billing: Purpose(
        "traffic.billing_notice", "billing information notice", parts=("traffic_data_types", "retention")
    ),
    NoticeKind.marketing: Purpose(
        "traffic.marketing_notice",
        "marketing notice",
        parts=("traffic_data_types", "purpose", "duration"),
    ),
    NoticeKind.vas: Purpose(
        "traffic.vas_notice",
        "value-added service notice",
        parts=("traffic_data_types", "purpose", "duration", "third_party"),
        owner_kind=SERVICE_OWNER,
    ),
    NoticeKind.location: Purpose(
        "traffic.location_notice",
        "location-based service notice",
        parts=("location_data_types", "purposes", "duration", "third_party"),
        owner_kind=SERVICE_OWNER,
    ),
}


def _owner(notice: NoticeKind, service: ValueAddedService | None) -> tuple[str | None, int | None]:
    if NOTICES[notice].owner_kind is None:
        if service is not None:
            raise invalid("service_name", f"the {NOTICES[notice].label} names no service")
        return None, None
    if service is None:
        raise invalid("service_name", f"a {NOTICES[notice].label} is for one value-added service: name it")
    return SERVICE_OWNER, service.id


def save_wording(
    session: Session,
    *,
    actor: Actor,
    now: datetime,
    notice: NoticeKind,
    service: ValueAddedService | None,
    parts: Mapping[str, Any],
    material_change: bool = False,
    material_change_note: str = "",
) -> WordingVersion:
    owner_kind, owner_id = _owner(notice, service)
    return wording.save(
        session,
        actor=actor,
        now=now,
        purpose=NOTICES[notice],
        parts=parts,
        owner_kind=owner_kind,
        owner_id=owner_id,
        material_change=material_change,
        material_change_note=material_change_note,
    )


def latest(session: Session, notice: NoticeKind, service: ValueAddedService | None) -> WordingVersion | None:
    owner_kind, owner_id = _owner(notice, service)
    found = wording.find_text(session, purpose=NOTICES[notice], owner_kind=owner_kind, owner_id=owner_id)
    return wording.latest_version(session, text_id=found.id) if found else None


def serve(
    session: Session,
    *,
    actor: Actor,
    now: datetime,
    person: Person,
    notice: NoticeKind,
    service: ValueAddedService | None,
    channel: ServedChannel,
) -> WordingVersion:
    """Record that the latest version of the notice reached the person now, by `channel`."""
    version = latest(session, notice, service)
    if version is None:
        raise invalid("notice", f"no wording of the {NOTICES[notice].label} has been saved yet")
    wording_bulk.record_served(
        session,
        version_id=version.id,
        channel=channel,
        served_at=now,
        people=[wording_bulk.Person(person.kind, person.id, f"traffic.{notice.value}")],
        served_in="traffic_consent",
    )
    audit.record(
        session,
        actor=actor,
        action="traffic.notice_served",
        entity_type=person.kind.value,
        entity_id=person.id,
        now=now,
        after={"notice": notice, "version_id": version.id, "version": version.version, "channel": channel},
    )
    return version


def check_version(
    session: Session, *, version_id: int, notice: NoticeKind, service: ValueAddedService | None
) -> WordingVersion:
    """The version a consent cites must be of the notice its purpose needs, with no material change since."""
    owner_kind, owner_id = _owner(notice, service)
    version = session.get(WordingVersion, version_id)
    text = session.get(WordingText, version.text_id) if version else None
    expected = (NOTICES[notice].name, owner_kind, owner_id)
    if text is None or (text.purpose, text.owner_kind, text.owner_id) != expected:
        raise invalid("version_id", f"not a version of the {NOTICES[notice].label} this consent needs")
    history = [(v.version, v.material_change) for v in wording.versions(session, text_id=text.id)]
    if wording_rules.changed_materially_since(history, version.version):
        raise invalid("version_id", "a later version changed materially: serve it first")
    return version


def first_served_at(session: Session, *, version_id: int, person: Person) -> datetime | None:
    """When this version first reached this person (None: never)."""
    return session.execute(
        select(func.min(WordingServed.served_at)).where(
            WordingServed.version_id == version_id,
            WordingServed.person_kind == person.kind,
            WordingServed.person_id == person.id,
        )
    ).scalar()


def served_to(session: Session, people: list[Person]) -> list[tuple[WordingServed, WordingVersion, str]]:
    """Every traffic notice served to these people, newest first: (served, version, purpose)."""
    if not people:
        return []
    rows = session.execute(
        select(WordingServed, WordingVersion, WordingText.purpose)
        .join(WordingVersion, WordingVersion.id == WordingServed.version_id)
        .join(WordingText, WordingText.id == WordingVersion.text_id)
        .where(WordingText.purpose.in_([p.name for p in NOTICES.values()]))
        .where(WordingServed.person_id.in_([p.id for p in people]))
        .order_by(WordingServed.served_at.desc(), WordingServed.id.desc())
    ).all()
    wanted = {(p.kind, p.id) for p in people}
    return [tuple(row) for row in rows if (row[0].person_kind, row[0].person_id) in wanted]
