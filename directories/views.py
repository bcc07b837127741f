"""The directory pages: a line's choice and requests (linked from the subscriber page's panel), and the
staff look-up page (directory enquiries and reverse search)."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import Depends, Request
from fastapi.responses import Response

from directories import lookups, notices, presenters, requests, rules, service
from directories.forms import CHOICE_FORM, LOOKUP_FORM, NOTICE_FORM, POSTED_FORM, REQUEST_FORM
from directories.models import ChoiceUpdate, NoticeParts, RequestCreate
from provider.db.session import SessionDep
from provider.errors import NotFound
from provider.security.actor import Actor
from provider.security.roles import Permission
from provider.subscribers.models import Line
from provider.subscribers.panels import SubscriberPanel
from provider.subscribers.paths import OwnedLinePath
from provider.subscribers.phone import display as display_number
from provider.text import find_forbidden
from provider.web.csrf import html_router
from provider.web.deps import NowDep, SettingsDep, page_permission
from provider.web.forms import FormError, Values, submit
from provider.web.rendering import redirect, render
from provider.wording.models import ServedChannel

router = html_router()
Reader = Annotated[Actor, page_permission(Permission.directories_read)]
Writer = Annotated[Actor, page_permission(Permission.directories_write)]
ChoiceValues = Annotated[Values, Depends(CHOICE_FORM.submitted)]
RequestValues = Annotated[Values, Depends(REQUEST_FORM.submitted)]
LookupValues = Annotated[Values, Depends(LOOKUP_FORM.query)]
NoticeValues = Annotated[Values, Depends(NOTICE_FORM.submitted)]
PostedValues = Annotated[Values, Depends(POSTED_FORM.submitted)]
CHANNELS = [(channel.value, channel.value.replace("_", " ")) for channel in ServedChannel]


def build_panel(*, session: Any, lines: list[Line], now: Any, settings: Any, **_: Any) -> dict[str, Any]:
    """Each line's directory state on the subscriber page."""
    wait = settings.directory_notice_wait_days
    return {
        "lines": [service.choice_public(session, line=line, now=now, wait_days=wait) for line in lines],
        "display_number": display_number,
        "listing_labels": presenters.LISTING_LABELS,
    }


PANEL = SubscriberPanel("Directory", "directories/panel.html", build_panel, Permission.directories_read)


def _line_page(
    request: Request,
    session: SessionDep,
    actor: Actor,
    line: Line,
    now: Any,
    wait_days: int,
    *,
    errors: list[FormError] | None = None,
    values: dict[str, Any] | None = None,
    status_code: int = 200,
) -> Response:
    public = service.choice_public(session, line=line, now=now, wait_days=wait_days)
    notice = service.current_notice(session)
    shown = values or {
        "listing": public.listing.value,
        "name_form": public.name_form.value,
        "address_detail": public.address_detail.value,
        # The effective choice (or the rule's default for the subscriber kind): a corporate subscriber
        # with nothing recorded is reverse-searchable, so saving the form for another reason must not
        # opt it out; an individual's box stays unticked until they expressly consent.
        "reverse_search": "yes" if public.reverse_search else "",
        "channel": ServedChannel.telephone.value,
        "kind": "withdraw",
    }
    context = {
        "line": line,
        "choice": public,
        "notice": notice,
        "requests": requests.list_requests(session, line.id),
        "errors": errors or [],
        "values": shown,
        "listings": presenters.LISTING_LABELS.items(),
        "name_forms": presenters.options(presenters.NAME_FORM_LABELS),
        "address_details": presenters.options(presenters.ADDRESS_LABELS),
        "request_kinds": presenters.options(presenters.REQUEST_LABELS),
        "channels": CHANNELS,
        "display_number": display_number,
        "can_write": actor.can(Permission.directories_write),
    }
    return render(request, "directories/line.html", context, status_code=status_code)


@router.get("/subscribers/{subscriber_id:int}/lines/{line_id:int}/directory")
def line_page(
    request: Request, actor: Reader, session: SessionDep, settings: SettingsDep, now: NowDep, line: OwnedLinePath
) -> Response:
    return _line_page(request, session, actor, line, now, settings.directory_notice_wait_days)


@router.post("/subscribers/{subscriber_id:int}/lines/{line_id:int}/directory")
def record_choice(
    request: Request,
    actor: Writer,
    session: SessionDep,
    settings: SettingsDep,
    now: NowDep,
    line: OwnedLinePath,
    values: ChoiceValues,
) -> Response:
    """The choice form: recorded under the notice version the page showed."""

    def record() -> None:
        reading = CHOICE_FORM.read(values)
        wanted = {name: reading.text(name) for name in ("listing", "name_form", "address_detail", "channel")}
        wanted["reverse_search"] = reading.flag("reverse_search")
        wanted["notice_version_id"] = reading.text("notice_version_id") or None
        form = reading.schema(ChoiceUpdate, wanted)
        reading.done()
        service.record_choice(session, actor=actor, now=now, line=line, data=form)

    back = f"/subscribers/{line.subscriber_id}/lines/{line.id}/directory"
    return submit(
        session,
        CHOICE_FORM,
        action=record,
        on_error=lambda errors, status: _line_page(
            request,
            session,
            actor,
            line,
            now,
            settings.directory_notice_wait_days,
            errors=errors,
            values=values,
            status_code=status,
        ),
        success=lambda _: redirect(request, back, "Recorded the directory choice."),
    )


@router.post("/subscribers/{subscriber_id:int}/lines/{line_id:int}/directory/requests")
def record_request(
    request: Request,
    actor: Writer,
    session: SessionDep,
    settings: SettingsDep,
    now: NowDep,
    line: OwnedLinePath,
    values: RequestValues,
) -> Response:
    """A verify, correct or withdraw request: applied at once."""

    def record() -> None:
        reading = REQUEST_FORM.read(values)
        wanted = {
            "kind": reading.text("kind"),
            "channel": reading.text("channel"),
            "received_at": reading.datetime("received_at", settings.zone) or now,
            "note": reading.text("note"),
            **{name: reading.text(name).strip() or None for name in service.ENTRY_FIELDS},
        }
        form = reading.schema(RequestCreate, wanted)
        reading.done()
        requests.record_request(session, actor=actor, now=now, line=line, data=form)

    back = f"/subscribers/{line.subscriber_id}/lines/{line.id}/directory"
    return submit(
        session,
        REQUEST_FORM,
        action=record,
        on_error=lambda errors, status: _line_page(
            request,
            session,
            actor,
            line,
            now,
            settings.directory_notice_wait_days,
            errors=errors,
            values=values,
            status_code=status,
        ),
        success=lambda _: redirect(request, back, "Recorded the request; look-ups show it now."),
    )


@router.get("/directory")
def lookup_page(
    request: Request, _actor: Reader, session: SessionDep, settings: SettingsDep, now: NowDep, values: LookupValues
) -> Response:
    """Directory enquiries by name and town, and reverse search by number, as callers would get them."""
    cutoff = rules.informed_cutoff(now, settings.directory_notice_wait_days)
    reading = LOOKUP_FORM.read(values)
    for field in ("name", "locality", "number"):
        problem = find_forbidden(reading.text(field))
        if problem:
            reading.fail(field, f"{LOOKUP_FORM.label(field)} {problem}")
            values[field] = ""
    name, locality, number = reading.text("name").strip(), reading.text("locality").strip(), reading.text("number")
    results = lookups.search(session, cutoff=cutoff, name=name, locality=locality) if name else None
    reverse, reverse_message = None, ""
    if number.strip():
        try:
            reverse = lookups.reverse(session, cutoff=cutoff, number=number)
        except NotFound as error:
            reverse_message = error.detail
    context = {
        "values": values,
        "errors": reading.errors,
        "results": results,
        "reverse": reverse,
        "reverse_message": reverse_message,
        "listing_labels": presenters.LISTING_LABELS,
        "display_number": display_number,
        "notice": service.current_notice(session),
    }
    return render(request, "directories/lookup.html", context)


def _notice_page(
    request: Request,
    session: SessionDep,
    actor: Actor,
    *,
    errors: list[FormError] | None = None,
    values: dict[str, Any] | None = None,
    status_code: int = 200,
) -> Response:
    current = service.current_notice(session)
    context = {
        "notice": current,
        "labels": NOTICE_FORM.labels,
        "values": values or (dict(current.parts) if current else {}),
        "errors": errors or [],
        "can_write": actor.can(Permission.directories_write),
        "waiting_for_post": notices.waiting_for_post(session),
    }
    return render(request, "directories/notice.html", context, status_code=status_code)


@router.get("/directory/notice")
def notice_page(request: Request, actor: Reader, session: SessionDep) -> Response:
    """The directory information notice: its current version, and its wording to edit."""
    return _notice_page(request, session, actor)


@router.post("/directory/notice")
def save_notice(request: Request, actor: Writer, session: SessionDep, now: NowDep, values: NoticeValues) -> Response:
    """Saving edits a draft in place; once served, saving makes the next version."""

    def action() -> Any:
        reading = NOTICE_FORM.read(values)
        form = reading.schema(NoticeParts, {name: reading.text(name).strip() for name in NOTICE_FORM.labels})
        reading.done()
        return service.save_notice(session, actor=actor, now=now, parts=form)

    return submit(
        session,
        NOTICE_FORM,
        action=action,
        on_error=lambda errors, status: _notice_page(
            request, session, actor, errors=errors, values=values, status_code=status
        ),
        success=lambda version: redirect(request, "/directory/notice", f"Saved version {version.version}."),
    )


@router.post("/directory/notice/letters-posted")
def record_letters_posted(
    request: Request, actor: Writer, session: SessionDep, now: NowDep, values: PostedValues
) -> Response:
    """Staff confirm a batch's letters went in the post: they serve from now, starting the opt-out period."""

    def action() -> int:
        reading = POSTED_FORM.read(values)
        text = reading.text("batch_id").strip()
        if not (text.isascii() and text.isdigit() and 0 < len(text) <= 18):
            reading.fail("batch_id", "Choose the batch whose letters were posted")
        reading.done()
        return notices.record_posted(session, actor=actor, now=now, batch_id=int(text))

    return submit(
        session,
        POSTED_FORM,
        action=action,
        on_error=lambda errors, status: _notice_page(request, session, actor, errors=errors, status_code=status),
        success=lambda posted: redirect(request, "/directory/notice", f"Recorded {posted} letters as posted."),
    )
