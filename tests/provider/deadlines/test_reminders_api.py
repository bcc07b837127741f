"""GET /api/v1/reminders (keyset pages, acknowledged filter) and POST .../acknowledge, with their permissions."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from sqlmodel import Session

from breach.models import ObligationKind
from provider.deadlines import reminders as service
from tests.breach.log.factories import add_breach, add_obligation

ANCHOR = datetime(2026, 3, 10, 14, 0, tzinfo=UTC)
DUE = ANCHOR + timedelta(hours=73)


def _five_reminders(engine, clock, settings):
    """The first breach: half, then escalated and overdue; the second: ninety, then escalated and overdue.
    Ids 1..6, oldest first."""
    first = add_breach(engine, aware_at=ANCHOR, now=clock.now())
    add_obligation(
        engine, breach_id=first.id, kind=ObligationKind.ico_notification, anchor_at=ANCHOR, due_at=DUE, now=clock.now()
    )
    second = add_breach(engine, aware_at=ANCHOR + timedelta(hours=1), now=clock.now())
    add_obligation(
        engine,
        breach_id=second.id,
        kind=ObligationKind.ico_notification,
        anchor_at=ANCHOR,
        due_at=DUE + timedelta(hours=5),
        now=clock.now(),
    )
    with Session(engine) as session:
        assert service.sweep(session, now=ANCHOR + timedelta(hours=37), settings=settings) == 1
        assert service.sweep(session, now=DUE, settings=settings) == 3
        assert service.sweep(session, now=DUE + timedelta(hours=5), settings=settings) == 2
    return first, second


def test_the_list_pages_newest_first_by_keyset_until_the_last_page(api_client, engine, clock, settings):
    first, _second = _five_reminders(engine, clock, settings)
    reader = api_client("auditor", ["breach:read"])
    page = reader.get("/api/v1/reminders", params={"limit": 4})
    assert page.status_code == 200, page.text
    body = page.json()
    assert [item["id"] for item in body["items"]] == [6, 5, 4, 3] and body["next_after"] == 3
    rest = reader.get("/api/v1/reminders", params={"limit": 4, "after": body["next_after"]}).json()
    assert [item["id"] for item in rest["items"]] == [2, 1] and rest["next_after"] is None
    oldest = rest["items"][-1]
    assert oldest["threshold"] == "half" and oldest["breach_id"] == first.id
    assert oldest["breach_reference"] == first.reference and oldest["link"] == f"/breaches/{first.id}"
    assert oldest["obligation_kind"] == "ico_notification" and oldest["obligation_status"] == "open"
    assert oldest["description"].startswith("Notify the ICO (statutory deadline)")
    assert oldest["due_at"] == "2026-03-13T15:00:00Z" and oldest["acknowledged_at"] is None


def test_acknowledging_through_the_api_and_filtering_by_it(api_client, engine, clock, settings):
    _five_reminders(engine, clock, settings)
    writer = api_client("breach_manager", ["breach:read", "breach:write"])
    clock.advance(hours=2)
    done = writer.post("/api/v1/reminders/4/acknowledge")
    assert done.status_code == 200, done.text
    assert done.json()["acknowledged_at"] == "2026-03-10T14:00:00Z"
    assert done.json()["acknowledged_by"].startswith("breach_manager-api")
    clock.advance(hours=1)
    again = writer.post("/api/v1/reminders/4/acknowledge").json()
    assert again["acknowledged_at"] == "2026-03-10T14:00:00Z"  # the first acknowledgement stays
    acknowledged = writer.get("/api/v1/reminders", params={"acknowledged": "true"}).json()["items"]
    waiting = writer.get("/api/v1/reminders", params={"acknowledged": "false"}).json()["items"]
    assert [item["id"] for item in acknowledged] == [4]
    assert [item["id"] for item in waiting] == [6, 5, 3, 2, 1]


def test_permissions_bounds_and_unknown_reminders(api_client, engine, clock, settings):
    _five_reminders(engine, clock, settings)
    reader = api_client("auditor", ["breach:read"])
    assert reader.post("/api/v1/reminders/1/acknowledge").status_code == 403
    assert api_client("agent", scopes=["subscribers:read"]).get("/api/v1/reminders").status_code == 403
    writer = api_client("breach_manager")
    assert writer.post("/api/v1/reminders/999/acknowledge").status_code == 404
    assert writer.post("/api/v1/reminders/99999999999999999999/acknowledge").status_code == 422
    for bad in ({"limit": 0}, {"limit": 201}, {"after": 0}, {"after": 2**63}, {"acknowledged": "maybe"}):
        assert writer.get("/api/v1/reminders", params=bad).status_code == 422, bad
