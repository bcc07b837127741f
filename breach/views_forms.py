"""Recording a breach and correcting it: one form with every field of the ICO notification.

The service validates and audits; these routes only read the form (breach.forms), call it, commit and
redirect. On any problem the form comes back (422) with the summary at the top, each reason next to its
field, and everything the person typed or ticked kept.
"""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import Depends, Request
from fastapi.responses import Response

from breach import forms, rules, service
from breach.models import Breach, BreachCreate, BreachUpdate
from provider.db.session import SessionDep
from provider.errors import FieldError, Invalid
from provider.security.actor import Actor
from provider.security.roles import Permission
from provider.web.csrf import html_router
from provider.web.deps import NowDep, SettingsDep, page_permission
from provider.web.params import IdPath
from provider.web.rendering import redirect, render

router = html_router(prefix="/breaches")
Writer = Annotated[Actor, page_permission(Permission.breach_write)]
RawForm = Annotated[dict[str, Any], Depends(forms.read_form)]


def _blank_form() -> dict[str, Any]:
    raw: dict[str, Any] = {name: "" for name in forms.TEXT_FIELDS + forms.DATETIME_FIELDS}
    raw.update({name: False for name in forms.FLAG_FIELDS})
    raw.update({forms.NUMBER_FIELD: "", "status": "", "data_categories": [], "circumstance": ""})
    return raw


def _form_page(
    request: Request,
    raw: dict[str, Any],
    errors: list[FieldError],
    *,
    breach: Breach | None = None,
    status_code: int = 200,
) -> Response:
    return render(
        request,
        "breach/form.html",
        {
            "values": raw,
            "errors": forms.pairs(errors),
            "breach": breach,
            "labels": forms.FIELD_LABELS,
            "circumstances": forms.CIRCUMSTANCE_WORDS,
            "categories": forms.CATEGORY_WORDS,
            "statuses": forms.STATUS_WORDS,
            "gap_hours": rules.AWARENESS_GAP_HOURS,
            "action": f"/breaches/{breach.id}/edit" if breach else "/breaches/new",
        },
        status_code=status_code,
    )


@router.get("/new")
def new_breach_page(request: Request, _actor: Writer) -> Response:
    """The empty form."""
    return _form_page(request, _blank_form(), [])


@router.post("/new")
def new_breach_submit(
    request: Request,
    session: SessionDep,
    now: NowDep,
    settings: SettingsDep,
    actor: Writer,
    raw: RawForm,
) -> Response:
    """Record the breach and its deadlines, or show the form again with every problem."""
    data, errors = forms.convert(raw, settings.zone)
    model, errors = forms.validate(BreachCreate, data, errors, now)
    if errors:
        return _form_page(request, raw, errors, status_code=422)
    try:
        breach = service.create_breach(
            session, actor=actor, now=now, data=model, log_due_day=settings.breach_log_due_day
        )
    except Invalid as error:
        session.rollback()
        return _form_page(request, raw, error.errors, status_code=422)
    session.commit()
    return redirect(
        request, f"/breaches/{breach.id}", f"Breach {breach.reference} recorded. Its deadlines are shown below."
    )


@router.get("/{breach_id}/edit")
def edit_breach_page(
    request: Request,
    breach_id: IdPath,
    session: SessionDep,
    settings: SettingsDep,
    _actor: Writer,
) -> Response:
    """The form pre-filled with the stored facts."""
    breach = service.get_breach(session, breach_id=breach_id)
    return _form_page(request, forms.raw_from_breach(breach, settings.zone), [], breach=breach)


@router.post("/{breach_id}/edit")
def edit_breach_submit(
    request: Request,
    breach_id: IdPath,
    session: SessionDep,
    now: NowDep,
    settings: SettingsDep,
    actor: Writer,
    raw: RawForm,
) -> Response:
    """Apply the corrections (audited by the service), or show the form again with every problem."""
    breach = service.get_breach(session, breach_id=breach_id)
    current = forms.raw_from_breach(breach, settings.zone)
    data, errors = forms.convert(raw, settings.zone, with_status=True)
    model, errors = forms.validate(BreachUpdate, forms.changed_only(data, raw, current), errors, now)
    if errors:
        return _form_page(request, raw, errors, breach=breach, status_code=422)
    try:
        service.update_breach(
            session, actor=actor, now=now, breach_id=breach.id, data=model, log_due_day=settings.breach_log_due_day
        )
    except Invalid as error:
        session.rollback()
        return _form_page(request, raw, error.errors, breach=breach, status_code=422)
    session.commit()
    return redirect(request, f"/breaches/{breach.id}", f"Breach {breach.reference} updated.")
