"""JSON routes for deadlines: reminders (list, acknowledge) and an item's owner and deputy.

Reminders list by keyset, newest first: pass a page's `next_after` as `after` for the next one. Each
route needs the permission the item's owner kind registered (breach: breach:read to read, breach:write
to change).
"""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, HTTPException, Path, Query

from provider.db.session import SessionDep
from provider.deadlines import inbox, owners
from provider.deadlines.access import ApiReader, ApiWriter, check_write
from provider.deadlines.models import OwnerPublic, OwnerUpdate, ReminderPage, ReminderPublic
from provider.web.deps import NowDep
from provider.web.params import MAX_ID, IdPath

router = APIRouter(prefix="/api/v1", tags=["reminders"])
AfterQuery = Annotated[int | None, Query(ge=1, le=MAX_ID, description="next_after of the previous page")]
LimitQuery = Annotated[int, Query(ge=1, le=200, description="items per page")]
AcknowledgedQuery = Annotated[bool | None, Query(description="true: only acknowledged; false: only not yet")]
OwnerKindPath = Annotated[
    str, Path(min_length=1, max_length=32, pattern=r"^[a-z][a-z0-9_]*$", description="e.g. breach")
]


def _public(item: inbox.ReminderItem) -> ReminderPublic:
    reminder = item.reminder
    return ReminderPublic(
        **reminder.model_dump(),
        phrase=item.phrase,
        description=item.description,
        link=item.link,
        obligation_kind=item.kind,
        obligation_status=item.obligation_status,
        owner_kind=item.owner_kind,
        owner_id=item.owner_id,
        owner_reference=item.reference,
        period=item.period,
        **item.public_fields,
    )


@router.get("/reminders", response_model=ReminderPage)
def list_reminders(
    session: SessionDep,
    access: ApiReader,
    acknowledged: AcknowledgedQuery = None,
    after: AfterQuery = None,
    limit: LimitQuery = 50,
) -> ReminderPage:
    """Deadline reminders, newest first, optionally only acknowledged (true) or unacknowledged (false) ones."""
    items, next_after = inbox.page_reminders(
        session, acknowledged=acknowledged, after=after, limit=limit, owner_kinds=access.readable
    )
    return ReminderPage(items=[_public(item) for item in items], limit=limit, next_after=next_after)


@router.post("/reminders/{reminder_id:int}/acknowledge", response_model=ReminderPublic)
def acknowledge(reminder_id: IdPath, session: SessionDep, access: ApiWriter, now: NowDep) -> ReminderPublic:
    """Mark a reminder as seen; a second acknowledgement keeps the first one's time and name."""
    check_write(access, _visible_kind(session, access, reminder_id), api=True)
    inbox.acknowledge(session, actor=access.actor, now=now, reminder_id=reminder_id)
    session.commit()
    return _public(inbox.reminder_item(session, reminder_id))


def _visible_kind(session: SessionDep, access: ApiReader, reminder_id: int) -> str:
    owner_kind = inbox.owner_kind_of(session, reminder_id)
    if not access.can_read(owner_kind):
        raise HTTPException(404, f"reminder {reminder_id} not found")
    return owner_kind


@router.get("/deadlines/owners/{owner_kind}/{owner_id:int}", response_model=OwnerPublic, tags=["deadlines"])
def get_owner(owner_kind: OwnerKindPath, owner_id: IdPath, session: SessionDep, access: ApiReader) -> OwnerPublic:
    """Who owns the item's deadlines and who deputises (none: the owner kind's fallback roles are reminded)."""
    if not access.can_read(owner_kind):
        raise HTTPException(404, f"no items of kind {owner_kind!r}")
    return owners.owner_public(session, owner_kind, owner_id)


@router.put("/deadlines/owners/{owner_kind}/{owner_id:int}", response_model=OwnerPublic, tags=["deadlines"])
def set_owner(
    owner_kind: OwnerKindPath,
    owner_id: IdPath,
    body: OwnerUpdate,
    session: SessionDep,
    access: ApiWriter,
    now: NowDep,
) -> OwnerPublic:
    """Name the item's owner and deputy (null owner: none, so the fallback roles are reminded again)."""
    check_write(access, owner_kind, api=True)
    owners.set_owner(
        session,
        actor=access.actor,
        now=now,
        owner_kind=owner_kind,
        owner_id=owner_id,
        owner_user_id=body.owner_user_id,
        deputy_user_id=body.deputy_user_id,
    )
    session.commit()
    return owners.owner_public(session, owner_kind, owner_id)
