"""Recording a breach and correcting it: one form with every field of the ICO notification.

The service validates and audits; these routes read the form (breach.forms) and hand the use case to
`submit`, which commits and redirects, or shows the form again (422) with the summary at the top,
each reason next to its field, and everything the person typed or ticked kept.
"""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import Depends, Request
from fastapi.responses import Response

from breach import forms, presenters, rules, service
from breach.forms import BREACH_FORM
from breach.models import Breach
from breach.paths import BreachPath
from provider.db.session import SessionDep
from provider.security.actor import Actor
from provider.security.roles import Permission
from provider.web.csrf import html_router
from provider.web.deps import NowDep, SettingsDep, page_permission
from provider.web.forms import FormError, Values, submit
from provider.web.rendering import redirect, render

router = html_router(prefix="/breaches")
Writer = Annotated[Actor, page_permission(Permission.breach_write)]
BreachValues = Annotated[Values, Depends(BREACH_FORM.submitted)]


def _form_page(
    request: Request,
    values: dict[str, Any],
    errors: list[FormError],
    *,
    breach: Breach | None = None,
    status_code: int = 200,
) -> Response:
    return render(
        request,
        "breach/form.html",
        {
            "values": values,
            "errors": errors,
            "breach": breach,
            "labels": forms.FIELD_LABELS,
            "circumstances": presenters.CIRCUMSTANCE_LABELS,
            "categories": presenters.category_choices(),
            "statuses": presenters.STATUS_LABELS,
            "gap_hours": rules.AWARENESS_GAP_HOURS,
            "action": f"/breaches/{breach.id}/edit" if breach else "/breaches/new",
        },
        status_code=status_code,
    )


@router.get("/new")
def new_breach_page(request: Request, _actor: Writer) -> Response:
    """The empty form."""
    return _form_page(request, forms.blank_values(), [])


@router.post("/new")
def new_breach_submit(
    request: Request,
    session: SessionDep,
    now: NowDep,
    settings: SettingsDep,
    actor: Writer,
    values: BreachValues,
) -> Response:
    """Record the breach and its deadlines, or show the form again with every problem."""

    def record() -> Breach:
        data = forms.read_new_breach(values, settings.zone, now)
        return service.create_breach(session, actor=actor, now=now, data=data, log_due_day=settings.breach_log_due_day)

    return submit(
        session,
        BREACH_FORM,
        action=record,
        on_error=lambda errors, status: _form_page(request, values, errors, status_code=status),
        success=lambda breach: redirect(
            request, f"/breaches/{breach.id}", f"Breach {breach.reference} recorded. Its deadlines are shown below."
        ),
    )


@router.get("/{breach_id:int}/edit")
def edit_breach_page(request: Request, settings: SettingsDep, _actor: Writer, breach: BreachPath) -> Response:
    """The form filled with the stored facts."""
    return _form_page(request, forms.values_from_breach(breach, settings.zone), [], breach=breach)


@router.post("/{breach_id:int}/edit")
def edit_breach_submit(
    request: Request,
    session: SessionDep,
    now: NowDep,
    settings: SettingsDep,
    actor: Writer,
    breach: BreachPath,
    values: BreachValues,
) -> Response:
    """Apply the corrections (audited by the service), or show the form again with every problem."""

    def correct() -> Breach:
        data = forms.read_correction(values, settings.zone, now, breach)
        return service.update_breach(
            session, actor=actor, now=now, breach_id=breach.id, data=data, log_due_day=settings.breach_log_due_day
        )

    return submit(
        session,
        BREACH_FORM,
        action=correct,
        on_error=lambda errors, status: _form_page(request, values, errors, breach=breach, status_code=status),
        success=lambda _: redirect(request, f"/breaches/{breach.id}", f"Breach {breach.reference} updated."),
    )
