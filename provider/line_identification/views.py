"""Line identification pages: the overview (numbering imports, open requests, a decision tried by hand),
a line's CLI settings form with its history, the subscriber-page panel, and the public page (reg 12).

Thin routes over the service; the public page `/caller-id` needs no sign-in and is made from the settings.
"""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Depends, Request
from fastapi.responses import Response
from sqlalchemy import select
from sqlmodel import Session

from provider.db.session import SessionDep
from provider.line_identification import forms, presenters, requests, service
from provider.line_identification.api import decision_out
from provider.line_identification.forms import DECIDE_FORM, SETTINGS_FORM
from provider.line_identification.models import CallIn, CliSettingsUpdate, LineCliSetting, NumberingImport
from provider.line_identification.requests_views import router as requests_router
from provider.security.actor import Actor
from provider.security.roles import Permission
from provider.subscribers.models import Line, Subscriber
from provider.subscribers.panels import SubscriberPanel
from provider.subscribers.paths import OwnedLinePath
from provider.web.csrf import html_router
from provider.web.deps import NowDep, SettingsDep, page_permission
from provider.web.forms import FormError, FormInvalid, Values, submit
from provider.web.rendering import redirect, render

pages = html_router()
public = APIRouter(include_in_schema=False)
Reader = Annotated[Actor, page_permission(Permission.lines_read)]
Writer = Annotated[Actor, page_permission(Permission.lines_write)]
SettingsValues = Annotated[Values, Depends(SETTINGS_FORM.submitted)]
DecideValues = Annotated[Values, Depends(DECIDE_FORM.query)]


def build_panel(*, session: Session, subscriber: Subscriber, lines: list[Line], **_: Any) -> dict[str, Any]:
    """The subscriber page's box: each line's CLI settings in words, and a link to change them."""
    ids = [line.id for line in lines]
    rows = {}
    if ids:
        found = session.execute(select(LineCliSetting).where(LineCliSetting.line_id.in_(ids))).scalars()
        rows = {row.line_id: row for row in found}
    return {
        "subscriber": subscriber,
        "lines": [{"line": line, "words": presenters.settings_words(rows.get(line.id))} for line in lines],
    }


PANEL = SubscriberPanel("Caller ID (CLI)", "line_identification/panel.html", build_panel, Permission.lines_read)


def _values_from(row: Any) -> dict[str, Any]:
    if row is None:
        return {"rejection_method": "network", "channel": "phone"}
    values = {name: getattr(row, name) for name in service.OPTION_FIELDS}
    values["rejection_method"] = row.rejection_method.value
    values.update(requested_by="", channel="phone")
    return values


def _line_page(
    request: Request,
    session: Session,
    line: Line,
    actor: Actor,
    values: dict[str, Any],
    errors: list[FormError],
    status_code: int = 200,
) -> Response:
    current = service.setting_of(session, line.id)
    return render(
        request,
        "line_identification/line.html",
        {
            "line": line,
            "subscriber": session.get(Subscriber, line.subscriber_id),
            "current": current,
            "words": presenters.settings_words(current),
            "history": service.history_of(session, line.id),
            "traces": requests.traces_of(session, [line.id]),
            "forwarding": requests.forwarding_of(session, [line.id]),
            "values": values,
            "errors": errors,
            "labels": SETTINGS_FORM.labels,
            "channels": forms.CHANNEL_OPTIONS,
            "channel_labels": presenters.CHANNEL_LABELS,
            "methods": forms.REJECTION_OPTIONS,
            "statuses": presenters.TRACE_STATUS_LABELS,
            "can_write": actor.can(Permission.lines_write),
        },
        status_code=status_code,
    )


@pages.get("/subscribers/{subscriber_id:int}/lines/{line_id:int}/cli")
def line_page(request: Request, session: SessionDep, actor: Reader, line: OwnedLinePath) -> Response:
    """The line's CLI settings, their history, its traces and call-forwarding requests."""
    return _line_page(request, session, line, actor, _values_from(service.setting_of(session, line.id)), [])


@pages.post("/subscribers/{subscriber_id:int}/lines/{line_id:int}/cli")
def line_submit(
    request: Request, session: SessionDep, now: NowDep, actor: Writer, line: OwnedLinePath, values: SettingsValues
) -> Response:
    """Record the subscriber's choice, who asked and how; the next decision applies it."""

    def record() -> Any:
        data = SETTINGS_FORM.parse(CliSettingsUpdate, forms.settings_input(values))
        return service.update_settings(session, actor=actor, now=now, line_id=line.id, data=data)

    return submit(
        session,
        SETTINGS_FORM,
        action=record,
        on_error=lambda errors, status: _line_page(request, session, line, actor, values, errors, status),
        success=lambda _: redirect(
            request,
            f"/subscribers/{line.subscriber_id}/lines/{line.id}/cli",
            f"Caller ID settings of {line.number} saved. They apply from the next call.",
        ),
    )


@pages.get("/line-identification")
def overview(
    request: Request, session: SessionDep, now: NowDep, settings: SettingsDep, _actor: Reader, values: DecideValues
) -> Response:
    """The numbering imports with their dates, open call-forwarding requests, and a call to try."""
    answer, errors = None, []
    if values.get("network_number") or values.get("dialled"):
        try:
            call = DECIDE_FORM.parse(CallIn, forms.decide_input(values))
            decisions = service.decide_calls(session, settings=settings, now=now, calls=[call], record=False)
            answer = decision_out(decisions[0])
        except FormInvalid as problem:
            errors = problem.errors
    imports = session.execute(select(NumberingImport).order_by(NumberingImport.id.desc()).limit(20)).scalars()
    return render(
        request,
        "line_identification/overview.html",
        {
            "imports": list(imports),
            "list_labels": presenters.LIST_LABELS,
            "forwarding": requests.open_forwarding(session),
            "now": now,
            "values": {"origin": "own_subscriber", "privacy": "allowed", **values},
            "errors": errors,
            "answer": answer,
            "origins": forms.ORIGIN_OPTIONS,
            "privacies": forms.PRIVACY_OPTIONS,
            "roaming_options": forms.ROAMING_OPTIONS,
            "roaming_setting": (presenters.ROAMING_SETTING_LABEL, presenters.roaming_setting_words(settings)),
        },
        status_code=422 if errors else 200,
    )


@public.get("/caller-id")
def public_page(request: Request, settings: SettingsDep) -> Response:
    """Reg 12: the CLI services we offer, how to use them and what they cost. Open to everyone."""
    context = {
        "services": presenters.public_services(settings),
        "roaming_carried": settings.cli_unverified_uk_mobile_roaming,
    }
    return render(request, "line_identification/public.html", context)


router = APIRouter(include_in_schema=False)
router.include_router(public)
router.include_router(requests_router)
router.include_router(pages)
