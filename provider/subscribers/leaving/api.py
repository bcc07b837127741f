"""JSON API of leaving (`/api/v1`): a line or subscriber leaves, a named user is removed, the leaving
summary, and erasure. A second leave, a write to what has left, or an erasure something still needs is a
409 problem naming the field and every reason."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter

from provider.db.session import SessionDep
from provider.security.actor import Actor
from provider.security.roles import Permission
from provider.subscribers.leaving import service
from provider.subscribers.leaving.models import LeaveCreate, LeavingSummary, ReceiptPublic
from provider.subscribers.models import LinePublic, LineUserPublic, SubscriberPublic
from provider.web.deps import NowDep, api_permission
from provider.web.params import IdPath

router = APIRouter(prefix="/api/v1", tags=["subscribers"])
Reader = Annotated[Actor, api_permission(Permission.subscribers_read)]
Writer = Annotated[Actor, api_permission(Permission.subscribers_write)]


@router.post("/lines/{line_id:int}/leave", response_model=LinePublic)
def leave_line(line_id: IdPath, data: LeaveCreate, session: SessionDep, actor: Writer, now: NowDep) -> LinePublic:
    """The line leaves (ported out, ceased): its named users are removed, consented retention ends now."""
    line = service.leave_line(session, actor=actor, now=now, line_id=line_id, data=data)
    session.commit()
    return LinePublic.model_validate(line)


@router.post("/subscribers/{subscriber_id:int}/leave", response_model=SubscriberPublic)
def leave_subscriber(
    subscriber_id: IdPath, data: LeaveCreate, session: SessionDep, actor: Writer, now: NowDep
) -> SubscriberPublic:
    """The whole subscriber leaves, with every line still open."""
    subscriber = service.leave_subscriber(session, actor=actor, now=now, subscriber_id=subscriber_id, data=data)
    session.commit()
    return SubscriberPublic.model_validate(subscriber)


@router.delete("/lines/{line_id:int}/users/{user_id:int}", response_model=LineUserPublic)
def remove_line_user(
    line_id: IdPath, user_id: IdPath, session: SessionDep, actor: Writer, now: NowDep
) -> LineUserPublic:
    """The named user no longer uses the line: their consents stop counting at once."""
    user = service.remove_user(session, actor=actor, now=now, line_id=line_id, user_id=user_id)
    session.commit()
    return LineUserPublic.model_validate(user)


@router.get("/subscribers/{subscriber_id:int}/leaving", response_model=LeavingSummary)
def leaving_summary(subscriber_id: IdPath, session: SessionDep, _actor: Reader, now: NowDep) -> LeavingSummary:
    """What is kept of the subscriber, why and until when (Europe/London), and whether it can be erased."""
    return service.summary(session, subscriber_id=subscriber_id, now=now)


@router.post("/subscribers/{subscriber_id:int}/erase", response_model=ReceiptPublic)
def erase_subscriber(subscriber_id: IdPath, session: SessionDep, actor: Writer, now: NowDep) -> ReceiptPublic:
    """Erase a left subscriber nothing needs any more; 409 with every reason while something does."""
    receipt = service.erase_subscriber(session, actor=actor, now=now, subscriber_id=subscriber_id)
    session.commit()
    return ReceiptPublic.model_validate(receipt, from_attributes=True)


@router.post("/lines/{line_id:int}/erase", response_model=ReceiptPublic)
def erase_line(line_id: IdPath, session: SessionDep, actor: Writer, now: NowDep) -> ReceiptPublic:
    """Erase a left line whose subscriber stays, once nothing is kept of it; 409 with every reason while
    something is (the line's traffic, its calls within retention, an open trace, a directory entry still
    delivered)."""
    receipt = service.erase_line(session, actor=actor, now=now, line_id=line_id)
    session.commit()
    return ReceiptPublic.model_validate(receipt, from_attributes=True)
