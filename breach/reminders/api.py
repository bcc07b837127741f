"""JSON routes for deadline reminders: list (breach:read) and acknowledge (breach:write).

Lists page by keyset, newest first: pass a page's `next_after` as `after` for the next one.
"""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Query

from breach.reminders import service
from breach.reminders.models import ReminderPage, ReminderPublic
from provider.db.session import SessionDep
from provider.security.actor import Actor
from provider.security.roles import Permission
from provider.web.deps import NowDep, api_permission
from provider.web.params import MAX_ID, IdPath

router = APIRouter(prefix="/api/v1", tags=["reminders"])
Reader = Annotated[Actor, api_permission(Permission.breach_read)]
Writer = Annotated[Actor, api_permission(Permission.breach_write)]
AfterQuery = Annotated[int | None, Query(ge=1, le=MAX_ID, description="next_after of the previous page")]
LimitQuery = Annotated[int, Query(ge=1, le=200, description="items per page")]
AcknowledgedQuery = Annotated[bool | None, Query(description="true: only acknowledged; false: only not yet")]


def _public(item: service.ReminderItem) -> ReminderPublic:
    reminder = item.reminder
    return ReminderPublic(
        **reminder.model_dump(),
        phrase=item.phrase,
        description=item.description,
        link=item.link,
        obligation_kind=item.kind,
        obligation_status=item.obligation_status,
        breach_id=item.breach_id,
        breach_reference=item.reference,
        period=item.period,
    )


@router.get("/reminders", response_model=ReminderPage)
def list_reminders(
    session: SessionDep,
    _actor: Reader,
    acknowledged: AcknowledgedQuery = None,
    after: AfterQuery = None,
    limit: LimitQuery = 50,
) -> ReminderPage:
    """Deadline reminders, newest first, optionally only acknowledged (true) or unacknowledged (false) ones."""
    items, next_after = service.page_reminders(session, acknowledged=acknowledged, after=after, limit=limit)
    return ReminderPage(items=[_public(item) for item in items], limit=limit, next_after=next_after)


@router.post("/reminders/{reminder_id}/acknowledge", response_model=ReminderPublic)
def acknowledge(reminder_id: IdPath, session: SessionDep, actor: Writer, now: NowDep) -> ReminderPublic:
    """Mark a reminder as seen; a second acknowledgement keeps the first one's time and name."""
    service.acknowledge(session, actor=actor, now=now, reminder_id=reminder_id)
    session.commit()
    return _public(service.reminder_item(session, reminder_id))
