"""Deadline pages: the in-app reminders (a list, newest first, and an acknowledge button) and the form that
names an item's owner and deputy (the section each domain includes on its item's page)."""

from __future__ import annotations

from typing import Annotated, Literal

from fastapi import HTTPException, Path, Query, Request
from fastapi.responses import Response

from provider.db.session import SessionDep
from provider.deadlines import inbox, owners, registry
from provider.deadlines.access import PageReader, PageWriter, check_write
from provider.errors import DomainError
from provider.web.csrf import html_router
from provider.web.deps import NowDep
from provider.web.params import MAX_ID, IdPath, PageQuery
from provider.web.rendering import redirect, render

router = html_router()
PAGE_SIZE = 50
OwnerKindPath = Annotated[str, Path(min_length=1, max_length=32, pattern=r"^[a-z][a-z0-9_]*$")]
OWNER_FIELDS = ("owner_user_id", "deputy_user_id")


@router.get("/reminders")
def reminders_page(
    request: Request,
    access: PageReader,
    session: SessionDep,
    page: PageQuery = 1,
    show: Annotated[Literal["all", "unacknowledged"], Query()] = "all",
) -> Response:
    items, total = inbox.list_reminders(
        session,
        unacknowledged_only=show == "unacknowledged",
        page=page,
        page_size=PAGE_SIZE,
        owner_kinds=access.readable,
    )
    return render(
        request,
        "deadlines/list.html",
        {
            "items": items,
            "total": total,
            "page": page,
            "show": show,
            "has_next": page * PAGE_SIZE < total,
            "unacknowledged": inbox.unacknowledged_count(session, owner_kinds=access.readable),
            "writable": access.writable,
        },
    )


@router.post("/reminders/{reminder_id:int}/acknowledge")
def acknowledge(
    request: Request, access: PageWriter, session: SessionDep, now: NowDep, reminder_id: IdPath
) -> Response:
    owner_kind = inbox.owner_kind_of(session, reminder_id)
    check_write(access, owner_kind, api=False)
    reminder = inbox.acknowledge(session, actor=access.actor, now=now, reminder_id=reminder_id)
    session.commit()
    return redirect(request, "/reminders", f"Reminder {reminder.id} acknowledged.")


def _user_id(value: object, field: str) -> int | None:
    """A chosen user's id from a select; empty means nobody."""
    text = value.strip() if isinstance(value, str) else ""
    if not text:
        return None
    if not text.isdigit() or not 1 <= int(text) <= MAX_ID:
        raise HTTPException(422, f"{field}: choose a person from the list")
    return int(text)


@router.post("/deadlines/owners/{owner_kind}/{owner_id:int}")
async def set_owner(
    request: Request,
    access: PageWriter,
    session: SessionDep,
    now: NowDep,
    owner_kind: OwnerKindPath,
    owner_id: IdPath,
) -> Response:
    """Name the item's owner and deputy, then back to the item's page, saying what changed or why not."""
    declared = check_write(access, owner_kind, api=False)
    form = await request.form()
    chosen = {field: _user_id(form.get(field), field) for field in OWNER_FIELDS}
    back = f"{registry.get(owner_kind).link(owner_id, '')}#deadline-owner"
    try:
        row = owners.set_owner(session, actor=access.actor, now=now, owner_kind=owner_kind, owner_id=owner_id, **chosen)
    except DomainError as error:
        session.rollback()
        if error.status == 404:
            raise
        reasons = "; ".join(item.reason for item in error.errors) or error.detail
        return redirect(request, back, f"The owner was not changed: {reasons}.")
    session.commit()
    if row is None:
        return redirect(request, back, f"This {declared.label.lower()} has no named owner now.")
    return redirect(request, back, f"Owner and deputy of this {declared.label.lower()} saved.")
