"""JSON API of itemised bills: the subscriber's choice, the billing system's call list, the bill."""

from __future__ import annotations

from typing import Annotated, Literal

from fastapi import APIRouter, Path, Query
from fastapi.responses import Response

from provider.billing import documents, service
from provider.billing.models import BillingPublic, BillPublic, CallBatch, CallImportResult, ChoiceUpdate
from provider.db.session import SessionDep
from provider.profile.service import find_profile
from provider.security.actor import Actor
from provider.security.roles import Permission
from provider.subscribers.paths import SubscriberPath
from provider.web.deps import NowDep, SettingsDep, api_permission

router = APIRouter(prefix="/api/v1/subscribers", tags=["itemised bills"])
Reader = Annotated[Actor, api_permission(Permission.billing_read)]
Writer = Annotated[Actor, api_permission(Permission.billing_write)]
PeriodPath = Annotated[str, Path(min_length=7, max_length=7, pattern=r"^[0-9]{4}-[0-9]{2}$", description="YYYY-MM")]


@router.get("/{subscriber_id:int}/billing", response_model=BillingPublic)
def read_billing(
    _actor: Reader, session: SessionDep, settings: SettingsDep, subscriber: SubscriberPath
) -> BillingPublic:
    """Whether the subscriber's bills are itemised, and every request they made about it."""
    return service.billing_of(session, subscriber, settings)


@router.put("/{subscriber_id:int}/billing", response_model=BillingPublic)
def change_billing(
    actor: Writer,
    session: SessionDep,
    settings: SettingsDep,
    now: NowDep,
    subscriber: SubscriberPath,
    body: ChoiceUpdate,
) -> BillingPublic:
    """Record the subscriber's request for itemised bills or bills without itemisation."""
    result = service.record_choice(session, actor=actor, now=now, subscriber=subscriber, change=body, settings=settings)
    session.commit()
    return result


@router.post("/{subscriber_id:int}/calls", response_model=CallImportResult, status_code=201)
def add_calls(
    actor: Writer, session: SessionDep, settings: SettingsDep, now: NowDep, subscriber: SubscriberPath, body: CallBatch
) -> CallImportResult:
    """Add calls from the billing system's call list (all or none; a `source_ref` seen before is skipped).
    The numbers called are stored encrypted, and each call is erased PECR_BILLING_CALL_LIST_MONTHS (12 by
    default) after its bill period; a call already past that is refused."""
    result = service.import_calls(
        session, actor=actor, now=now, subscriber=subscriber, calls=body.calls, settings=settings
    )
    session.commit()
    return result


def bill_response(session: SessionDep, settings: SettingsDep, bill: BillPublic, subscriber_name: str) -> Response:
    profile = find_profile(session)
    provider = profile.model_dump() if profile else {}
    content = documents.bill_pdf(bill, provider=provider, subscriber_name=subscriber_name, zone=settings.zone)
    filename = f"bill-{bill.account_reference}-{bill.period}.pdf".replace('"', "")
    return Response(
        content, media_type="application/pdf", headers={"Content-Disposition": f'attachment; filename="{filename}"'}
    )


@router.get(
    "/{subscriber_id:int}/bills/{period}",
    response_model=BillPublic,
    responses={200: {"content": {"application/pdf": {}}}},
)
def read_bill(
    _actor: Reader,
    session: SessionDep,
    settings: SettingsDep,
    now: NowDep,
    subscriber: SubscriberPath,
    period: PeriodPath,
    format: Annotated[Literal["json", "pdf"], Query(description="json or pdf")] = "json",
) -> BillPublic | Response:
    """The bill for a London month, itemised unless the subscriber asked otherwise; calls free to the
    caller are counted in the totals and never listed."""
    bill = service.bill_for(session, subscriber=subscriber, period=period, now=now, settings=settings)
    if format == "pdf":
        return bill_response(session, settings, bill, subscriber.name)
    return bill
