"""The four-eyes correction over HTTP: after the deadline, the edit form turns a changed awareness time with a
justification into a pending request (nothing moves), the requester cannot approve it, a second manager can,
and the breach page then shows the original deadline."""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta

from sqlmodel import Session

from breach import service
from breach.models import ObligationKind
from tests.breach.test_views import COMPLETE, SUMMER, _boxes, _record, _typed
from tests.conftest import csrf_from


def _edit(client, breach_id: int, **changes: str):
    form = client.get(f"/breaches/{breach_id}/edit").text
    values = dict(re.findall(r'<input[^>]*name="([a-z_]+(?:-[a-z]+)?)"[^>]*value="([^"]*)"', form))
    for name in ("occurred_at", "detected_at"):
        values.update(_typed(name, _boxes(form, name)))
    values.update(_typed("aware_at", _boxes(form, "aware_at")))
    values.update({"circumstance": COMPLETE["circumstance"], "data_categories": COMPLETE["data_categories"]})
    values.update(changes)
    values["csrf_token"] = csrf_from(form)
    return client.post(f"/breaches/{breach_id}/edit", data=values)


def _due(engine, breach_id):
    with Session(engine) as session:
        rows = service.obligations_for(session, breach_ids=[breach_id])[breach_id]
        return next(r.due_at for r in rows if r.kind == ObligationKind.ico_notification)


def test_a_late_time_correction_waits_for_a_second_manager(signed_in, clock, engine):
    clock.set(SUMMER)
    breach_id = _record(signed_in("breach_manager", "recorder"), COMPLETE)
    due = _due(engine, breach_id)
    clock.set(due + timedelta(hours=1))
    first = signed_in("breach_manager", "first-manager")  # signed in after the clock moved (sessions expire)
    later = {**_typed("aware_at", "1 7 2026 10:30")}
    refused = _edit(first, breach_id, **later)
    assert refused.status_code == 422 and "second person" in refused.text
    asked = _edit(first, breach_id, **later, correction_justification="The ticket shows 10:30, not 09:30")
    assert asked.status_code == 303, asked.text
    assert _due(engine, breach_id) == due  # nothing moves until approved
    page = first.get(f"/breaches/{breach_id}").text
    approve = re.search(r'action="(/breaches/\d+/corrections/\d+/approve)"', page).group(1)
    assert first.post(approve, data={"csrf_token": csrf_from(page)}).status_code == 403
    second = signed_in("breach_manager", "second-manager")
    page = second.get(f"/breaches/{breach_id}").text
    assert second.post(approve, data={"csrf_token": csrf_from(page)}).status_code == 303
    assert _due(engine, breach_id) == due + timedelta(hours=1)
    shown = second.get(f"/breaches/{breach_id}").text
    assert 'id="original-deadline"' in shown and "approved" in shown
    assert datetime(2026, 7, 1, tzinfo=UTC) < due
