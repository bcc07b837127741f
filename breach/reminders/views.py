"""The in-app reminders: a list, newest first, and an acknowledge button."""

from __future__ import annotations

from typing import Annotated, Literal

from fastapi import Query, Request
from fastapi.responses import Response

from breach.reminders import service
from provider.db.session import SessionDep
from provider.security.actor import Actor
from provider.security.roles import Permission
from provider.web.csrf import html_router
from provider.web.deps import NowDep, page_permission
from provider.web.params import IdPath, PageQuery
from provider.web.rendering import redirect, render

router = html_router()

Reader = Annotated[Actor, page_permission(Permission.breach_read)]
Writer = Annotated[Actor, page_permission(Permission.breach_write)]
PAGE_SIZE = 50


@router.get("/reminders")
def reminders_page(
    request: Request,
    _actor: Reader,
    session: SessionDep,
    page: PageQuery = 1,
    show: Annotated[Literal["all", "unacknowledged"], Query()] = "all",
) -> Response:
    items, total = service.list_reminders(
        session, unacknowledged_only=show == "unacknowledged", page=page, page_size=PAGE_SIZE
    )
    return render(
        request,
        "reminders/list.html",
        {
            "items": items,
            "total": total,
            "page": page,
            "show": show,
            "has_next": page * PAGE_SIZE < total,
            "unacknowledged": service.unacknowledged_count(session),
        },
    )


@router.post("/reminders/{reminder_id}/acknowledge")
def acknowledge(request: Request, actor: Writer, session: SessionDep, now: NowDep, reminder_id: IdPath) -> Response:
    reminder = service.acknowledge(session, actor=actor, now=now, reminder_id=reminder_id)
    session.commit()
    return redirect(request, "/reminders", f"Reminder {reminder.id} acknowledged.")
