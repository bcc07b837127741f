"""HTML pages for subscribers: the searchable list, the subscriber page, and the forms to change them.

Thin routes: read the form, validate through the API schemas (provider.subscribers.forms), call the
service, commit, redirect. On error the form comes back with the summary at the top and the input kept.
"""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import Form, Query, Request
from fastapi.responses import Response
from sqlmodel import Session

from provider.db.session import SessionDep
from provider.errors import DomainError, NotFound
from provider.security.actor import Actor
from provider.security.roles import Permission
from provider.subscribers import forms, listing, service
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
from provider.subscribers.phone import display as display_number
from provider.subscribers.search import CURSOR_MAX_LENGTH, BadCursor, Cursor, decode_cursor, encode_cursor
from provider.web.csrf import html_router
from provider.web.deps import NowDep, page_permission
from provider.web.params import IdPath, SearchQuery
from provider.web.rendering import redirect, render

router = html_router()
Reader = Annotated[Actor, page_permission(Permission.subscribers_read)]
Writer = Annotated[Actor, page_permission(Permission.subscribers_write)]
CursorQuery = Annotated[str | None, Query(max_length=CURSOR_MAX_LENGTH)]
Text = Annotated[str, Form(max_length=1000)]
LongText = Annotated[str, Form(max_length=2000)]
PAGE_SIZE = 50
SUBSCRIBER_FIELDS = ("kind", "name", "address", "email", "phone", "account_reference")


def _cursor(text: str | None) -> Cursor | None:
    """A tampered or stale cursor just means the first page."""
    try:
        return decode_cursor(text) if text else None
    except BadCursor:
        return None


def _owned_line(session: Session, subscriber_id: int, line_id: int) -> tuple[Subscriber, Line]:
    subscriber = service.get_subscriber(session, subscriber_id)
    line = service.get_line(session, line_id)
    if line.subscriber_id != subscriber.id:
        raise NotFound(f"line {line_id} is not a line of subscriber {subscriber_id}")
    return subscriber, line


def _status(error: DomainError) -> int:
    return 409 if error.status == 409 else 422


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


@router.get("/subscribers/{subscriber_id}")
def subscriber_page(
    request: Request, subscriber_id: IdPath, session: SessionDep, actor: Reader, now: NowDep
) -> Response:
    subscriber = service.get_subscriber(session, subscriber_id)
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
    values: dict[str, str],
    errors: forms.FormErrors,
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
    request: Request,
    session: SessionDep,
    actor: Writer,
    now: NowDep,
    kind: Text = "",
    name: Text = "",
    address: LongText = "",
    email: Text = "",
    phone: Text = "",
    account_reference: Text = "",
    line_number: Text = "",
    line_service: Text = "",
) -> Response:
    values = {
        "kind": kind,
        "name": name,
        "address": address,
        "email": email,
        "phone": phone,
        "account_reference": account_reference,
        "line_number": line_number,
        "line_service": line_service,
    }
    try:
        data = forms.parse(SubscriberCreate, forms.subscriber_input(values, True), forms.FIRST_LINE_FIELDS)
        subscriber = service.create_subscriber(session, actor=actor, now=now, data=data)
    except forms.FormInvalid as error:
        return _subscriber_form(request, None, values, error.errors, 422)
    except DomainError as error:
        session.rollback()
        return _subscriber_form(
            request, None, values, forms.domain_errors(error, forms.FIRST_LINE_FIELDS), _status(error)
        )
    session.commit()
    return redirect(request, f"/subscribers/{subscriber.id}", "Subscriber created.")


@router.get("/subscribers/{subscriber_id}/edit")
def edit_subscriber_page(request: Request, subscriber_id: IdPath, session: SessionDep, _actor: Writer) -> Response:
    subscriber = service.get_subscriber(session, subscriber_id)
    values = {field: getattr(subscriber, field) for field in SUBSCRIBER_FIELDS}
    values["phone"] = display_number(subscriber.phone) if subscriber.phone else ""
    return _subscriber_form(request, subscriber, values, [])


@router.post("/subscribers/{subscriber_id}/edit")
def edit_subscriber(
    request: Request,
    subscriber_id: IdPath,
    session: SessionDep,
    actor: Writer,
    now: NowDep,
    kind: Text = "",
    name: Text = "",
    address: LongText = "",
    email: Text = "",
    phone: Text = "",
    account_reference: Text = "",
) -> Response:
    subscriber = service.get_subscriber(session, subscriber_id)
    values = {
        "kind": kind,
        "name": name,
        "address": address,
        "email": email,
        "phone": phone,
        "account_reference": account_reference,
    }
    try:
        changes = forms.parse(SubscriberUpdate, forms.subscriber_input(values, False))
        service.update_subscriber(session, actor=actor, now=now, subscriber_id=subscriber.id, changes=changes)
    except forms.FormInvalid as error:
        return _subscriber_form(request, subscriber, values, error.errors, 422)
    except DomainError as error:
        session.rollback()
        return _subscriber_form(request, subscriber, values, forms.domain_errors(error), _status(error))
    session.commit()
    return redirect(request, f"/subscribers/{subscriber_id}", "Subscriber updated.")


# --- line forms -----------------------------------------------------------------------------


def _line_form(
    request: Request,
    subscriber: Subscriber,
    line: Line | None,
    values: dict[str, str],
    errors: forms.FormErrors,
    status_code: int = 200,
) -> Response:
    return render(
        request,
        "subscribers/line_form.html",
        {"subscriber": subscriber, "line": line, "values": values, "errors": errors, "services": forms.SERVICE_OPTIONS},
        status_code=status_code,
    )


@router.get("/subscribers/{subscriber_id}/lines/new")
def new_line_page(request: Request, subscriber_id: IdPath, session: SessionDep, _actor: Writer) -> Response:
    subscriber = service.get_subscriber(session, subscriber_id)
    return _line_form(request, subscriber, None, {"number": "", "service": "mobile"}, [])


@router.post("/subscribers/{subscriber_id}/lines/new")
def add_line(
    request: Request,
    subscriber_id: IdPath,
    session: SessionDep,
    actor: Writer,
    now: NowDep,
    number: Text = "",
    service_name: Annotated[str, Form(alias="service", max_length=1000)] = "",
) -> Response:
    subscriber = service.get_subscriber(session, subscriber_id)
    values = {"number": number, "service": service_name}
    try:
        data = forms.parse(LineCreate, values)
        service.add_line(session, actor=actor, now=now, subscriber_id=subscriber.id, data=data)
    except forms.FormInvalid as error:
        return _line_form(request, subscriber, None, values, error.errors, 422)
    except DomainError as error:
        session.rollback()
        return _line_form(request, subscriber, None, values, forms.domain_errors(error), _status(error))
    session.commit()
    return redirect(request, f"/subscribers/{subscriber.id}", "Line added.")


@router.get("/subscribers/{subscriber_id}/lines/{line_id}/edit")
def edit_line_page(
    request: Request, subscriber_id: IdPath, line_id: IdPath, session: SessionDep, _actor: Writer
) -> Response:
    subscriber, line = _owned_line(session, subscriber_id, line_id)
    return _line_form(request, subscriber, line, {"number": display_number(line.number), "service": line.service}, [])


@router.post("/subscribers/{subscriber_id}/lines/{line_id}/edit")
def edit_line(
    request: Request,
    subscriber_id: IdPath,
    line_id: IdPath,
    session: SessionDep,
    actor: Writer,
    now: NowDep,
    number: Text = "",
    service_name: Annotated[str, Form(alias="service", max_length=1000)] = "",
) -> Response:
    subscriber, line = _owned_line(session, subscriber_id, line_id)
    values = {"number": number, "service": service_name}
    try:
        changes = forms.parse(LineUpdate, values)
        service.update_line(session, actor=actor, now=now, line_id=line.id, changes=changes)
    except forms.FormInvalid as error:
        return _line_form(request, subscriber, line, values, error.errors, 422)
    except DomainError as error:
        session.rollback()
        return _line_form(request, subscriber, line, values, forms.domain_errors(error), _status(error))
    session.commit()
    return redirect(request, f"/subscribers/{subscriber.id}", "Line updated.")


# --- named users ----------------------------------------------------------------------------


def _user_form(
    request: Request,
    subscriber: Subscriber,
    line: Line,
    values: dict[str, str],
    errors: forms.FormErrors,
    status_code: int = 200,
) -> Response:
    return render(
        request,
        "subscribers/user_form.html",
        {"subscriber": subscriber, "line": line, "values": values, "errors": errors, "display_number": display_number},
        status_code=status_code,
    )


@router.get("/subscribers/{subscriber_id}/lines/{line_id}/users/new")
def new_user_page(
    request: Request, subscriber_id: IdPath, line_id: IdPath, session: SessionDep, _actor: Writer
) -> Response:
    subscriber, line = _owned_line(session, subscriber_id, line_id)
    return _user_form(request, subscriber, line, {"name": "", "relationship": "", "contact": ""}, [])


@router.post("/subscribers/{subscriber_id}/lines/{line_id}/users/new")
def add_user(
    request: Request,
    subscriber_id: IdPath,
    line_id: IdPath,
    session: SessionDep,
    actor: Writer,
    now: NowDep,
    name: Text = "",
    relationship: Text = "",
    contact: Text = "",
) -> Response:
    subscriber, line = _owned_line(session, subscriber_id, line_id)
    values = {"name": name, "relationship": relationship, "contact": contact}
    try:
        data = forms.parse(LineUserCreate, values)
        service.add_line_user(session, actor=actor, now=now, line_id=line.id, data=data)
    except forms.FormInvalid as error:
        return _user_form(request, subscriber, line, values, error.errors, 422)
    except DomainError as error:
        session.rollback()
        return _user_form(request, subscriber, line, values, forms.domain_errors(error), _status(error))
    session.commit()
    return redirect(request, f"/subscribers/{subscriber.id}", "Named user added.")
