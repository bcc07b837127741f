"""HTML pages of leaving: the "Leaving and erasure" box on the subscriber page, the leave forms, removing a
named user and erasure, each a confirmation step posted with CSRF; roles are checked here, on the server."""

from __future__ import annotations

from collections.abc import Callable
from typing import Annotated, Any

from fastapi import Depends, Request
from fastapi.responses import Response
from sqlmodel import Session, select

from provider.db.session import SessionDep
from provider.errors import NotFound
from provider.security.actor import Actor
from provider.security.roles import Permission
from provider.settings import Settings
from provider.subscribers.leaving import registry, rules, service
from provider.subscribers.leaving.forms import CONFIRM_FORM, LEAVE_FORM, REASON_OPTIONS
from provider.subscribers.leaving.models import LeaveCreate
from provider.subscribers.models import Line, LineUser, Subscriber
from provider.subscribers.panels import SubscriberPanel
from provider.subscribers.paths import OwnedLinePath, SubscriberPath
from provider.subscribers.phone import display as display_number
from provider.web.csrf import html_router
from provider.web.deps import NowDep, SettingsDep, page_permission
from provider.web.forms import FormError, Values, submit
from provider.web.params import IdPath
from provider.web.rendering import redirect, render

router = html_router()
Writer = Annotated[Actor, page_permission(Permission.subscribers_write)]
LeaveValues = Annotated[Values, Depends(LEAVE_FORM.submitted)]
ConfirmValues = Annotated[Values, Depends(CONFIRM_FORM.submitted)]


def build(*, session: Session, subscriber: Subscriber, now: Any, settings: Settings, **_: Any) -> dict[str, Any]:
    summary = service.summary(session, subscriber_id=subscriber.id, now=now, zone=settings.zone)
    # a line that left is named by its number, as the page's lines table shows it, not by its id
    lines = session.exec(select(Line.id, Line.number).where(Line.subscriber_id == subscriber.id)).all()
    return {"summary": summary, "numbers": {line_id: display_number(number) for line_id, number in lines}}


PANEL = SubscriberPanel("Leaving and erasure", "leaving/panel.html", build, Permission.subscribers_read)


def _leave_page(request: Request, subscriber: Subscriber, line: Line | None, values: Values, errors: list[FormError],
                status_code: int = 200) -> Response:  # fmt: skip
    context = {"subscriber": subscriber, "line": line, "values": values, "errors": errors, "reasons": REASON_OPTIONS,
               "display_number": display_number, "zone": request.app.state.settings.zone}  # fmt: skip
    return render(request, "leaving/leave_form.html", context, status_code=status_code)


def _leave(request: Request, session: Session, settings: Settings, subscriber: Subscriber, line: Line | None,
           values: Values, record: Callable[[LeaveCreate], Any]) -> Response:  # fmt: skip
    def act() -> Any:
        reading = LEAVE_FORM.read(values)
        wanted = {"reason": reading.text("reason"), "left_at": reading.datetime("left_at", settings.zone)}
        data = reading.schema(LeaveCreate, wanted)
        reading.done()
        return record(data)

    return submit(
        session, LEAVE_FORM, action=act,
        on_error=lambda errors, status: _leave_page(request, subscriber, line, values, errors, status),
        success=lambda _: redirect(request, f"/subscribers/{subscriber.id}#leaving", "The leave is recorded."),
    )  # fmt: skip


@router.get("/subscribers/{subscriber_id:int}/leave")
def leave_subscriber_page(request: Request, _actor: Writer, subscriber: SubscriberPath) -> Response:
    return _leave_page(request, subscriber, None, {"reason": "ported_out"}, [])


@router.post("/subscribers/{subscriber_id:int}/leave")
def leave_subscriber(request: Request, session: SessionDep, actor: Writer, settings: SettingsDep, now: NowDep,
                     subscriber: SubscriberPath, values: LeaveValues) -> Response:  # fmt: skip
    return _leave(request, session, settings, subscriber, None, values, lambda data: service.leave_subscriber(
        session, actor=actor, now=now, subscriber_id=subscriber.id, data=data))  # fmt: skip


@router.get("/subscribers/{subscriber_id:int}/lines/{line_id:int}/leave")
def leave_line_page(request: Request, _actor: Writer, subscriber: SubscriberPath, line: OwnedLinePath) -> Response:
    return _leave_page(request, subscriber, line, {"reason": "ported_out"}, [])


@router.post("/subscribers/{subscriber_id:int}/lines/{line_id:int}/leave")
def leave_line(request: Request, session: SessionDep, actor: Writer, settings: SettingsDep, now: NowDep,
               subscriber: SubscriberPath, line: OwnedLinePath, values: LeaveValues) -> Response:  # fmt: skip
    return _leave(request, session, settings, subscriber, line, values, lambda data: service.leave_line(
        session, actor=actor, now=now, line_id=line.id, data=data))  # fmt: skip


def _user_of(session: Session, line: Line, user_id: int) -> LineUser:
    user = session.get(LineUser, user_id)
    if user is None or user.line_id != line.id:
        raise NotFound(f"line {line.id} has no named user {user_id}")
    return user


def _remove_page(request: Request, subscriber: Subscriber, line: Line, user: LineUser, errors: list[FormError],
                 status_code: int = 200) -> Response:  # fmt: skip
    context = {"subscriber": subscriber, "line": line, "user": user, "errors": errors, "display_number": display_number}
    return render(request, "leaving/remove_user.html", context, status_code=status_code)


@router.get("/subscribers/{subscriber_id:int}/lines/{line_id:int}/users/{user_id:int}/remove")
def remove_user_page(request: Request, session: SessionDep, _actor: Writer, subscriber: SubscriberPath,
                     line: OwnedLinePath, user_id: IdPath) -> Response:  # fmt: skip
    return _remove_page(request, subscriber, line, _user_of(session, line, user_id), [])


@router.post("/subscribers/{subscriber_id:int}/lines/{line_id:int}/users/{user_id:int}/remove")
def remove_user(request: Request, session: SessionDep, actor: Writer, now: NowDep, subscriber: SubscriberPath,
                line: OwnedLinePath, user_id: IdPath, values: ConfirmValues) -> Response:  # fmt: skip
    user = _user_of(session, line, user_id)

    def act() -> Any:
        _confirmed(values)
        return service.remove_user(session, actor=actor, now=now, line_id=line.id, user_id=user.id)

    return submit(
        session, CONFIRM_FORM, action=act,
        on_error=lambda errors, status: _remove_page(request, subscriber, line, user, errors, status),
        success=lambda _: redirect(request, f"/subscribers/{subscriber.id}#line-{line.id}", "Named user removed."),
    )  # fmt: skip


def _confirmed(values: Values) -> None:
    reading = CONFIRM_FORM.read(values)
    if not reading.flag("confirm"):
        reading.fail("confirm", CONFIRM_FORM.missing["confirm"])
    reading.done()


def _erase_page(request: Request, session: Session, subscriber: Subscriber, now: Any, errors: list[FormError],
                status_code: int = 200) -> Response:  # fmt: skip
    zone = request.app.state.settings.zone
    summary = service.summary(session, subscriber_id=subscriber.id, now=now, zone=zone)
    context = {"subscriber": subscriber, "summary": summary, "errors": errors}
    return render(request, "leaving/erase.html", context, status_code=status_code)


@router.get("/subscribers/{subscriber_id:int}/erase")
def erase_page(
    request: Request, session: SessionDep, _actor: Writer, now: NowDep, subscriber: SubscriberPath
) -> Response:
    return _erase_page(request, session, subscriber, now, [])


@router.post("/subscribers/{subscriber_id:int}/erase")
def erase(request: Request, session: SessionDep, actor: Writer, now: NowDep, subscriber: SubscriberPath,
          values: ConfirmValues) -> Response:  # fmt: skip
    def act() -> Any:
        _confirmed(values)
        return service.erase_subscriber(session, actor=actor, now=now, subscriber_id=subscriber.id)

    return submit(
        session, CONFIRM_FORM, action=act,
        on_error=lambda errors, status: _erase_page(request, session, subscriber, now, errors, status),
        success=lambda _: redirect(request, f"/subscribers/{subscriber.id}#leaving", "Subscriber erased."),
    )  # fmt: skip


def _erase_line_page(request: Request, session: Session, subscriber: Subscriber, line: Line, now: Any,
                     errors: list[FormError], status_code: int = 200) -> Response:  # fmt: skip
    zone = request.app.state.settings.zone
    kept = registry.kept_of(session, subscriber_id=subscriber.id, line_ids=[line.id], now=now)
    refusals = rules.erasure_refusals(left_at=line.left_at, erased_at=line.erased_at, kept=kept, zone=zone)
    context = {"subscriber": subscriber, "line": line, "refusals": refusals, "errors": errors}
    return render(request, "leaving/erase_line.html", context, status_code=status_code)


@router.get("/subscribers/{subscriber_id:int}/lines/{line_id:int}/erase")
def erase_line_page(request: Request, session: SessionDep, _actor: Writer, now: NowDep, subscriber: SubscriberPath,
                    line: OwnedLinePath) -> Response:  # fmt: skip
    return _erase_line_page(request, session, subscriber, line, now, [])


@router.post("/subscribers/{subscriber_id:int}/lines/{line_id:int}/erase")
def erase_line(request: Request, session: SessionDep, actor: Writer, now: NowDep, subscriber: SubscriberPath,
               line: OwnedLinePath, values: ConfirmValues) -> Response:  # fmt: skip
    def act() -> Any:
        _confirmed(values)
        return service.erase_line(session, actor=actor, now=now, line_id=line.id)

    return submit(
        session, CONFIRM_FORM, action=act,
        on_error=lambda errors, status: _erase_line_page(request, session, subscriber, line, now, errors, status),
        success=lambda _: redirect(request, f"/subscribers/{subscriber.id}#leaving", "Line erased."),
    )  # fmt: skip
