"""An open request to stop call forwarding (reg 17) keeps a leaver: the leaving summary shows it with its
due time and erasure is refused; once the forwarding is stopped, erasure goes ahead and the request's
deadline is met, so the reminder sweep says nothing more about it; the erased line takes no new request."""

from __future__ import annotations

from datetime import datetime, timedelta

from sqlmodel import Session

from provider.clock import format_local
from provider.deadlines import reminders
from provider.deadlines import service as deadlines
from provider.deadlines.models import ObligationStatus
from provider.line_identification.deadlines import CALL_FORWARDING
from tests.provider.subscribers.leavers import make_subscriber

FORWARDING = {"forwarded_from": "+441134960999", "requested_by": "Ann Example", "channel": "phone"}


def _reminded(engine, settings, now, request_id: int) -> bool:
    with Session(engine) as session:
        [obligation] = deadlines.for_owners(session, CALL_FORWARDING, [request_id])[request_id]
        return any(row["obligation_id"] == obligation.id for row in reminders.plan(session, now=now, settings=settings))


def _obligation_status(engine, request_id: int) -> ObligationStatus:
    with Session(engine) as session:
        [obligation] = deadlines.for_owners(session, CALL_FORWARDING, [request_id])[request_id]
        return ObligationStatus(obligation.status)


def test_an_open_forwarding_request_keeps_a_leaver_until_the_forwarding_is_stopped(engine, api_client, clock, settings):
    with Session(engine) as session:
        leaver = make_subscriber(session, clock.now())
    officer = api_client("compliance_officer")
    created = officer.post(f"/api/v1/lines/{leaver.line_b}/forwarding-requests", json=FORWARDING)
    assert created.status_code == 201, created.text
    request_id, due = created.json()["id"], created.json()["due_at"]
    left = officer.post(f"/api/v1/subscribers/{leaver.subscriber_id}/leave", json={"reason": "ported_out"})
    assert left.status_code == 200, left.text

    summary = officer.get(f"/api/v1/subscribers/{leaver.subscriber_id}/leaving").json()
    [item] = [k for k in summary["kept"] if k["what"] == "call forwarding requests"]
    due_shown = format_local(datetime.fromisoformat(due.replace("Z", "+00:00")))
    assert (item["why"], item["records"], item["until"]) == (
        f"a request to stop call forwarding to its line is not done yet, due {due_shown}",
        1,
        None,
    )
    assert summary["can_be_erased"] is False
    refused = officer.post(f"/api/v1/subscribers/{leaver.subscriber_id}/erase")
    assert refused.status_code == 409 and "call forwarding requests (1) kept" in refused.text
    later = clock.now() + timedelta(days=3)  # past its due time: an open request is reminded, overdue
    assert _reminded(engine, settings, later, request_id)

    done = officer.post(f"/api/v1/forwarding-requests/{request_id}/complete", json={"notes": "barred at the switch"})
    assert done.status_code == 200, done.text
    summary = officer.get(f"/api/v1/subscribers/{leaver.subscriber_id}/leaving").json()
    assert "call forwarding requests" not in [k["what"] for k in summary["kept"]]
    erased = officer.post(f"/api/v1/subscribers/{leaver.subscriber_id}/erase")
    assert erased.status_code == 200, erased.text
    assert erased.json()["counts"]["line_identification.forwarding_requests_unnamed"] == 1
    assert _obligation_status(engine, request_id) is ObligationStatus.met
    assert not _reminded(engine, settings, later, request_id)
    assert officer.get(f"/api/v1/forwarding-requests/{request_id}").json()["requested_by"] == "(erased)"

    again = officer.post(f"/api/v1/lines/{leaver.line_b}/forwarding-requests", json=FORWARDING)
    assert again.status_code == 409 and "the line was erased: no request can be recorded for it" in again.text
    trace = {"requested_by": "Ann Example", "channel": "phone", "description": "silent calls"}
    assert officer.post(f"/api/v1/lines/{leaver.line_b}/traces", json=trace).status_code == 409
