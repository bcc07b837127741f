"""The security-risk notice pages: the list, composing a notice, sending it, its recipients."""

from __future__ import annotations

import re
from typing import Annotated, Any

from fastapi import BackgroundTasks, Depends, Request
from fastapi.responses import Response, StreamingResponse

from provider.clock import london
from provider.db.session import SessionDep
from provider.security.actor import Actor
from provider.security.roles import Permission
from provider.security_risks import archive, posting, service
from provider.security_risks.api import NoticePath
from provider.security_risks.forms import NOTICE_FORM, POSTED_FORM
from provider.security_risks.models import Audience, NoticeCreate, NoticeStatus
from provider.subscribers.models import LineService
from provider.web.csrf import html_router
from provider.web.dates import date_values
from provider.web.deps import ClockDep, NowDep, SettingsDep, page_permission
from provider.web.forms import FormError, Values, submit
from provider.web.rendering import redirect, render

router = html_router()
Reader = Annotated[Actor, page_permission(Permission.risks_read)]
Writer = Annotated[Actor, page_permission(Permission.risks_write)]
NoticeValues = Annotated[Values, Depends(NOTICE_FORM.submitted)]
PostedValues = Annotated[Values, Depends(POSTED_FORM.submitted)]
AUDIENCES = [
    ("all", "Every subscriber"),
    ("service", "Subscribers with a line of these services"),
    ("listed", "These subscribers"),
]


@router.get("/security-risks")
def list_page(request: Request, actor: Reader, session: SessionDep) -> Response:
    notices = [service.public(session, notice) for notice in service.list_notices(session)]
    return render(
        request, "security_risks/list.html", {"notices": notices, "can_write": actor.can(Permission.risks_write)}
    )


def _new_page(request: Request, values: dict[str, Any], errors: list[FormError], status_code: int = 200) -> Response:
    context = {
        "values": values,
        "errors": errors,
        "audiences": AUDIENCES,
        "services": [(service.value, service.value) for service in LineService],
    }
    return render(request, "security_risks/new.html", context, status_code=status_code)


@router.get("/security-risks/new")
def new_page(request: Request, _actor: Writer) -> Response:
    return _new_page(request, {"audience": "all", "services": []}, [])


def _ids(text: str) -> list[str]:
    return [part for part in re.split(r"[\s,]+", text) if part]


@router.post("/security-risks/new")
def create_notice(request: Request, actor: Writer, session: SessionDep, now: NowDep, values: NoticeValues) -> Response:
    created: list[int] = []

    def create() -> None:
        reading = NOTICE_FORM.read(values)
        wanted = {name: reading.text(name) for name in ("title", "nature_of_risk", "what_you_can_do", "likely_cost")}
        wanted |= {
            "audience": reading.text("audience") or Audience.all.value,
            "services": reading.texts("services"),
            "subscriber_ids": _ids(reading.text("subscriber_ids")),
        }
        data = reading.schema(NoticeCreate, wanted)
        reading.done()
        created.append(service.create(session, actor=actor, now=now, data=data).id)

    return submit(
        session,
        NOTICE_FORM,
        action=create,
        on_error=lambda errors, status: _new_page(request, values, errors, status),
        success=lambda _: redirect(
            request, f"/security-risks/{created[0]}", "Saved the notice. Check it, then send it."
        ),
    )


@router.get("/security-risks/{notice_id:int}")
def detail_page(
    request: Request, actor: Reader, session: SessionDep, settings: SettingsDep, notice: NoticePath
) -> Response:
    context = {
        "notice": service.public(session, notice),
        "parts": service.parts_of(session, notice),
        "can_write": actor.can(Permission.risks_write),
        "mail_configured": settings.smtp_configured,
        "draft": notice.status is NoticeStatus.draft,
    }
    return render(request, "security_risks/detail.html", context)


@router.post("/security-risks/{notice_id:int}/send")
def send_notice(
    request: Request,
    background: BackgroundTasks,
    actor: Writer,
    session: SessionDep,
    settings: SettingsDep,
    now: NowDep,
    clock: ClockDep,
    notice: NoticePath,
) -> Response:
    """Fix the recipients and leave the letters and e-mails to a background task; this page shows progress."""
    service.start(session, actor=actor, now=now, notice=notice)
    notice_id, waiting = notice.id, service.public(session, notice).recipients
    session.commit()  # and no new transaction after it: the background batches need the write lock
    background.add_task(
        service.send,
        request.app.state.engine,
        actor=actor,
        now=now,
        settings=settings,
        notice_id=notice_id,
        clock=clock,
    )
    return redirect(
        request,
        f"/security-risks/{notice.id}",
        f"Sending has started for {waiting} subscribers; this page shows the progress.",
    )


@router.get("/security-risks/{notice_id:int}/letters.zip")
def letters_page(
    request: Request, _actor: Reader, session: SessionDep, settings: SettingsDep, notice: NoticePath
) -> Response:
    """The letters to post (subscribers without an e-mail address, and e-mails that failed)."""
    session.commit()  # the stream reads on sessions of its own
    stream = archive.letters_zip(request.app.state.engine, notice.id, settings.zone, posting.TO_POST)
    headers = {"Content-Disposition": f'attachment; filename="security-risk-{notice.id}-letters.zip"'}
    return StreamingResponse(stream, media_type="application/zip", headers=headers)


def _posted_page(
    request: Request, session: SessionDep, notice: NoticePath, values: Values, errors: list[FormError], status: int
) -> Response:
    context = {"notice": service.public(session, notice), "waiting": posting.waiting(session, notice)}
    context |= {"values": values, "errors": errors}
    return render(request, "security_risks/posted.html", context, status_code=status)


@router.get("/security-risks/{notice_id:int}/letters-posted")
def posted_page(
    request: Request, _actor: Writer, session: SessionDep, settings: SettingsDep, now: NowDep, notice: NoticePath
) -> Response:
    """The confirmation step: how many letters are waiting, and the day they were posted (today)."""
    found = posting.waiting(session, notice)
    values = {"letters": str(found.letters), **date_values("posted_on", london(now, settings.zone).date())}
    return _posted_page(request, session, notice, values, [], 200)


@router.post("/security-risks/{notice_id:int}/letters-posted")
def record_posted(
    request: Request,
    actor: Writer,
    session: SessionDep,
    settings: SettingsDep,
    now: NowDep,
    notice: NoticePath,
    values: PostedValues,
) -> Response:
    """Record the letters confirmed as posted: served by post on that day (provider.security_risks.posting)."""

    def post() -> int:
        reading = POSTED_FORM.read(values)
        posted_on = reading.date("posted_on", required=True)
        expected = reading.text("letters").strip()
        if not expected.isdigit() or len(expected) > 18:
            reading.fail("letters", "Letters to post must be the number the page showed: open the page again")
        reading.done()
        return posting.record_posted(
            session,
            actor=actor,
            now=now,
            notice=notice,
            zone=settings.zone,
            posted_on=posted_on,
            expected=int(expected),
        )

    return submit(
        session,
        POSTED_FORM,
        action=post,
        on_error=lambda errors, status: _posted_page(request, session, notice, values, errors, status),
        success=lambda posted: redirect(
            request, f"/security-risks/{notice.id}", f"{posted} letters recorded as posted: each is served now."
        ),
    )
