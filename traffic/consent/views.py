"""The consent page of a subscriber (serve a notice, capture and withdraw a consent through an assisted
channel, switch location privacy on, see the history) and its panel on the subscriber page.

Thin routes: each form is read on the core form layer into the API's schema and handed to the same
service functions the API calls; `submit` commits and redirects, or shows the page again.
"""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Annotated, Any

from fastapi import Depends, Request
from fastapi.responses import Response
from sqlmodel import Session

from provider.db.session import SessionDep
from provider.errors import DomainError, NotFound
from provider.security.actor import Actor
from provider.security.roles import Permission
from provider.subscribers import service as subscribers
from provider.subscribers.models import Subscriber
from provider.subscribers.panels import SubscriberPanel
from provider.subscribers.paths import SubscriberPath
from provider.subscribers.phone import display as display_number
from provider.web.csrf import html_router
from provider.web.deps import NowDep, page_permission
from provider.web.forms import FormError, PageForm, Values, submit
from provider.web.params import IdPath
from provider.web.rendering import redirect, render
from provider.wording.models import PersonKind, ServedChannel
from traffic.consent import notices, presenters, register, rules, service, switches
from traffic.consent.forms import CONSENT_FORM, NOTICE_FORM, SWITCH_FORM, WITHDRAW_FORM
from traffic.consent.models import (
    ConsentAction,
    ConsentCreate,
    ConsentPurpose,
    DataKind,
    NoticeKind,
    WithdrawalCreate,
)

router = html_router()
Reader = Annotated[Actor, page_permission(Permission.traffic_read)]
Writer = Annotated[Actor, page_permission(Permission.traffic_write)]


def _people(session: Session, subscriber: Subscriber) -> list[tuple[str, str]]:
    """(value, label) of the subscriber and every named user of its lines."""
    people = [(f"subscriber:{subscriber.id}", f"{subscriber.name} (the subscriber)")]
    lines = subscribers.lines_of(session, subscriber.id)
    for line in lines:
        for user in subscribers.users_of(session, line.id):
            people.append((f"line_user:{user.id}", f"{user.name} (user of {display_number(line.number)})"))
    return people


def _user_id(value: str) -> int | None:
    kind, _, number = value.partition(":")
    return int(number) if kind == PersonKind.line_user and number.isdigit() else None


def _consent_choices(session: Session) -> list[tuple[str, str]]:
    choices = [("traffic:marketing:", "Traffic data for marketing")]
    for found in register.services(session):
        choices.append((f"traffic:vas:{found.name}", f"Traffic data for {found.name}"))
        choices.append((f"location:vas:{found.name}", f"Location data for {found.name}"))
    return choices


def _notice_choices(session: Session) -> list[tuple[str, str]]:
    choices = [
        (f"{kind.value}:", presenters.NOTICE_LABELS[kind]) for kind in (NoticeKind.billing, NoticeKind.marketing)
    ]
    for found in register.services(session):
        choices.append((f"vas:{found.name}", f"Service notice: {found.name}"))
        choices.append((f"location:{found.name}", f"Location notice: {found.name}"))
    return choices


def _rows(session: Session, subscriber: Subscriber, now: datetime) -> dict[str, Any]:
    people = dict(_people(session, subscriber))
    current = service.public(session, service.current(session, subscriber.id))
    lines = subscribers.lines_of(session, subscriber.id)
    numbers = {line.id: display_number(line.number) for line in lines}
    switch_rows = [
        {
            "switch": switch,
            "number": numbers[switch.line_id],
            "active": rules.switch_active(
                starts_at=switch.starts_at, ends_at=switch.ends_at, ended_at=switch.ended_at, now=now
            ),
        }
        for switch in switches.of_lines(session, numbers)
    ]
    person_list = [_person_of_key(session, subscriber, value) for value in people]
    return {
        "people": people,
        "current": current,
        "given": [c for c in current if c.action is ConsentAction.given],
        "history": service.public(session, service.history(session, subscriber.id)),
        "lines": [(str(line.id), numbers[line.id]) for line in lines],
        "switches": switch_rows,
        "served": notices.served_to(session, [p for p in person_list if p is not None]),
        "partners": register.partners(session),
        "services": register.services(session),
    }


def _person_of_key(session: Session, subscriber: Subscriber, value: str):
    try:
        return service.person_of(session, subscriber, _user_id(value))
    except DomainError:  # a user removed meanwhile: nothing to list for them
        return None


def _page(
    request: Request,
    session: Session,
    subscriber: Subscriber,
    now: datetime,
    *,
    errors: list[FormError] | None = None,
    values: Values | None = None,
    status_code: int = 200,
) -> Response:
    context = {
        "subscriber": subscriber,
        "errors": errors or [],
        "values": values or {},
        "person_choices": _people(session, subscriber),
        "consent_choices": _consent_choices(session),
        "notice_choices": _notice_choices(session),
        "channel_choices": list(presenters.CHANNEL_LABELS.items()),
        "method_choices": [(m.value, label) for m, label in presenters.METHOD_LABELS.items()],
        "labels": presenters,
        "now": now,
        "can_write": request.state.actor.can(Permission.traffic_write),
        **_rows(session, subscriber, now),
    }
    return render(request, "traffic_consent/consent.html", context, status_code=status_code)


@router.get("/subscribers/{subscriber_id:int}/consent")
def consent_page(request: Request, session: SessionDep, _actor: Reader, subscriber: SubscriberPath, now: NowDep):
    """The subscriber's consents, their history, the notices served and the privacy switch."""
    return _page(request, session, subscriber, now)


def _submit(
    request: Request, session: Session, subscriber: Subscriber, now: datetime, form: PageForm, values, action, done: str
):
    return submit(
        session,
        form,
        action=action,
        on_error=lambda errors, status: _page(
            request, session, subscriber, now, errors=errors, values=values, status_code=status
        ),
        success=lambda _: redirect(request, f"/subscribers/{subscriber.id}/consent", done),
    )


NoticeValues = Annotated[Values, Depends(NOTICE_FORM.submitted)]
ConsentValues = Annotated[Values, Depends(CONSENT_FORM.submitted)]
WithdrawValues = Annotated[Values, Depends(WITHDRAW_FORM.submitted)]
SwitchValues = Annotated[Values, Depends(SWITCH_FORM.submitted)]


@router.post("/subscribers/{subscriber_id:int}/consent/notices")
def serve_notice(
    request: Request, session: SessionDep, actor: Writer, subscriber: SubscriberPath, now: NowDep, values: NoticeValues
):
    def serve() -> None:
        reading = NOTICE_FORM.read(values)
        kind, _, name = reading.text("notice").partition(":")
        if kind not in set(NoticeKind):
            reading.fail("notice", "Choose the notice from the list")
        if reading.text("channel") not in set(ServedChannel):
            reading.fail("channel", "Choose how the notice was given")
        reading.done()
        person = service.person_of(session, subscriber, _user_id(reading.text("person")))
        found = service.service_named(session, name)
        notices.serve(
            session,
            actor=actor,
            now=now,
            person=person,
            notice=NoticeKind(kind),
            service=found,
            channel=ServedChannel(reading.text("channel")),
        )

    return _submit(request, session, subscriber, now, NOTICE_FORM, values, serve, "Recorded the notice as served.")


@router.post("/subscribers/{subscriber_id:int}/consent/consents")
def capture_consent(
    request: Request, session: SessionDep, actor: Writer, subscriber: SubscriberPath, now: NowDep, values: ConsentValues
):
    def capture() -> None:
        reading = CONSENT_FORM.read(values)
        data_kind, _, rest = reading.text("consent").partition(":")
        purpose, _, name = rest.partition(":")
        if data_kind not in set(DataKind) or purpose not in set(ConsentPurpose):
            reading.fail("consent", "Choose what the consent is to from the list")
        reading.done()
        notice = rules.notice_for(DataKind(data_kind), ConsentPurpose(purpose))
        latest = notices.latest(session, notice, service.service_named(session, name) if name else None)
        wanted = {
            "user_id": _user_id(reading.text("person")),
            "data_kind": data_kind,
            "purpose": purpose,
            "service_name": name,
            "version_id": latest.id if latest else 0,
            **{
                field: reading.text(field)
                for field in (
                    "method",
                    "agent_name",
                    "script_version",
                    "evidence_reference",
                    "representative_name",
                    "representative_role",
                )
            },
        }
        if latest is None:
            reading.fail("consent", "No notice wording is saved for this consent yet")
        data = reading.schema(ConsentCreate, wanted)
        reading.done()
        service.capture(session, actor=actor, now=now, subscriber=subscriber, data=data)

    return _submit(request, session, subscriber, now, CONSENT_FORM, values, capture, "Recorded the consent.")


@router.post("/subscribers/{subscriber_id:int}/consent/withdrawals")
def withdraw_consent(
    request: Request,
    session: SessionDep,
    actor: Writer,
    subscriber: SubscriberPath,
    now: NowDep,
    values: WithdrawValues,
):
    def withdraw() -> None:
        reading = WITHDRAW_FORM.read(values)
        key = presenters.parse_consent_key(reading.text("withdraw"))
        if key is None:
            reading.fail("withdraw", "Choose the consent to withdraw")
        reading.done()
        person_kind, person_id, data_kind, purpose, name = key
        wanted = {
            "user_id": person_id if person_kind == PersonKind.line_user else None,
            "data_kind": data_kind,
            "purpose": purpose,
            "service_name": name,
            "method": reading.text("withdraw_method"),
            "agent_name": reading.text("withdraw_agent"),
        }
        data = reading.schema(WithdrawalCreate, wanted)
        reading.done()
        service.withdraw(session, actor=actor, now=now, subscriber=subscriber, data=data)

    return _submit(
        request, session, subscriber, now, WITHDRAW_FORM, values, withdraw, "Withdrew the consent: it no longer counts."
    )


@router.post("/subscribers/{subscriber_id:int}/consent/privacy-switches")
def switch_on(
    request: Request, session: SessionDep, actor: Writer, subscriber: SubscriberPath, now: NowDep, values: SwitchValues
):
    def switch() -> None:
        reading = SWITCH_FORM.read(values)
        owned = {line.id: line for line in subscribers.lines_of(session, subscriber.id)}
        line_text, hours = reading.text("line_id"), reading.text("hours").strip()
        if not line_text.isdigit() or int(line_text) not in owned:
            reading.fail("line_id", "Choose one of the subscriber's lines")
        if not hours.isdigit() or not 1 <= int(hours) <= 720:
            reading.fail("hours", "For how many hours must be a whole number from 1 to 720")
        reading.done()
        switches.switch_on(
            session,
            actor=actor,
            now=now,
            line=owned[int(line_text)],
            starts_at=now,
            ends_at=now + timedelta(hours=int(hours)),
        )

    return _submit(
        request, session, subscriber, now, SWITCH_FORM, values, switch, "Location privacy is on for that line."
    )


@router.post("/subscribers/{subscriber_id:int}/consent/privacy-switches/{switch_id:int}/off")
def switch_off(
    request: Request, session: SessionDep, actor: Writer, subscriber: SubscriberPath, switch_id: IdPath, now: NowDep
):
    def off() -> None:
        for line in subscribers.lines_of(session, subscriber.id):
            if any(s.id == switch_id for s in switches.of_lines(session, [line.id])):
                switches.switch_off(session, actor=actor, now=now, switch_id=switch_id, line=line)
                return
        raise NotFound(f"privacy switch {switch_id} is not this subscriber's")

    return _submit(request, session, subscriber, now, SWITCH_FORM, {}, off, "Location privacy is off again.")


def build_panel(*, session: Session, subscriber: Subscriber, **_: Any) -> dict[str, Any]:
    """The box on the subscriber page: current consents and a link to the consent page."""
    current = service.public(session, service.current(session, subscriber.id))
    return {
        "subscriber": subscriber,
        "given": [c for c in current if c.action is ConsentAction.given],
        "labels": presenters,
    }


PANEL = SubscriberPanel(
    "Traffic and location consent", "traffic_consent/panel.html", build_panel, Permission.traffic_read
)
