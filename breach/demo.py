"""Three demo breaches for a first look at an empty installation, placed relative to `now`.

One is overdue and unfiled (DUAA: aware 80 hours ago, so the 72-hour ICO deadline has passed and the
dashboard shows £1,000 of fixed-penalty exposure under PECR reg 5C); one has its ICO deadline within the
next day; one was filed on time, decided on for customers and closed. Everything goes through the
breach services, so the stored obligations, filings, PDFs and audit events are the real thing; nothing
is back-dated (each is recorded, filed and closed at `now`, only the awareness lies in the past).
"""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

from sqlmodel import Session, select

from breach import service
from breach.models import Breach, BreachCreate, BreachStatus, BreachUpdate, Circumstance, DataCategory, FilingStage
from breach.notices import assessments
from breach.notices.models import AssessmentInput
from provider.manifest import DemoContext
from provider.security.actor import Actor
from provider.subscribers.demo import only_demo_subscribers

OVERDUE_AWARE_HOURS = 80  # past the 72-hour DUAA deadline (floored to the hour, plus 73 hours)
DUE_SOON_AWARE_HOURS = 58  # about 15 hours before it
FILED_AWARE_HOURS = 20  # filed now: inside both the 24-hour internal target and the 72 hours

OVERDUE = {
    "title": "Laptop holding a call-records extract stolen from a car",
    "circumstance": Circumstance.theft,
    "circumstance_detail": "An engineer's laptop was taken from a locked car; the disk was not encrypted.",
    "data_categories": [DataCategory.traffic_data, DataCategory.location_data],
    "data_description": "Call detail records (numbers called, times, cell sites) for business lines in Leeds.",
    "individuals_affected": 1240,
    "individuals_is_estimate": True,
    "protection_measures": "Password on the account; no disk encryption.",
    "summary": "A laptop with a spreadsheet of call records was stolen.",
}
DUE_SOON = {
    "title": "Billing portal showed other customers' itemised bills",
    "circumstance": Circumstance.unauthorised_access,
    "circumstance_detail": "A caching fault served one customer's bill page to others for 40 minutes.",
    "data_categories": [DataCategory.itemised_call_lists, DataCategory.contact_details],
    "data_description": "Itemised call lists, names and postal addresses.",
    "individuals_affected": 37,
    "individuals_is_estimate": True,
    "protection_measures": "Customer log-in with two-factor authentication; the cache ignored it.",
    "other_providers": "Our content-delivery network provider ran the cache.",
}
FILED = {
    "title": "Itemised bill posted to a previous address",
    "circumstance": Circumstance.misdirection,
    "circumstance_detail": "A bill went to an address the customer had left; the new occupant returned it unopened.",
    "data_categories": [DataCategory.itemised_call_lists],
    "data_description": "One month's itemised call list and the customer's name.",
    "individuals_affected": 1,
    "individuals_is_estimate": False,
    "protection_measures": "Address checks at move; this change had not been applied to billing.",
    "other_providers": "none",
    "summary": "One bill was posted to the customer's previous address.",
    "location_and_media": "Paper bill, Royal Mail, Leeds.",
    "likely_consequences": "Little: the envelope came back unopened.",
    "mitigation_measures": "Billing address corrected; address changes now reach billing the same day.",
    "customer_notification_summary": "No customer notice: no likely adverse effect (envelope returned unopened).",
}
NO_ADVERSE_EFFECT = AssessmentInput(
    natures=[], consequences=[], circumstances=[], rationale="The envelope came back unopened; no one read the bill."
)


def _create(session: Session, *, actor: Actor, now: datetime, aware_hours: int, facts: dict[str, Any]) -> Breach:
    aware = now - timedelta(hours=aware_hours)
    data = BreachCreate(
        detected_at=aware - timedelta(minutes=45),
        aware_at=aware,
        occurred_at=aware - timedelta(hours=6),
        occurred_is_estimate=True,
        aware_recorded_by="Priya Shah, Data Protection Officer",
        **facts,
    )
    return service.create_breach(session, actor=actor, now=now, data=data)


def _file_and_close(session: Session, *, actor: Actor, now: datetime, breach: Breach) -> None:
    """File the initial notification (complete, so no second one is due), decide on customers, close.
    Left open when the provider profile lacks what a filing needs: the demo must never stop a start."""
    if service.readiness(session, breach_id=breach.id, stage=FilingStage.initial):
        return
    filing = service.file_notification(
        session, actor=actor, now=now, breach_id=breach.id, stage=FilingStage.initial, ico_reference="DEMO-ICO-0001"
    )
    service.record_submission(session, actor=actor, now=now, filing_id=filing.id, method="online_form")
    assessments.record_assessment(session, actor=actor, now=now, breach_id=breach.id, data=NO_ADVERSE_EFFECT)
    service.update_breach(
        session, actor=actor, now=now, breach_id=breach.id, data=BreachUpdate(status=BreachStatus.closed)
    )


def load_if_no_breaches(session: Session, *, actor: Actor, now: datetime) -> list[Breach]:
    """The three demo breaches, only on a database that has no breach at all; returns those created."""
    if session.exec(select(Breach.id).limit(1)).first() is not None:
        return []
    overdue = _create(session, actor=actor, now=now, aware_hours=OVERDUE_AWARE_HOURS, facts=OVERDUE)
    due_soon = _create(session, actor=actor, now=now, aware_hours=DUE_SOON_AWARE_HOURS, facts=DUE_SOON)
    filed = _create(session, actor=actor, now=now, aware_hours=FILED_AWARE_HOURS, facts=FILED)
    _file_and_close(session, actor=actor, now=now, breach=filed)
    return [overdue, due_soon, filed]


def load_if_empty(session: Session, context: DemoContext) -> list[str]:
    """The demo breaches on a database with no breach and no real subscriber (demo breaches never join
    real customer data); the line to tell the operator."""
    if not only_demo_subscribers(session):
        return []
    breaches = load_if_no_breaches(session, actor=context.actor, now=context.now)
    return ["demo breaches loaded: " + ", ".join(b.reference for b in breaches)] if breaches else []
