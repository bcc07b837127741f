"""The media notice's pages (611/2013 Art 3(7)): its own public wording (versions, a form prefilled with
the saved wording or the proposal), creating a notice from it and downloading it. Thin, like views.py."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import Depends, Request
from fastapi.responses import Response
from sqlmodel import Session

from breach.models import Breach
from breach.notices import marketing, media, service, views
from breach.notices.forms import MEDIA_WORDING_FORM
from breach.paths import BreachPath
from provider.db.session import SessionDep
from provider.errors import NotFound
from provider.web.csrf import html_router
from provider.web.deps import NowDep
from provider.web.forms import FormError, Values, submit
from provider.web.rendering import redirect, render

router = html_router()
BASE = views.BASE
MediaValues = Annotated[Values, Depends(MEDIA_WORDING_FORM.submitted)]


def _media_wording_page(
    request: Request,
    session: Session,
    breach: Breach,
    values: dict[str, Any],
    errors: list[FormError],
    status_code: int = 200,
) -> Response:
    context = {
        "breach": breach,
        "values": values,
        "errors": errors,
        "fields": list(MEDIA_WORDING_FORM.labels.items()),
        "versions": media.versions(session, breach.id),
        "marketing_terms": marketing.SUMMARY,
    }
    return render(request, "breach_notices/media_wording.html", context, status_code=status_code)


@router.get(BASE + "/media-wording")
def media_wording_page(request: Request, session: SessionDep, _actor: views.Reader, breach: BreachPath) -> Response:
    return _media_wording_page(request, session, breach, media.proposed(session, breach.id).model_dump(), [])


@router.post(BASE + "/media-wording")
def media_wording_submit(
    request: Request, session: SessionDep, now: NowDep, actor: views.Writer, breach: BreachPath, values: MediaValues
) -> Response:
    def save() -> Any:
        wording = {name: values.get(name, "") for name in media.MEDIA_FIELDS}
        data = MEDIA_WORDING_FORM.parse(media.MediaWordingInput, wording)
        return media.save(session, actor=actor, now=now, breach_id=breach.id, data=data)

    return submit(
        session,
        MEDIA_WORDING_FORM,
        action=save,
        on_error=lambda errors, status: _media_wording_page(request, session, breach, values, errors, status),
        success=lambda wording: redirect(
            request, views.base(breach) + "/media-wording", f"Public wording saved as version {wording.version}."
        ),
    )


@router.post(BASE + "/media")
def media_submit(
    request: Request, session: SessionDep, now: NowDep, actor: views.Writer, breach: BreachPath
) -> Response:
    return views.act(
        request,
        session,
        breach,
        lambda: media.create_media_notice(session, actor=actor, now=now, breach_id=breach.id),
        lambda _: redirect(request, views.base(breach), "Media notice created."),
    )


@router.get(BASE + "/media.pdf")
def media_pdf(session: SessionDep, _actor: views.Reader, breach: BreachPath) -> Response:
    media = service.latest_media_notice(session, breach.id)
    if media is None:
        raise NotFound("no media notice has been created for this breach")
    return Response(
        media.pdf_bytes,
        media_type="application/pdf",
        headers={"Content-Disposition": f'attachment; filename="media-notice-{breach.id}.pdf"'},
    )
