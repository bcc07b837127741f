"""JSON API of retention: bill status, retention holds, emergency alerts, erasure receipts."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Path
from sqlmodel import select

from provider.db.session import SessionDep
from provider.security.actor import Actor
from provider.security.roles import Permission
from provider.web.deps import NowDep, api_permission
from provider.web.params import IdPath
from traffic.models import ErasureReceipt, RetentionHold
from traffic.policy import TrafficSettings
from traffic.retention import service
from traffic.retention.models import AlertPublic, AlertUpdate, BillPublic, BillUpdate, HoldCreate, HoldPublic

router = APIRouter(prefix="/api/v1", tags=["traffic retention"])
Reader = Annotated[Actor, api_permission(Permission.traffic_read)]
Writer = Annotated[Actor, api_permission(Permission.traffic_write)]
RefPath = Annotated[str, Path(min_length=1, max_length=64, pattern=r"^[A-Za-z0-9][A-Za-z0-9._:/-]*$")]
HoldId = IdPath


@router.put("/bills/{bill_ref}", response_model=BillPublic)
def put_bill(bill_ref: RefPath, data: BillUpdate, actor: Writer, session: SessionDep, now: NowDep) -> BillPublic:
    """A bill's status from the billing system (unpaid, paid, disputed, resolved): its billing records are
    kept `billing_months` after it, to the six-year bound while unpaid or disputed, and the appeal window
    after resolution."""
    bill, moved, until = service.set_bill_status(
        session, bill_ref=bill_ref, data=data, actor=actor, now=now, policy=TrafficSettings().policy()
    )
    session.commit()
    return BillPublic.model_validate(
        bill, from_attributes=True, update={"records_updated": moved, "retain_until": until}
    )


@router.get("/traffic/holds", response_model=list[HoldPublic])
def list_holds(_actor: Reader, session: SessionDep) -> list[HoldPublic]:
    rows = session.exec(select(RetentionHold).order_by(RetentionHold.id)).all()
    return [HoldPublic.model_validate(row, from_attributes=True) for row in rows]


@router.post("/traffic/holds", response_model=HoldPublic, status_code=201)
def create_hold(data: HoldCreate, actor: Writer, session: SessionDep, now: NowDep) -> HoldPublic:
    """A retention hold (IPA notice, court order, national security, crime) suspending erasure of what it
    covers until it ends; an IPA notice over 12 months from the communications is refused (422)."""
    hold = service.create_hold(session, data=data, actor=actor, now=now)
    session.commit()
    return HoldPublic.model_validate(hold, from_attributes=True)


@router.post("/traffic/holds/{hold_id:int}/release", response_model=HoldPublic)
def release_hold(hold_id: HoldId, actor: Writer, session: SessionDep, now: NowDep) -> HoldPublic:
    hold = service.release_hold(session, hold_id=hold_id, actor=actor, now=now)
    session.commit()
    return HoldPublic.model_validate(hold, from_attributes=True)


@router.put("/traffic/alerts/{alert_ref}", response_model=AlertPublic)
def put_alert(alert_ref: RefPath, data: AlertUpdate, actor: Writer, session: SessionDep, now: NowDep) -> AlertPublic:
    """An emergency alert's period (reg 16A): its location data is erased 7 days after the period ends,
    48 hours for a test alert."""
    alert, moved, erase_by = service.set_alert(session, alert_ref=alert_ref, data=data, actor=actor, now=now)
    session.commit()
    return AlertPublic(
        alert_ref=alert.alert_ref, test=alert.test, period_end=alert.period_end, records_updated=moved,
        erase_by=erase_by,
    )  # fmt: skip


@router.post("/traffic/subscribers/{subscriber_id:int}/leaving")
def subscriber_leaving(subscriber_id: HoldId, actor: Writer, session: SessionDep, now: NowDep) -> dict:
    """A subscriber leaves: consented-service retention ends now; the answer lists what is still kept, by
    class, with its last retain-until (billing while a bill can be challenged, held while a hold lasts)."""
    answer = service.leaving(session, subscriber_id=subscriber_id, actor=actor, now=now)
    session.commit()
    return {**answer, "can_be_erased": not service.has_records(session, subscriber_id=subscriber_id)}


@router.get("/traffic/receipts")
def list_receipts(_actor: Reader, session: SessionDep) -> list[dict]:
    """Every erasure receipt, newest first: counts, partitions dropped, keys destroyed, hash of ids."""
    rows = session.exec(select(ErasureReceipt).order_by(ErasureReceipt.id.desc()).limit(1000)).all()
    return [row.model_dump() for row in rows]
