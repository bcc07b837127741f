"""A line that leaves while its subscriber stays is erased on its own once nothing is kept of it: its
number becomes `#<id>`, its named users and their consents go, one receipt names the line; the subscriber
and its other line are untouched. Refused, with the reason, while the line has not left or its traffic
is still kept."""

from __future__ import annotations

import json

from sqlmodel import Session, select

from provider.subscribers.leaving.models import SubscriberErasureReceipt
from provider.subscribers.models import Line, LineUser, Subscriber
from provider.wording.models import PersonKind
from tests.provider.subscribers.leavers import make_subscriber
from traffic.consent.models import ConsentEvent


def _user_with_consent(session: Session, line_id: int, subscriber_id: int, now) -> int:
    user = LineUser(line_id=line_id, name="Бен Користувач", created_at=now, updated_at=now)
    session.add(user)
    session.flush()
    session.add(ConsentEvent(
        subscriber_id=subscriber_id, person_kind=PersonKind.line_user, person_id=user.id, data_kind="traffic",
        purpose="marketing", action="given", method="web", evidence_reference="E-1",
        occurred_at=now, recorded_at=now, recorded_by="tests",
    ))  # fmt: skip
    session.commit()
    return user.id


def test_a_left_line_is_erased_alone_and_its_subscriber_stays(engine, api_client, clock):
    with Session(engine) as session:
        leaver = make_subscriber(session, clock.now())
        user_id = _user_with_consent(session, leaver.line_a, leaver.subscriber_id, clock.now())
    officer = api_client("compliance_officer")
    not_left = officer.post(f"/api/v1/lines/{leaver.line_a}/erase")
    assert not_left.status_code == 409 and "it has not left" in not_left.text
    assert officer.post(f"/api/v1/lines/{leaver.line_a}/leave", json={"reason": "ported_out"}).status_code == 200

    erased = officer.post(f"/api/v1/lines/{leaver.line_a}/erase")
    assert erased.status_code == 200, erased.text
    receipt = erased.json()
    assert (receipt["line_id"], receipt["lines_erased"], receipt["users_erased"]) == (leaver.line_a, 1, 1)
    assert receipt["counts"]["traffic.consents"] == 1
    with Session(engine) as session:
        line, other = session.get(Line, leaver.line_a), session.get(Line, leaver.line_b)
        assert line.number == f"#{leaver.line_a}" and line.erased_at is not None
        assert other.number == leaver.number_b and other.erased_at is None
        subscriber = session.get(Subscriber, leaver.subscriber_id)
        assert subscriber.name == "Ann Example" and subscriber.erased_at is None
        assert session.get(LineUser, user_id) is None
        assert session.exec(select(ConsentEvent).where(ConsentEvent.person_id == user_id)).all() == []
        stored = session.exec(select(SubscriberErasureReceipt)).one()
        assert stored.line_id == leaver.line_a and leaver.number_a not in json.dumps(stored.counts)
    again = officer.post(f"/api/v1/lines/{leaver.line_a}/erase")
    assert again.status_code == 409 and "already erased" in again.text


def test_a_left_line_whose_traffic_is_kept_is_refused_with_the_reason(engine, api_client, clock):
    with Session(engine) as session:
        leaver = make_subscriber(session, clock.now())
    record = {"source_record_id": "L1", "kind": "call", "direction": "outgoing", "line": leaver.number_b,
              "start_at": clock.now().isoformat(), "duration_seconds": 60, "bill_ref": "B-1"}  # fmt: skip
    loaded = api_client("compliance_officer", scopes=["traffic:write"]).post(
        "/api/v1/traffic/records", content=json.dumps(record) + "\n", headers={"Content-Type": "application/x-ndjson"}
    )
    assert loaded.status_code in (200, 201), loaded.text
    officer = api_client("compliance_officer")
    assert officer.post(f"/api/v1/lines/{leaver.line_b}/leave", json={"reason": "ceased"}).status_code == 200
    refused = officer.post(f"/api/v1/lines/{leaver.line_b}/erase")
    assert refused.status_code == 409 and "traffic records, billing (1) kept" in refused.text
    with Session(engine) as session:
        assert session.get(Line, leaver.line_b).number == leaver.number_b


def test_a_line_is_erased_through_its_web_page_after_confirming(engine, api_client, signed_in, clock):
    from tests.conftest import csrf_from

    with Session(engine) as session:
        leaver = make_subscriber(session, clock.now())
    officer = signed_in("compliance_officer")
    detail = officer.get(f"/subscribers/{leaver.subscriber_id}")
    assert f"/lines/{leaver.line_a}/erase" not in detail.text  # not offered before the line leaves
    assert api_client("compliance_officer").post(
        f"/api/v1/lines/{leaver.line_a}/leave", json={"reason": "ported_out"}
    ).status_code == 200  # fmt: skip
    assert f"/lines/{leaver.line_a}/erase" in officer.get(f"/subscribers/{leaver.subscriber_id}").text
    url = f"/subscribers/{leaver.subscriber_id}/lines/{leaver.line_a}/erase"
    page = officer.get(url)
    assert page.status_code == 200 and "Nothing is kept of this line any more" in page.text
    unconfirmed = officer.post(url, data={"csrf_token": csrf_from(page.text)})
    assert unconfirmed.status_code == 422
    done = officer.post(url, data={"csrf_token": csrf_from(page.text), "confirm": "on"})
    assert done.status_code == 303, done.text
    with Session(engine) as session:
        assert session.get(Line, leaver.line_a).number == f"#{leaver.line_a}"
    assert signed_in("auditor").get(url).status_code == 403  # a read-only role may not erase
