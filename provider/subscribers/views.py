"""HTML pages for subscribers: the searchable list, the subscriber page, and the forms to change them.

Thin routes: the forms are read through the API schemas (provider.subscribers.forms, on the core form
layer) and `submit` commits and redirects, or shows the form again with the summary and the input kept.
"""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import Depends, Query, Request
from fastapi.responses import Response
from sqlmodel import Session

from provider.db.session import SessionDep
from provider.security.actor import Actor
from provider.security.roles import Permission
from provider.subscribers import forms, listing, service
from provider.subscribers.forms import LINE_FORM, SUBSCRIBER_FORM, USER_FORM
from provider.subscribers.models import (
    Line,
    LineCreate,
    LineUpdate,
    LineUserCreate,
    Subscriber,
    SubscriberCreate,
    SubscriberUpdate,
)
from provider.subscribers.panels import panels_of
from provider.subscribers.paths import OwnedLinePath, SubscriberPath
from provider.subscribers.phone import display as display_number
from provider.subscribers.search import CURSOR_MAX_LENGTH, BadCursor, Cursor, decode_cursor, encode_cursor
from provider.text import Line as OneLine
from provider.web.csrf import html_router
from provider.web.deps import NowDep, page_permission
from provider.web.forms import FormError, Values, submit
from provider.web.params import SearchQuery
from provider.web.rendering import redirect, render

router = html_router()
Reader = Annotated[Actor, page_permission(Permission.subscribers_read)]
Writer = Annotated[Actor, page_permission(Permission.subscribers_write)]
CursorQuery = Annotated[OneLine | None, Query(max_length=CURSOR_MAX_LENGTH)]
SubscriberValues = Annotated[Values, Depends(SUBSCRIBER_FORM.submitted)]
LineValues = Annotated[Values, Depends(LINE_FORM.submitted)]
UserValues = Annotated[Values, Depends(USER_FORM.submitted)]
PAGE_SIZE = 50


def _cursor(text: str | None) -> Cursor | None:
    """A tampered or stale cursor just means the first page."""
    try:
        return decode_cursor(text) if text else None
    except BadCursor:
        return None


# --- list and page --------------------------------------------------------------------------


@router.get("/subscribers")
def subscriber_list(
    request: Request,
    session: SessionDep,
    actor: Reader,
    q: SearchQuery = None,
    after: CursorQuery = None,
    before: CursorQuery = None,
) -> Response:
    page = listing.list_subscribers(
        session, query=q or "", after=_cursor(after), before=_cursor(before), limit=PAGE_SIZE
    )
    lines = service.lines_by_subscriber(session, [s.id for s in page.items])
    return render(
        request,
        "subscribers/list.html",
        {
            "q": q or "",
            "page": page,
            "lines": lines,
            "display_number": display_number,
            "next": encode_cursor(page.next_cursor) if page.next_cursor else None,
            "previous": encode_cursor(page.previous_cursor) if page.previous_cursor else None,
            "approximate": listing.approximate_count(session) if not q else None,
            "can_write": actor.can(Permission.subscribers_write),
        },
    )


def _panels(
    request: Request, session: Session, actor: Actor, subscriber: Subscriber, lines: list[Line], now: Any
) -> list[dict[str, Any]]:
    built = []
    for panel in panels_of(request.app):
        if panel.permission is None or actor.can(panel.permission):
            data = panel.build(
                session=session, subscriber=subscriber, lines=lines, now=now, settings=request.app.state.settings
            )
            built.append({"title": panel.title, "template": panel.template, "data": data})
    return built


@router.get("/subscribers/new")
def new_subscriber_page(request: Request, _actor: Writer) -> Response:
    return _subscriber_form(request, None, {"kind": "individual", "line_service": "mobile"}, [])


@router.get("/subscribers/{subscriber_id:int}")
def subscriber_page(
    request: Request, session: SessionDep, actor: Reader, subscriber: SubscriberPath, now: NowDep
) -> Response:
    lines = service.lines_of(session, subscriber.id)
    return render(
        request,
        "subscribers/detail.html",
        {
            "subscriber": subscriber,
            "lines": lines,
            "users": service.users_by_line(session, [x.id for x in lines]),
            "panels": _panels(request, session, actor, subscriber, lines, now),
            "display_number": display_number,
            "can_write": actor.can(Permission.subscribers_write),
        },
    )


# --- subscriber forms -----------------------------------------------------------------------


def _subscriber_form(
    request: Request,
    subscriber: Subscriber | None,
    values: dict[str, Any],
    errors: list[FormError],
    status_code: int = 200,
) -> Response:
    return render(
        request,
        "subscribers/form.html",
        {
            "subscriber": subscriber,
            "values": values,
            "errors": errors,
            "kinds": forms.KIND_OPTIONS,
            "services": forms.SERVICE_OPTIONS,
        },
        status_code=status_code,
    )


@router.post("/subscribers/new")
def create_subscriber(
    request: Request, session: SessionDep, actor: Writer, now: NowDep, values: SubscriberValues
) -> Response:
    def create() -> Subscriber:
        data = SUBSCRIBER_FORM.parse(SubscriberCreate, forms.subscriber_input(values, with_first_line=True))
        return service.create_subscriber(session, actor=actor, now=now, data=data)

    return submit(
        session,
        SUBSCRIBER_FORM,
        action=create,
        on_error=lambda errors, status: _subscriber_form(request, None, values, errors, status),
        success=lambda subscriber: redirect(request, f"/subscribers/{subscriber.id}", "Subscriber created."),
    )


@router.get("/subscribers/{subscriber_id:int}/edit")
def edit_subscriber_page(request: Request, _actor: Writer, subscriber: SubscriberPath) -> Response:
    values = {field: getattr(subscriber, field) for field in forms.SUBSCRIBER_FIELDS}
    values["phone"] = display_number(subscriber.phone) if subscriber.phone else ""
    return _subscriber_form(request, subscriber, values, [])


@router.post("/subscribers/{subscriber_id:int}/edit")
def edit_subscriber(
    request: Request,
    session: SessionDep,
    actor: Writer,
    subscriber: SubscriberPath,
    now: NowDep,
    values: SubscriberValues,
) -> Response:
    def update() -> Subscriber:
        changes = SUBSCRIBER_FORM.parse(SubscriberUpdate, forms.subscriber_input(values, with_first_line=False))
        return service.update_subscriber(session, actor=actor, now=now, subscriber_id=subscriber.id, changes=changes)

    return submit(
        session,
        SUBSCRIBER_FORM,
        action=update,
        on_error=lambda errors, status: _subscriber_form(request, subscriber, values, errors, status),
        success=lambda _: redirect(request, f"/subscribers/{subscriber.id}", "Subscriber updated."),
    )


# --- line forms -----------------------------------------------------------------------------


def _line_form(
    request: Request,
    subscriber: Subscriber,
    line: Line | None,
    values: dict[str, Any],
    errors: list[FormError],
    status_code: int = 200,
) -> Response:
    return render(
        request,
        "subscribers/line_form.html",
        {"subscriber": subscriber, "line": line, "values": values, "errors": errors, "services": forms.SERVICE_OPTIONS},
        status_code=status_code,
    )


@router.get("/subscribers/{subscriber_id:int}/lines/new")
def new_line_page(request: Request, _actor: Writer, subscriber: SubscriberPath) -> Response:
    return _line_form(request, subscriber, None, {"number": "", "service": "mobile"}, [])


@router.post("/subscribers/{subscriber_id:int}/lines/new")
def add_line(
    request: Request,
    session: SessionDep,
    actor: Writer,
    subscriber: SubscriberPath,
    now: NowDep,
    values: LineValues,
) -> Response:
    def add() -> Line:
        data = LINE_FORM.parse(LineCreate, values)
        return service.add_line(session, actor=actor, now=now, subscriber_id=subscriber.id, data=data)

    return submit(
        session,
        LINE_FORM,
        action=add,
        on_error=lambda errors, status: _line_form(request, subscriber, None, values, errors, status),
        success=lambda _: redirect(request, f"/subscribers/{subscriber.id}", "Line added."),
    )


@router.get("/subscribers/{subscriber_id:int}/lines/{line_id:int}/edit")
def edit_line_page(request: Request, _actor: Writer, subscriber: SubscriberPath, line: OwnedLinePath) -> Response:
    return _line_form(request, subscriber, line, {"number": display_number(line.number), "service": line.service}, [])


@router.post("/subscribers/{subscriber_id:int}/lines/{line_id:int}/edit")
def edit_line(
    request: Request,
    session: SessionDep,
    actor: Writer,
    subscriber: SubscriberPath,
    line: OwnedLinePath,
    now: NowDep,
    values: LineValues,
) -> Response:
    def update() -> Line:
        changes = LINE_FORM.parse(LineUpdate, values)
        return service.update_line(session, actor=actor, now=now, line_id=line.id, changes=changes)

    return submit(
        session,
        LINE_FORM,
        action=update,
        on_error=lambda errors, status: _line_form(request, subscriber, line, values, errors, status),
        success=lambda _: redirect(request, f"/subscribers/{subscriber.id}", "Line updated."),
    )


# --- named users ----------------------------------------------------------------------------


def _user_form(
    request: Request,
    subscriber: Subscriber,
    line: Line,
    values: dict[str, Any],
    errors: list[FormError],
    status_code: int = 200,
) -> Response:
    return render(
        request,
        "subscribers/user_form.html",
        {"subscriber": subscriber, "line": line, "values": values, "errors": errors, "display_number": display_number},
        status_code=status_code,
    )


@router.get("/subscribers/{subscriber_id:int}/lines/{line_id:int}/users/new")
def new_user_page(request: Request, _actor: Writer, subscriber: SubscriberPath, line: OwnedLinePath) -> Response:
    return _user_form(request, subscriber, line, {"name": "", "relationship": "", "contact": ""}, [])


@router.post("/subscribers/{subscriber_id:int}/lines/{line_id:int}/users/new")
def add_user(
    request: Request,
    session: SessionDep,
    actor: Writer,
    subscriber: SubscriberPath,
    line: OwnedLinePath,
    now: NowDep,
    values: UserValues,
) -> Response:
    def add() -> Any:
        data = USER_FORM.parse(LineUserCreate, values)
        return service.add_line_user(session, actor=actor, now=now, line_id=line.id, data=data)

    return submit(
        session,
        USER_FORM,
        action=add,
        on_error=lambda errors, status: _user_form(request, subscriber, line, values, errors, status),
        success=lambda _: redirect(request, f"/subscribers/{subscriber.id}", "Named user added."),
    )
