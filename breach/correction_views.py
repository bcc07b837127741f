"""Pages for corrections of a breach's times after its statutory deadline passed: the edit form turns such a
change into a request (with its justification), and a second person approves or rejects it on the breach
page. The rules and the four eyes are the service's (breach.corrections); these routes only ask it.
"""

from __future__ import annotations

from datetime import datetime
from typing import Annotated

from fastapi import Depends, Request
from fastapi.responses import Response
from sqlmodel import Session

from breach import corrections, rules
from breach.models import Breach, BreachUpdate
from breach.paths import BreachPath
from provider.db.session import SessionDep
from provider.errors import NotFound
from provider.security.actor import Actor
from provider.security.roles import Permission
from provider.web.csrf import html_router
from provider.web.deps import NowDep, SettingsDep, page_permission
from provider.web.forms import PageForm, Values, submit
from provider.web.params import IdPath
from provider.web.rendering import redirect

router = html_router(prefix="/breaches")
Writer = Annotated[Actor, page_permission(Permission.breach_write)]
DECISION_FORM = PageForm(labels={"decision_note": "Note"})
DecisionValues = Annotated[Values, Depends(DECISION_FORM.submitted)]
TIME_FIELDS = (*rules.CORRECTED_TIMES, "awareness_justification")


def request_if_needed(
    session: Session, actor: Actor, now: datetime, breach: Breach, data: BreachUpdate, justification: str
) -> BreachUpdate:
    """When the corrected times need approval and a justification is given, record the request and return
    the rest of the change (applied at once); otherwise the change as it is (the service refuses it)."""
    sent = data.model_dump(exclude_unset=True)
    times = {name: sent[name] for name in TIME_FIELDS if name in sent and sent[name] != getattr(breach, name)}
    if not justification or not corrections.needs_approval(session, breach, times, now):
        return data
    corrections.request_correction(
        session, actor=actor, now=now, breach_id=breach.id, changes=times, justification=justification
    )
    return BreachUpdate(**{name: value for name, value in sent.items() if name not in times})


def _decide(
    request: Request, session: Session, actor: Actor, now: datetime, breach: Breach, correction_id: IdPath, **kw: object
) -> Response:
    def decide() -> object:
        found = corrections.corrections_of(session, breach.id)
        if all(c.id != correction_id for c in found):
            raise NotFound(f"correction {correction_id} is not a correction of {breach.reference}")
        return corrections.decide_correction(session, actor=actor, now=now, correction_id=correction_id, **kw)

    back = f"/breaches/{breach.id}#corrections"
    return submit(
        session,
        DECISION_FORM,
        action=decide,
        on_error=lambda errors, _status: redirect(request, back, "; ".join(e.message for e in errors)),
        success=lambda c: redirect(request, back, f"Correction {c.status} for {breach.reference}."),
    )


@router.post("/{breach_id:int}/corrections/{correction_id:int}/approve")
def approve(
    request: Request,
    session: SessionDep,
    now: NowDep,
    settings: SettingsDep,
    actor: Writer,
    breach: BreachPath,
    correction_id: IdPath,
    values: DecisionValues,
) -> Response:
    """Apply the corrected times (a second person only); the original deadline stays shown."""
    note = str(values.get("decision_note", ""))[:2000]
    return _decide(
        request,
        session,
        actor,
        now,
        breach,
        correction_id,
        approve=True,
        note=note,
        log_due_day=settings.breach_log_due_day,
    )


@router.post("/{breach_id:int}/corrections/{correction_id:int}/reject")
def reject(
    request: Request,
    session: SessionDep,
    now: NowDep,
    actor: Writer,
    breach: BreachPath,
    correction_id: IdPath,
    values: DecisionValues,
) -> Response:
    """Leave the times as they are (a second person only)."""
    note = str(values.get("decision_note", ""))[:2000]
    return _decide(request, session, actor, now, breach, correction_id, approve=False, note=note)
